import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { cesceConfigSchema, ConfigError, isIsoDate, parseConfig, parseJsonText, zodIssues } from '@cesce-connect/core';

/** The `odoo` section: how to reach the company's Odoo database, and which fields hold Cesce's data. */
export const odooConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'expected the Odoo base URL, e.g. https://erp.example.com' }),
    database: z.string().min(1),
    username: z.string().min(1),
    /** Password or API key (Odoo 14+); prefer an API key of a dedicated bot user. JSON-2 (Odoo 19+) needs an API key. */
    password: z.string().min(1),
    companyId: z.number().int().positive(),
    /** Wire protocol; `auto` (default) picks JSON-2 on Odoo 19+, else JSON-RPC, else XML-RPC. */
    protocol: z
      .enum(['auto', 'xmlrpc', 'jsonrpc', 'json2'])
      .optional()
      .describe("Wire protocol: 'auto' (default: JSON-2 on Odoo 19+, JSON-RPC on 14-18, XML-RPC when only /xmlrpc gets through), 'xmlrpc', 'jsonrpc' or 'json2'"),
    timeoutMs: z.number().int().positive().optional(),
    pageSize: z.number().int().min(1).max(5000).optional(),
    /** Incremental reads re-read this many minutes before the last run's watermark (default 10). */
    overlapMinutes: z
      .number()
      .int()
      .min(0)
      .max(1440)
      .optional()
      .describe('Minutes re-read before the last watermark on incremental runs (default 10): Odoo stamps write_date with the start time of a transaction, which may commit later'),
    /** Also write granted limits into Odoo's native res.partner.credit_limit (default false). */
    writeNativeCreditLimit: z
      .boolean()
      .optional()
      .describe("Also write the granted limit into Odoo's own res.partner.credit_limit (per company on 16+) and switch use_partner_credit_limit on (default false)"),
    /** Which fields hold the results: our x_cesce_* fields (default), the OCA partner_risk_insurance ones, or auto. */
    fieldsPreset: z
      .enum(['x_cesce', 'oca', 'auto'])
      .optional()
      .describe(
        "'x_cesce' (default): the x_cesce_* custom fields; 'oca': the granted limit and endorsement go into the OCA partner_risk_insurance fields insurance_credit_limit and risk_insurance_code; 'auto': 'oca' when that module is installed",
      ),
    fields: z
      .object({
        requestedLimit: z.string().describe('Float on res.partner (default x_cesce_requested_limit): > 0 requests a classification for that amount'),
        classificationStatus: z.string().describe("Char on res.partner (default x_cesce_status): Cesce's status label"),
        grantedLimit: z.string().describe('Float on res.partner (default x_cesce_granted_limit; OCA preset: insurance_credit_limit)'),
        endorsementNo: z.string().describe('Char on res.partner (default x_cesce_endorsement_no; OCA preset: risk_insurance_code)'),
        saleReference: z.string().describe("Char on account.move (default x_cesce_sale_ref): Cesce's reference of the declared sale"),
        saleState: z.string().describe("Char on account.move (default x_cesce_sale_state): 'declared' or 'rejected'"),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

const secret = (what: string) => z.string().min(1).describe(`${what}; give it as env:NAME`);

/** How the SOAP client authenticates (per installation). */
export const soapAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: secret('password') }).strict(),
  z
    .object({
      type: z.literal('wsse'),
      username: z.string().min(1),
      password: secret('password'),
      passwordType: z.enum(['PasswordText', 'PasswordDigest']).optional().describe('WS-Security UsernameToken password type (default PasswordText)'),
      timestamp: z.boolean().optional().describe('send a wsu:Timestamp (default true; some servers reject it with PasswordText)'),
      nonce: z.boolean().optional().describe('send a wsse:Nonce (default: with PasswordDigest only)'),
    })
    .strict(),
  z
    .object({
      type: z.literal('ntlm'),
      username: z.string().min(1),
      password: secret('password'),
      domain: z.string().optional(),
      workstation: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('bearer'), token: secret('bearer token') }).strict(),
  z
    .object({
      type: z.literal('certificate'),
      certFile: z.string().min(1).describe('client certificate (PEM), relative to the config file'),
      keyFile: z.string().min(1).describe('its private key (PEM), relative to the config file'),
      passphrase: secret('passphrase of the key').optional(),
      caFile: z.string().optional().describe('CA bundle (PEM) to verify the server, relative to the config file'),
    })
    .strict(),
]);

/** The `soapErp` section: a SOAP ERP (SAP BAPIs, Dynamics NAV/BC pages, or any profile). */
export const soapErpConfigSchema = z
  .object({
    profile: z
      .string()
      .min(1)
      .describe("a preset ('sap-bapi', 'dynamics-nav') or the path of a profile file (JSON/YAML), relative to the config file"),
    baseUrl: z.url({ protocol: /^https?$/, message: 'expected the ERP base URL, e.g. https://sap.example.com:44300' }).describe('replaces {{baseUrl}} in the profile'),
    auth: soapAuthSchema,
    company: z
      .object({
        id: z.string().min(1).describe('the company code / company in the ERP (SAP BUKRS, NAV company name)'),
        name: z.string().min(1),
        taxCode: z.string().min(1).optional(),
        currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR').describe('company (local) currency: amounts without a currency are in it'),
      })
      .strict(),
    timeoutMs: z.number().int().positive().optional().describe('per-call and WSDL timeout (default 30000)'),
    soapVersion: z.enum(['1.1', '1.2']).optional().describe("overrides the profile's SOAP version"),
    encoding: z.enum(['utf-8', 'iso-8859-1']).optional().describe('charset of answers that do not declare one, or declare it wrongly'),
  })
  .strict();

export const syncConfigSchema = z
  .object({
    /** SQLite ledger file, relative to the config file. */
    ledger: z.string().min(1).default('.cesce/ledger.sqlite'),
    fromDate: z
      .string()
      .refine(isIsoDate, { message: 'expected a date as YYYY-MM-DD' })
      .optional(),
    concurrency: z.number().int().min(1).max(16).default(4),
  })
  .strict();

/** The `workers` section: the multi-worker mode's shared ledger and queue (`cesce worker ...`). */
export const workersConfigSchema = z
  .object({
    postgres: z
      .string()
      .min(1)
      .describe('PostgreSQL connection string of the shared ledger and work queue, e.g. postgres://user:password@host:5432/cesce; a secret: give it as env:NAME'),
    concurrency: z.number().int().min(1).max(64).optional().describe('declarations in flight at once per worker process (default 4)'),
  })
  .strict();

/** Exactly one ERP section. */
function oneErp(c: { odoo?: unknown; soapErp?: unknown }, ctx: z.RefinementCtx): void {
  if (!c.odoo && !c.soapErp) ctx.addIssue({ code: 'custom', path: ['odoo'], message: 'give the ERP: an `odoo` section or a `soapErp` section' });
  if (c.odoo && c.soapErp) ctx.addIssue({ code: 'custom', path: ['soapErp'], message: 'give one ERP only: `odoo` or `soapErp`, not both' });
}

const SYNC_DEFAULTS = { ledger: '.cesce/ledger.sqlite', concurrency: 4 };

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    cesce: cesceConfigSchema,
    /** The ERP: exactly one of `odoo` and `soapErp`. */
    odoo: odooConfigSchema.optional(),
    soapErp: soapErpConfigSchema.optional(),
    sync: syncConfigSchema.default(SYNC_DEFAULTS),
    workers: workersConfigSchema.optional(),
  })
  .strict()
  .superRefine(oneErp);

/** Everything but the `cesce` section (checked on its own by `cesce diagnose`). */
const erpSectionsSchema = z
  .object({
    $schema: z.string().optional(),
    cesce: z.unknown(),
    odoo: odooConfigSchema.optional(),
    soapErp: soapErpConfigSchema.optional(),
    sync: syncConfigSchema.default(SYNC_DEFAULTS),
    workers: workersConfigSchema.optional(),
  })
  .strict()
  .superRefine(oneErp);

/** Dotted paths of every secret value a config may hold. */
export const SECRET_PATHS = [
  'cesce.clientSecret',
  'cesce.password',
  'odoo.password',
  'soapErp.auth.password',
  'soapErp.auth.token',
  'soapErp.auth.passphrase',
  'workers.postgres',
] as const;

export type Config = z.infer<typeof configSchema>;

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '(file)', message: code === 'ENOENT' ? `file not found (looked for ${resolve(file)})` : `cannot be read (${code}): ${resolve(file)}` }]);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new ConfigError(file, [{ path: '(file)', message: `is not valid JSON at ${parsed.message}` }]);
  return parsed.value;
}

/** Reads, resolves `env:` references in, and validates a config file. Throws `ConfigError`. */
export function loadConfig(file: string, env: Record<string, string | undefined> = process.env): Config & { file: string } {
  const raw = readJsonFile(file);
  const config = parseConfig(configSchema, raw, {
    file,
    env,
    secretPaths: SECRET_PATHS.map((p) => p.split('.')),
  });
  return withPaths(config, file);
}

/** Paths in the config made absolute, relative to the config file's directory. */
function withPaths<C extends Pick<Config, 'soapErp' | 'sync'>>(config: C, file: string): C & { file: string } {
  const base = dirname(resolve(file));
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const ledger = rel(config.sync.ledger);
  let soapErp = config.soapErp;
  if (soapErp?.auth.type === 'certificate') {
    const a = soapErp.auth;
    soapErp = { ...soapErp, auth: { ...a, certFile: rel(a.certFile), keyFile: rel(a.keyFile), ...(a.caFile ? { caFile: rel(a.caFile) } : {}) } };
  }
  return { ...config, ...(soapErp ? { soapErp } : {}), sync: { ...config.sync, ledger }, file };
}

/** Reads and validates only the `odoo` section of a config file (`cesce odoo ...` needs nothing else). */
export function loadOdooConfig(file: string, env: Record<string, string | undefined> = process.env): z.infer<typeof odooConfigSchema> {
  const raw = readJsonFile(file);
  const odoo = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).odoo : undefined;
  return parseConfig(z.object({ odoo: odooConfigSchema }), { odoo }, { file, env, secretPaths: [['odoo', 'password']] }).odoo;
}

/** Every secret value in a config, to scrub from anything printed. */
export function secretsOf(config: Config): string[] {
  const auth = config.soapErp?.auth as { password?: string; token?: string; passphrase?: string } | undefined;
  return [config.cesce.clientSecret, config.cesce.password, config.odoo?.password, auth?.password, auth?.token, auth?.passphrase, config.workers?.postgres].filter(
    (s): s is string => !!s,
  );
}

/**
 * Validates the ERP and sync sections of a config whose references are already resolved (what
 * `cesce diagnose` needs: the `cesce` section is checked on its own there). Issues name the path.
 */
export function parseErpSections(
  resolved: Record<string, unknown>,
  file: string,
): { ok: true; config: Pick<Config, 'odoo' | 'soapErp' | 'sync'> & { file: string } } | { ok: false; issues: { path: string; message: string }[] } {
  const parsed = erpSectionsSchema.safeParse(resolved);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
  return { ok: true, config: withPaths(parsed.data, file) };
}
