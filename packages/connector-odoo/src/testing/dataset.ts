import { isIsoDate } from '@cesce-connect/core';
import { readFileSync } from 'node:fs';
import { builtinModels, type FieldDef, type ModelDef, type OdooFieldType } from './schema.js';

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
  /** Odoo version reported by `common.version()`, e.g. "17.0". */
  version: string;
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

const FIELD_TYPES: OdooFieldType[] = ['char', 'text', 'html', 'integer', 'float', 'monetary', 'boolean', 'date', 'datetime', 'selection', 'many2one', 'one2many', 'many2many'];
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Built-in models extended with the dataset's custom fields. */
export function modelsOf(dataset: Pick<OdooDataset, 'customFields'>): Record<string, ModelDef> {
  const models = builtinModels();
  for (const [model, fields] of Object.entries(dataset.customFields ?? {})) {
    const def = models[model];
    if (!def) continue;
    for (const [name, f] of Object.entries(fields)) {
      const field: FieldDef = { type: f.type, string: f.string, store: true };
      if (f.relation) field.relation = f.relation;
      if (f.selection) field.selection = f.selection;
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
  if (typeof d.version !== 'string' || !/^\d+\.\d+/.test(d.version)) issues.push('$.version: expected an Odoo version such as "17.0"');
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
  const builtin = builtinModels();
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
  const models = modelsOf({ customFields: typeof custom === 'object' ? custom : {} });
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
        else checkValue(p, f, value, ids, issues);
      }
    });
  }
  if (issues.length > 0) throw new OdooDatasetError(source, issues);
  return d as OdooDataset;
}

/** Reads and validates a dataset file. */
export function loadOdooDataset(file: string): OdooDataset {
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
  return validateOdooDataset(json, file);
}
