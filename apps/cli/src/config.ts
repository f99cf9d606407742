import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { cesceConfigSchema, ConfigError, isIsoDate, parseConfig } from '@cesce-connect/core';

/** The `odoo` section: how to reach the company's Odoo database. */
export const odooConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'expected the Odoo base URL, e.g. https://erp.example.com' }),
    database: z.string().min(1),
    username: z.string().min(1),
    /** Password or API key (Odoo 14+); prefer an API key of a dedicated bot user. */
    password: z.string().min(1),
    companyId: z.number().int().positive(),
    timeoutMs: z.number().int().positive().optional(),
    pageSize: z.number().int().min(1).max(5000).optional(),
    fields: z
      .object({
        requestedLimit: z.string(),
        classificationStatus: z.string(),
        grantedLimit: z.string(),
        endorsementNo: z.string(),
        saleReference: z.string(),
      })
      .partial()
      .strict()
      .optional(),
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

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    cesce: cesceConfigSchema,
    odoo: odooConfigSchema,
    sync: syncConfigSchema.default({ ledger: '.cesce/ledger.sqlite', concurrency: 4 }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** Reads, resolves `env:` references in, and validates a config file. Throws `ConfigError`. */
export function loadConfig(file: string, env: Record<string, string | undefined> = process.env): Config & { file: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '(file)', message: code === 'ENOENT' ? 'file not found' : `cannot be read (${code})` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [{ path: '(file)', message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  const config = parseConfig(configSchema, raw, {
    file,
    env,
    secretPaths: [
      ['cesce', 'clientSecret'],
      ['cesce', 'password'],
      ['odoo', 'password'],
    ],
  });
  const base = dirname(resolve(file));
  const ledger = isAbsolute(config.sync.ledger) ? config.sync.ledger : resolve(base, config.sync.ledger);
  return { ...config, sync: { ...config.sync, ledger }, file };
}

/** Every secret value in a config, to scrub from anything printed. */
export function secretsOf(config: Config): string[] {
  return [config.cesce.clientSecret, config.cesce.password, config.odoo.password].filter((s): s is string => !!s);
}
