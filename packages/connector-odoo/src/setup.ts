import { ErpError } from '@cesce-connect/core';
import {
  FIELD_SPECS,
  OCA_FIELD_MAPPING,
  resolveFieldMapping,
  type OdooFieldMapping,
  type OdooFieldSpec,
  type OdooFieldsPreset,
} from './config.js';
import { odooText, type OdooRecord } from './mapping/values.js';
import type { OdooTransport, XmlRpcValue } from './transport/types.js';

export interface OdooSetupOptions {
  /** Field names (explicit names win over the preset). */
  fields?: Partial<OdooFieldMapping> | undefined;
  /** Default `x_cesce`; `auto` picks `oca` when the OCA partner_risk_insurance fields exist. */
  preset?: OdooFieldsPreset | undefined;
  /** Check only: report what would be created, create nothing. */
  dryRun?: boolean | undefined;
}

export interface OdooSetupField {
  /** The connector option (`fields.<key>`). */
  key: keyof OdooFieldMapping;
  model: string;
  name: string;
  /** The existing field's type, or the type created. */
  ttype: string;
  label: string;
  /** `created` now, `existing` already, or `would-create` (dry run). */
  status: 'created' | 'existing' | 'would-create';
}

export interface OdooSetupReport {
  preset: 'x_cesce' | 'oca';
  dryRun: boolean;
  fields: OdooSetupField[];
  /** True when setup created (or, dry run, would create) at least one field. */
  changed: boolean;
}

interface IrField {
  model: string;
  name: string;
  ttype: string;
}

/**
 * Makes sure the Odoo database has every field the connector reads and writes, creating the
 * missing custom (`x_`) fields through `ir.model.fields.create` (state manual, stored). Idempotent:
 * a second run creates nothing. An existing field of the wrong type, a field setup cannot create
 * (not `x_`, or an OCA field of a module that is not installed), or a missing right is an error
 * raised before anything is created; existing fields are never altered.
 * Creating fields needs the Administration / Settings right (base.group_system).
 */
export async function setupOdoo(transport: OdooTransport, options: OdooSetupOptions = {}): Promise<OdooSetupReport> {
  const call = <T>(model: string, method: string, args: XmlRpcValue[], kwargs: Record<string, XmlRpcValue> = {}) =>
    transport.executeKw<T>(model, method, args, kwargs);
  const where = `database ${transport.database} at ${transport.url}`;
  const modelNames = [...new Set(FIELD_SPECS.map((s) => s.model))];

  const irModels = await call<OdooRecord[]>('ir.model', 'search_read', [[['model', 'in', modelNames]]], { fields: ['model'] });
  const modelIds = new Map<string, number>();
  for (const r of irModels) if (typeof r.id === 'number' && typeof r.model === 'string') modelIds.set(r.model, r.id);
  const missingModels = modelNames.filter((m) => !modelIds.has(m));
  if (missingModels.length > 0) {
    throw new ErpError('odoo', 'validation', `Odoo ${where} has no model ${missingModels.join(', ')}: install the Invoicing (account) app first`);
  }

  const candidates = new Set([...Object.values(resolveFieldMapping(options.fields, 'x_cesce')), ...Object.values(resolveFieldMapping(options.fields, 'oca'))]);
  const existing = await call<OdooRecord[]>('ir.model.fields', 'search_read', [[['model', 'in', modelNames], ['name', 'in', [...candidates]]]], {
    fields: ['model', 'name', 'ttype'],
  });
  const have = new Map<string, IrField>();
  for (const r of existing) {
    const f = { model: odooText(r.model) ?? '', name: odooText(r.name) ?? '', ttype: odooText(r.ttype) ?? '' };
    have.set(`${f.model}.${f.name}`, f);
  }
  const ocaInstalled = Object.values(OCA_FIELD_MAPPING).every((name) => have.has(`res.partner.${name}`));
  const requested = options.preset ?? 'x_cesce';
  const preset = requested === 'auto' ? (ocaInstalled ? 'oca' : 'x_cesce') : requested;
  const fields = resolveFieldMapping(options.fields, preset);

  const problems: string[] = [];
  const plan: OdooSetupField[] = [];
  for (const spec of FIELD_SPECS) {
    const name = fields[spec.key];
    const found = have.get(`${spec.model}.${name}`);
    const entry = (ttype: string, status: OdooSetupField['status']) => plan.push({ key: spec.key, model: spec.model, name, ttype, label: spec.label, status });
    if (found) {
      if (spec.types.includes(found.ttype)) entry(found.ttype, 'existing');
      else problems.push(`${spec.model}.${name} (odoo.fields.${spec.key}) exists with type ${found.ttype}; the connector needs ${spec.types.join(' or ')} (setup never alters an existing field)`);
    } else if (!name.startsWith('x_')) {
      const oca = preset === 'oca' && Object.values(OCA_FIELD_MAPPING).includes(name);
      problems.push(
        oca
          ? `${spec.model}.${name} (odoo.fields.${spec.key}) is missing: install the OCA module partner_risk_insurance, or use fieldsPreset 'x_cesce'`
          : `${spec.model}.${name} (odoo.fields.${spec.key}) is missing, and only fields named x_... can be created`,
      );
    } else entry(spec.ttype, options.dryRun ? 'would-create' : 'created');
  }
  if (problems.length > 0) {
    throw new ErpError('odoo', 'validation', `Odoo ${where} cannot be set up for the connector:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'Map the connector to other fields with the `fields` option, or fix the fields in Odoo (Settings → Technical → Fields).',
    });
  }

  if (!options.dryRun) {
    for (const f of plan.filter((p) => p.status === 'created')) await createField(f, FIELD_SPECS.find((s) => s.key === f.key)!);
  }
  return { preset, dryRun: options.dryRun === true, fields: plan, changed: plan.some((p) => p.status !== 'existing') };

  async function createField(f: OdooSetupField, spec: OdooFieldSpec): Promise<void> {
    const vals: Record<string, XmlRpcValue> = {
      name: f.name,
      field_description: spec.label,
      model_id: modelIds.get(f.model)!,
      ttype: spec.ttype,
      store: true,
      state: 'manual',
    };
    let result: unknown;
    try {
      result = await call<unknown>('ir.model.fields', 'create', [vals]);
    } catch (err) {
      if (err instanceof ErpError && err.kind === 'access') {
        throw new ErpError('odoo', 'access', `Odoo user ${transport.username} cannot create field ${f.model}.${f.name} on ${where}: ${err.message}`, {
          hint: 'Run setup as a user with Administration / Settings rights, or create the fields by hand (Settings → Technical → Fields, developer mode).',
          cause: err,
          details: err.details,
        });
      }
      throw err;
    }
    const id = Array.isArray(result) ? result[0] : result;
    if (typeof id !== 'number') {
      throw new ErpError('odoo', 'protocol', `Odoo ir.model.fields.create for ${f.model}.${f.name} returned ${JSON.stringify(result)} instead of an id`);
    }
  }
}

/** A human summary of a setup report, one line per field. */
export function formatSetupReport(report: OdooSetupReport): string {
  const lines = report.fields.map((f) => `  ${f.status.padEnd(12)} ${`${f.model}.${f.name}`.padEnd(40)} ${f.ttype.padEnd(9)} fields.${f.key}`);
  const created = report.fields.filter((f) => f.status !== 'existing').length;
  const summary = !report.changed
    ? 'Unchanged: every field the connector needs exists.'
    : report.dryRun
      ? `Dry run: ${created} field(s) would be created; run again without --dry-run to create them.`
      : `Created ${created} field(s).`;
  return [`Fields preset: ${report.preset}`, ...lines, summary].join('\n');
}
