import { isIsoDate } from '@cesce-connect/core';
import { readFileSync } from 'node:fs';
import { BASE_MODULES, builtinModels, FIELD_TYPES, parseOdooVersion, type FieldDef, type ModelDef, type OdooFieldType } from './schema.js';

/** A user of the emulated database. */
export interface OdooUser {
  id: number;
  login: string;
  /** Accepted by authenticate and execute_kw. */
  password: string;
  /** Also accepted in place of the password (Odoo 14+ API keys). */
  apiKeys?: string[];
  name: string;
  /** Companies the user may work in (`res.users.company_ids`). */
  companyIds: number[];
  /** Default company (`res.users.company_id`), one of `companyIds`. */
  companyId: number;
  /** The user's res.partner (author of the messages it posts); none by default. */
  partnerId?: number;
  active?: boolean;
}

export interface CustomFieldDef {
  type: OdooFieldType;
  string: string;
  relation?: string;
  selection?: [string, string][];
}

/** One record as stored in the file: many2one as a plain id (or false), x2many as id lists. */
export type OdooDatasetRecord = { id: number } & Record<string, unknown>;

/** The emulator's dataset file; documented in the package README ("Dataset format"). */
export interface OdooDataset {
  description?: string;
  /** Odoo version, 14.0 to 19.x ("17.0", "saas~17.2"): reported by `common.version()`, selects the schema. */
  version: string;
  /** Installed modules besides the base ones (base, web, mail, contacts, account), e.g. `partner_risk_insurance`. */
  modules?: string[];
  /** Database name expected by authenticate/execute_kw. */
  database: string;
  users: OdooUser[];
  /** Extra fields (e.g. `x_cesce_requested_limit`) per model. */
  customFields?: Record<string, Record<string, CustomFieldDef>>;
  records: Record<string, OdooDatasetRecord[]>;
}

export class OdooDatasetError extends Error {
  readonly issues: string[];
  constructor(source: string, issues: string[]) {
    const shown = issues.slice(0, 30);
    super(
      `Invalid Odoo dataset ${source}:\n${shown.map((i) => `  - ${i}`).join('\n')}${issues.length > shown.length ? `\n  ... and ${issues.length - shown.length} more` : ''}`,
    );
    this.name = 'OdooDatasetError';
    this.issues = issues;
  }
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The major version of a dataset (17 when it cannot be parsed). */
export function majorOf(dataset: Pick<OdooDataset, 'version'>): number {
  return parseOdooVersion(dataset.version ?? '')?.major ?? 17;
}

/** Built-in models of the dataset's version and modules, extended with its custom fields. */
export function modelsOf(dataset: Partial<Pick<OdooDataset, 'customFields' | 'version' | 'modules'>>): Record<string, ModelDef> {
  const models = builtinModels(majorOf({ version: dataset.version ?? '17.0' }), [...BASE_MODULES, ...(dataset.modules ?? [])]);
  for (const [model, fields] of Object.entries(dataset.customFields ?? {})) {
    const def = models[model];
    if (!def) continue;
    for (const [name, f] of Object.entries(fields)) {
      const field: FieldDef = { type: f.type, string: f.string, store: true };
      if (f.relation) field.relation = f.relation;
      if (f.selection) field.selection = f.selection;
      field.manual = true;
      def.fields[name] = field;
    }
  }
  return models;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function checkValue(path: string, def: FieldDef, value: unknown, ids: Map<string, Set<number>>, issues: string[]): void {
  const bad = (expected: string) => issues.push(`${path}: expected ${expected}, got ${JSON.stringify(value)}`);
  if (value === false && !['integer', 'one2many', 'many2many'].includes(def.type)) return;
  switch (def.type) {
    case 'char':
    case 'text':
    case 'html':
      if (typeof value !== 'string') bad('a string or false');
      return;
    case 'integer':
      if (!isInt(value)) bad('an integer');
      return;
    case 'float':
    case 'monetary':
      if (typeof value !== 'number' || !Number.isFinite(value)) bad('a number or false');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') bad('true or false');
      return;
    case 'date':
      // PostgreSQL (hence Odoo) stores only real calendar dates: 2026-02-30 cannot exist.
      if (typeof value !== 'string' || !DATE_RE.test(value) || !isIsoDate(value)) bad("a real calendar date as 'YYYY-MM-DD', or false");
      return;
    case 'datetime':
      if (typeof value !== 'string' || !DATETIME_RE.test(value)) bad("a 'YYYY-MM-DD HH:MM:SS' (UTC) string or false");
      return;
    case 'selection':
      if (typeof value !== 'string') bad('a selection key or false');
      else if (def.selection && !def.selection.some(([k]) => k === value)) {
        bad(`one of ${def.selection.map(([k]) => k).join(', ')}`);
      }
      return;
    case 'many2one':
      if (!isInt(value)) bad(`the id of a ${def.relation} record or false`);
      else if (def.relation && ids.has(def.relation) && !ids.get(def.relation)!.has(value)) {
        issues.push(`${path}: ${def.relation} record ${value} does not exist`);
      }
      return;
    case 'one2many':
    case 'many2many':
      if (!Array.isArray(value) || !value.every(isInt)) bad('a list of ids');
      return;
  }
}

/** Checks a parsed dataset (structure, known models and fields, value types, references). */
export function validateOdooDataset(data: unknown, source = 'dataset'): OdooDataset {
  const issues: string[] = [];
  const d = data as Partial<OdooDataset> | null;
  if (!d || typeof d !== 'object') throw new OdooDatasetError(source, ['$: expected a JSON object']);
  const parsed = typeof d.version === 'string' ? parseOdooVersion(d.version) : null;
  if (!parsed || parsed.major < 14 || parsed.major > 19) issues.push(`$.version: expected an Odoo version from 14.0 to 19.x such as "17.0" or "saas~17.2", got ${JSON.stringify(d.version)}`);
  if (d.modules !== undefined && (!Array.isArray(d.modules) || !d.modules.every((m) => typeof m === 'string' && /^[a-z0-9_]+$/.test(m)))) {
    issues.push('$.modules: expected a list of technical module names');
  }
  if (typeof d.database !== 'string' || d.database === '') issues.push('$.database: expected the database name');
  if (!Array.isArray(d.users) || d.users.length === 0) issues.push('$.users: expected at least one user');
  const userIds = new Set<number>();
  (Array.isArray(d.users) ? d.users : []).forEach((u, i) => {
    const p = `$.users[${i}]`;
    if (!isInt(u?.id) || u.id <= 0) issues.push(`${p}.id: expected a positive integer`);
    else if (userIds.has(u.id)) issues.push(`${p}.id: duplicate user id ${u.id}`);
    else userIds.add(u.id);
    if (typeof u?.login !== 'string' || !u.login) issues.push(`${p}.login: expected a string`);
    if (typeof u?.password !== 'string') issues.push(`${p}.password: expected a string`);
    if (u?.apiKeys !== undefined && (!Array.isArray(u.apiKeys) || !u.apiKeys.every((k) => typeof k === 'string'))) {
      issues.push(`${p}.apiKeys: expected a list of strings`);
    }
    if (typeof u?.name !== 'string') issues.push(`${p}.name: expected a string`);
    if (!Array.isArray(u?.companyIds) || !u.companyIds.every(isInt) || u.companyIds.length === 0) {
      issues.push(`${p}.companyIds: expected a non-empty list of res.company ids`);
    } else if (!u.companyIds.includes(u.companyId)) issues.push(`${p}.companyId: must be one of companyIds`);
  });
  const dsModels = { version: parsed ? d.version : '17.0', modules: Array.isArray(d.modules) ? d.modules : [] };
  const builtin = modelsOf(dsModels);
  const custom = d.customFields ?? {};
  if (typeof custom !== 'object') issues.push('$.customFields: expected an object');
  for (const [model, fields] of Object.entries(custom)) {
    if (!builtin[model]) {
      issues.push(`$.customFields["${model}"]: unknown model (the emulator knows ${Object.keys(builtin).join(', ')})`);
      continue;
    }
    for (const [name, f] of Object.entries(fields ?? {})) {
      const p = `$.customFields["${model}"].${name}`;
      if (builtin[model].fields[name]) issues.push(`${p}: ${name} is a standard field of ${model}`);
      if (!FIELD_TYPES.includes(f?.type)) issues.push(`${p}.type: expected one of ${FIELD_TYPES.join(', ')}`);
      if (typeof f?.string !== 'string') issues.push(`${p}.string: expected the field label`);
      if (['many2one', 'one2many', 'many2many'].includes(f?.type) && !builtin[f.relation ?? '']) {
        issues.push(`${p}.relation: expected a known model`);
      }
    }
  }
  const records = d.records;
  if (!records || typeof records !== 'object') issues.push('$.records: expected an object of model → records');
  const models = modelsOf({ ...dsModels, customFields: typeof custom === 'object' ? custom : {} });
  const ids = new Map<string, Set<number>>();
  for (const [model, list] of Object.entries(records ?? {})) {
    if (!models[model]) {
      issues.push(`$.records["${model}"]: unknown model (the emulator knows ${Object.keys(models).join(', ')})`);
      continue;
    }
    if (!Array.isArray(list)) {
      issues.push(`$.records["${model}"]: expected a list of records`);
      continue;
    }
    const set = new Set<number>();
    list.forEach((r, i) => {
      if (!isInt(r?.id) || r.id <= 0) issues.push(`$.records["${model}"][${i}].id: expected a positive integer`);
      else if (set.has(r.id)) issues.push(`$.records["${model}"][${i}].id: duplicate id ${r.id}`);
      else set.add(r.id);
    });
    ids.set(model, set);
  }
  for (const [model, list] of Object.entries(records ?? {})) {
    const def = models[model];
    if (!def || !Array.isArray(list)) continue;
    list.forEach((r, i) => {
      for (const [field, value] of Object.entries(r ?? {})) {
        if (field === 'id') continue;
        const p = `$.records["${model}"][${i}].${field}`;
        const f = def.fields[field];
        if (!f) issues.push(`${p}: unknown field of ${model} (declare custom fields in customFields)`);
        else if (f.type === 'one2many') issues.push(`${p}: one2many fields are computed from ${f.relation}.${f.inverse}; set that field instead`);
        else if (f.company_dependent && value && typeof value === 'object' && !Array.isArray(value)) {
          // Company-dependent: { "<companyId>": value } per company (a plain value applies to all companies).
          for (const [company, v] of Object.entries(value)) {
            if (!/^\d+$/.test(company) || (ids.has('res.company') && !ids.get('res.company')!.has(Number(company)))) {
              issues.push(`${p}: "${company}" is not a res.company id`);
            } else checkValue(`${p}["${company}"]`, f, v, ids, issues);
          }
        } else checkValue(p, f, value, ids, issues);
      }
    });
  }
  if (issues.length > 0) throw new OdooDatasetError(source, issues);
  return d as OdooDataset;
}

/** A payment term line's due delay, whatever the version it was written for. */
function termDelay(line: OdooDatasetRecord): { days: number; endOfMonth: boolean } {
  const days = typeof line.nb_days === 'number' ? line.nb_days : typeof line.days === 'number' ? line.days : 0;
  const endOfMonth = line.delay_type === 'days_after_end_of_month' || line.option === 'after_invoice_month' || line.end_month === true;
  return { days, endOfMonth };
}

/**
 * The dataset moved to another Odoo version (`--odoo-version`): payment term lines are rewritten in
 * that version's fields, per-company credit limits become one value on 14/15, and values that do not
 * exist there (invoice_currency_rate before 18, payment_state invoicing_legacy on 19) are dropped.
 */
export function withOdooVersion<T extends Partial<OdooDataset>>(data: T, version: string): T {
  const major = parseOdooVersion(version)?.major;
  if (major === undefined || !data.records || typeof data.records !== 'object') return { ...data, version };
  const records: Record<string, OdooDatasetRecord[]> = { ...data.records };
  const lines = records['account.payment.term.line'];
  if (Array.isArray(lines)) {
    records['account.payment.term.line'] = lines.map((l) => {
      const { days, endOfMonth } = termDelay(l);
      const percent = l.value === 'balance' || l.value === undefined ? 100 : l.value_amount;
      const value = l.value === 'fixed' ? 'fixed' : 'percent';
      const base = { id: l.id, payment_id: l.payment_id, value: major <= 16 && l.value === 'balance' ? 'balance' : value, value_amount: major <= 16 && l.value === 'balance' ? 0 : percent };
      if (major <= 15) return { ...base, days, option: endOfMonth ? 'after_invoice_month' : 'day_after_invoice_date' };
      if (major === 16) return { ...base, months: 0, days, end_month: endOfMonth, days_after: 0 };
      return { ...base, nb_days: days, delay_type: endOfMonth ? 'days_after_end_of_month' : 'days_after' };
    });
  }
  const partners = records['res.partner'];
  if (major <= 15 && Array.isArray(partners)) {
    records['res.partner'] = partners.map((p) => {
      const limit = p.credit_limit;
      if (!limit || typeof limit !== 'object') return p;
      const first = Object.values(limit as Record<string, unknown>)[0];
      return { ...p, credit_limit: typeof first === 'number' ? first : 0 };
    });
  }
  const moves = records['account.move'];
  if (Array.isArray(moves)) {
    records['account.move'] = moves.map((m) => {
      const out = { ...m };
      if (major < 18) delete out.invoice_currency_rate;
      if (major >= 19 && out.payment_state === 'invoicing_legacy') out.payment_state = 'not_paid';
      return out;
    });
  }
  return { ...data, version, records };
}

/** Reads and validates a dataset file; `version` overrides the file's Odoo version (see withOdooVersion). */
export function loadOdooDataset(file: string, version?: string): OdooDataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OdooDatasetError(file, [`cannot read the file: ${(err as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OdooDatasetError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  if (version && json && typeof json === 'object') json = withOdooVersion(json as Partial<OdooDataset>, version);
  return validateOdooDataset(json, file);
}
