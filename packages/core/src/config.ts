import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { checkContractNumber } from './contract-number.js';
import { ConfigError, redact } from './errors.js';
import { parsePemCertificates } from './http/tls.js';

/** How a config value was given: written in the file, or a reference to the environment or a file. */
export type ConfigValueSource = 'inline' | 'env' | 'file';

export interface ReferenceOptions {
  /** Directory `file:` paths are relative to (the config file's); default the working directory. */
  baseDir?: string | undefined;
  /** Told the source of every string value, by dotted path (diagnostics: secrets written inline). */
  onValue?: ((path: string, source: ConfigValueSource) => void) | undefined;
}

/**
 * Config values may reference where a secret is kept instead of holding it:
 * `"clientSecret": "env:CESCE_CLIENT_SECRET"` (an environment variable) or
 * `"clientSecret": "file:secrets/cesce-secret.txt"` (a file, e.g. a Docker or Kubernetes secret,
 * relative to the config file; one trailing newline is dropped). `resolveEnvReferences` replaces
 * every such string and reports the unset or unreadable ones by their path; the values themselves
 * are never printed.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Record<string, string | undefined>,
  path: string[] = [],
  missing: { path: string; message: string }[] = [],
  options: ReferenceOptions = {},
): unknown {
  if (typeof value === 'string') {
    const where = path.join('.');
    const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value.trim());
    if (m) {
      options.onValue?.(where, 'env');
      const v = env[m[1]!];
      if (v === undefined || v === '') {
        missing.push({ path: where, message: `environment variable ${m[1]} is ${v === undefined ? 'not set' : 'set but empty'}` });
        return undefined;
      }
      return v;
    }
    // "env:" or "file:" without a name (or with an impossible one) is a broken reference, not a value.
    const broken = /^(env|file):(.*)$/.exec(value.trim());
    if (broken && (broken[1] === 'file' ? broken[2]!.trim() === '' : true)) {
      options.onValue?.(where, broken[1] === 'env' ? 'env' : 'file');
      missing.push({
        path: where,
        message: broken[1] === 'env' ? 'names no valid environment variable after "env:" (letters, digits and _, e.g. env:CESCE_CLIENT_SECRET)' : 'names no file after "file:" (e.g. file:secrets/cesce-secret.txt)',
      });
      return undefined;
    }
    const f = /^file:(.+)$/.exec(value.trim());
    if (f) {
      options.onValue?.(where, 'file');
      const file = resolvePath(options.baseDir ?? '.', f[1]!.trim());
      try {
        const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
        if (text === '') {
          missing.push({ path: where, message: `the file ${file} is empty` });
          return undefined;
        }
        return text;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        missing.push({ path: where, message: `the file ${file} cannot be read (${code === 'ENOENT' ? 'not found' : code})` });
        return undefined;
      }
    }
    options.onValue?.(where, 'inline');
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, env, [...path, String(i)], missing, options));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key of the JSON stays a key (an assignment would set the prototype).
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: resolveEnvReferences(v, env, [...path, k], missing, options), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

export const contractNoSchema = z.string().superRefine((value, ctx) => {
  const r = checkContractNumber(value);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: `${r.message}${r.suggestion ? ` (did you mean ${r.suggestion}?)` : ''}` });
});

/** The `cesce` section of the config file. */
export const cesceConfigSchema = z
  .object({
    environment: z.enum(['sandbox', 'pre', 'pro', 'custom']).default('sandbox'),
    baseUrl: z
      .url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL such as http://127.0.0.1:4010' })
      .refine((v) => {
        try {
          const u = new URL(v);
          return u.username === '' && u.password === '';
        } catch {
          return true; // reported by the URL check
        }
      }, 'holds a user name or password (user:password@): remove them; Cesce credentials go in clientId, clientSecret, username and password')
      .optional(),
    contractNo: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), contractNoSchema),
    clientId: z.string().min(1, 'is required (the portal application’s client id)'),
    clientSecret: z.string().min(1, 'is required (the portal application’s client secret)'),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    scope: z.string().default('create read update delete'),
    /** The Cesce APIs this installation uses; `cesce diagnose` checks each (default: what `cesce sync` needs). */
    apis: z
      .array(z.enum(['classifications', 'sales', 'claims', 'financial']))
      .min(1)
      .default(['classifications', 'sales'])
      .describe("Cesce APIs this installation uses (default ['classifications', 'sales'], what cesce sync needs); cesce diagnose checks the app's access to each"),
    timeoutMs: z.number().int().positive().default(30_000),
    /**
     * Cesce API calls allowed per second for this credential (client id). `cesce sync` keeps to it
     * in its process; the workers of the multi-worker mode share it through PostgreSQL.
     */
    rateLimit: z
      .object({
        requestsPerSecond: z.number().positive().max(10_000).describe('API calls per second allowed for this credential (may be fractional: 0.5 = one call every 2 s)'),
        burst: z.number().int().min(1).max(10_000).optional().describe('calls that may go at once after a quiet period (default 1: evenly spaced)'),
      })
      .strict()
      .optional()
      .describe("Cesce API calls per second for this credential, shared by every process using it (cesce sync in-process; the multi-worker mode's workers through PostgreSQL). Default: no limit (429 answers are still honoured)"),
    /**
     * CA certificates (PEM) to trust besides the system's, for a gateway or proxy signed by a private
     * CA: `"file:certs/company-ca.pem"` (relative to the config file) or an absolute path. Becomes
     * the PEM text. Certificate verification is always on.
     */
    tlsCa: z
      .string()
      .min(1)
      .transform((value, ctx) => {
        let pem = value;
        if (!value.includes('-----BEGIN')) {
          if (!isAbsolute(value.trim())) {
            ctx.addIssue({ code: 'custom', message: 'holds no PEM certificate: expected "file:PATH" of a PEM file (relative to the config file), an absolute path, or PEM text' });
            return z.NEVER;
          }
          try {
            pem = readFileSync(value.trim(), 'utf8');
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code ?? 'error';
            ctx.addIssue({ code: 'custom', message: `the file ${value.trim()} cannot be read (${code === 'ENOENT' ? 'not found' : code})` });
            return z.NEVER;
          }
        }
        try {
          parsePemCertificates(pem, 'cesce.tlsCa');
        } catch {
          ctx.addIssue({ code: 'custom', message: 'holds no PEM certificate ("-----BEGIN CERTIFICATE-----" block)' });
          return z.NEVER;
        }
        return pem;
      })
      .optional()
      .describe('CA certificates (PEM) trusted besides the system roots: "file:PATH" relative to the config file, or an absolute path'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.environment === 'pre' || c.environment === 'pro') && !(c.username && c.password)) {
      ctx.addIssue({
        code: 'custom',
        path: ['username'],
        message: `username and password are required in ${c.environment.toUpperCase()} (sent by email from noreply@cesce.es)`,
      });
    }
    if (c.environment === 'custom' && !c.baseUrl) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: "is required when environment is 'custom'" });
    }
  });
export type CesceConfig = z.infer<typeof cesceConfigSchema>;

/** Turns zod issues into `path: message` lines for a `ConfigError`. */
export function zodIssues(error: z.ZodError, prefix: string[] = []): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map(String)].join('.') || '(root)',
    message:
      i.code === 'unrecognized_keys'
        ? `unknown key(s) ${i.keys.map((k) => `'${k}'`).join(', ')}`
        : i.code === 'invalid_type' && /received undefined$/.test(i.message)
          ? `is required (${i.expected === 'object' ? 'a section' : `a ${i.expected}`})`
          : i.message,
  }));
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Validates a parsed config object with `schema`, resolving `env:` references first. */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  options: { file: string; env?: Record<string, string | undefined>; secretPaths?: readonly (readonly string[])[] },
): z.infer<S> {
  const missing: { path: string; message: string }[] = [];
  const resolved = resolveEnvReferences(raw, options.env ?? process.env, [], missing, { baseDir: dirname(resolvePath(options.file)) });
  const parsed = schema.safeParse(resolved);
  // A message may quote a value: never one that is a secret, wherever it was put by mistake.
  // A secret is also scrubbed trimmed: messages may quote a value without its edge blanks.
  const secrets = (options.secretPaths ?? [])
    .map((p) => valueAt(resolved, p))
    .filter((v): v is string => typeof v === 'string')
    .flatMap((s) => (s.trim() && s.trim() !== s ? [s, s.trim()] : [s]));
  const issues = [...missing, ...(parsed.success ? [] : zodIssues(parsed.error))].map((i) => ({ ...i, message: String(redact(i.message, secrets)) }));
  // An unset variable also shows up as "required": keep the clearer message only.
  const unique = issues.filter((i, n) => issues.findIndex((j) => j.path === i.path) === n);
  if (unique.length > 0 || !parsed.success) throw new ConfigError(options.file, unique);
  return parsed.data;
}
