import { z } from 'zod';
import { checkContractNumber } from './contract-number.js';
import { ConfigError, redact } from './errors.js';

/**
 * Config values may reference the environment instead of holding secrets:
 * `"clientSecret": "env:CESCE_CLIENT_SECRET"`. `resolveEnvReferences` replaces every such string
 * and reports the unset ones by their path; the values themselves are never printed.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Record<string, string | undefined>,
  path: string[] = [],
  missing: { path: string; message: string }[] = [],
): unknown {
  if (typeof value === 'string') {
    const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value.trim());
    if (!m) return value;
    const v = env[m[1]!];
    if (v === undefined || v === '') {
      missing.push({ path: path.join('.'), message: `environment variable ${m[1]} is not set` });
      return undefined;
    }
    return v;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, env, [...path, String(i)], missing));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveEnvReferences(v, env, [...path, k], missing);
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
    baseUrl: z.url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL such as http://127.0.0.1:4010' }).optional(),
    contractNo: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), contractNoSchema),
    clientId: z.string().min(1, 'is required (the portal application’s client id)'),
    clientSecret: z.string().min(1, 'is required (the portal application’s client secret)'),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    scope: z.string().default('create read update delete'),
    timeoutMs: z.number().int().positive().default(30_000),
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
  const resolved = resolveEnvReferences(raw, options.env ?? process.env, [], missing);
  const parsed = schema.safeParse(resolved);
  // A message may quote a value: never one that is a secret, wherever it was put by mistake.
  const secrets = (options.secretPaths ?? []).map((p) => valueAt(resolved, p)).filter((v): v is string => typeof v === 'string');
  const issues = [...missing, ...(parsed.success ? [] : zodIssues(parsed.error))].map((i) => ({ ...i, message: String(redact(i.message, secrets)) }));
  // An unset variable also shows up as "required": keep the clearer message only.
  const unique = issues.filter((i, n) => issues.findIndex((j) => j.path === i.path) === n);
  if (unique.length > 0 || !parsed.success) throw new ConfigError(options.file, unique);
  return parsed.data;
}
