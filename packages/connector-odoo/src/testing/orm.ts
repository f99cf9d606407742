import { DomainCompiler, mentionsField, pyRepr } from './domain.js';
import { accessError, invalidField, missingError, serverFault, unknownModel } from './faults.js';
import { modelsOf, type OdooDataset, type OdooDatasetRecord, type OdooUser } from './dataset.js';
import { defaultValue, type FieldDef, type ModelDef } from './schema.js';

/** A float sent as `<double>` even when it is whole (Odoo's marshaller does so for Float fields). */
export class XmlRpcDouble {
  constructor(readonly value: number) {}
}

/** The environment of one call: who, which companies, which context. */
export interface OrmEnv {
  user: OdooUser;
  /** `env.companies`: allowed_company_ids from the context, else all the user's companies. */
  companies: number[];
  context: Record<string, unknown>;
}

export interface SearchOptions {
  offset?: unknown;
  limit?: unknown;
  order?: unknown;
}

const MOVE_TYPE_LABELS: Record<string, string> = {
  out_invoice: 'Invoice',
  out_refund: 'Credit Note',
  in_invoice: 'Bill',
  in_refund: 'Refund',
  out_receipt: 'Sales Receipt',
  in_receipt: 'Purchase Receipt',
  entry: 'Entry',
};

const ADDRESS_TYPE_LABELS: Record<string, string> = {
  invoice: 'Invoice Address',
  delivery: 'Delivery Address',
  other: 'Other Address',
  private: 'Private Address',
};

function utcNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The in-memory ORM behind the emulator: search with domains, read, write, fields_get. */
export class OdooOrm {
  readonly models: Record<string, ModelDef>;
  readonly #store = new Map<string, Map<number, OdooDatasetRecord>>();
  readonly #domains: DomainCompiler;

  constructor(dataset: OdooDataset) {
    this.models = modelsOf(dataset);
    for (const name of Object.keys(this.models)) this.#store.set(name, new Map());
    for (const [model, list] of Object.entries(dataset.records)) {
      const map = this.#store.get(model);
      if (!map) throw unknownModel(model);
      for (const r of list) map.set(r.id, clone(r));
    }
    const users = this.#store.get('res.users')!;
    for (const u of dataset.users) {
      if (!users.has(u.id)) {
        users.set(u.id, { id: u.id, name: u.name, login: u.login, company_id: u.companyId, company_ids: [...u.companyIds], active: u.active !== false });
      }
    }
    this.#domains = new DomainCompiler(this);
  }

  model(name: string): ModelDef {
    const m = this.models[name];
    if (!m) throw unknownModel(name);
    return m;
  }

  field(model: string, name: string): FieldDef {
    const f = this.model(model).fields[name];
    if (!f) throw invalidField(model, name);
    return f;
  }

  get(model: string, id: number): OdooDatasetRecord | undefined {
    return this.#store.get(model)?.get(id);
  }

  /** A copy of the stored records of a model, writes included (computed fields are not added). */
  snapshot(model: string): OdooDatasetRecord[] {
    this.model(model);
    return [...this.#store.get(model)!.values()].map((r) => clone(r));
  }

  /** The raw value of a field: many2one as an id or false, x2many as ids; computed fields resolved. */
  value(model: string, rec: OdooDatasetRecord, name: string): unknown {
    if (name === 'id') return rec.id;
    if (name === 'display_name') return this.displayName(model, rec);
    const def = this.model(model).fields[name];
    if (!def) throw invalidField(model, name);
    const stored = rec[name];
    if (def.type === 'one2many') {
      const inverse = def.inverse!;
      return [...this.#store.get(def.relation!)!.values()].filter((r) => r[inverse] === rec.id).map((r) => r.id).sort((a, b) => a - b);
    }
    if (model === 'res.partner') {
      if (name === 'commercial_partner_id' && typeof stored !== 'number') return this.#commercialPartner(rec);
      if (name === 'country_code') {
        const c = typeof rec.country_id === 'number' ? this.get('res.country', rec.country_id) : undefined;
        return c && typeof c.code === 'string' ? c.code : false;
      }
    }
    if (model === 'account.move') {
      if (name === 'commercial_partner_id' && typeof stored !== 'number') {
        const p = typeof rec.partner_id === 'number' ? this.get('res.partner', rec.partner_id) : undefined;
        return p ? this.#commercialPartner(p) : false;
      }
      if (name === 'company_currency_id' && typeof stored !== 'number') {
        const c = typeof rec.company_id === 'number' ? this.get('res.company', rec.company_id) : undefined;
        return c && typeof c.currency_id === 'number' ? c.currency_id : false;
      }
    }
    return stored === undefined || stored === null ? defaultValue(name, def) : stored;
  }

  #commercialPartner(rec: OdooDatasetRecord): number {
    let cur = rec;
    for (let n = 0; n < 100; n++) {
      if (cur.is_company === true || typeof cur.parent_id !== 'number') return cur.id;
      const parent = this.get('res.partner', cur.parent_id);
      if (!parent) return cur.id;
      cur = parent;
    }
    return cur.id;
  }

  displayName(model: string, rec: OdooDatasetRecord): string {
    if (typeof rec.display_name === 'string' && rec.display_name) return rec.display_name;
    const name = typeof rec.name === 'string' ? rec.name : '';
    switch (model) {
      case 'res.partner': {
        if (typeof rec.parent_id === 'number' && rec.is_company !== true) {
          const parent = this.get('res.partner', rec.parent_id);
          const own = name || ADDRESS_TYPE_LABELS[String(rec.type)] || '';
          if (parent) {
            const commercial = this.get('res.partner', this.#commercialPartner(parent));
            const company = commercial && typeof commercial.name === 'string' ? commercial.name : String(parent.name ?? '');
            return `${company}, ${own}`;
          }
        }
        return name;
      }
      case 'account.move': {
        let shown = name && name !== '/' ? name : `Draft ${MOVE_TYPE_LABELS[String(rec.move_type)] ?? 'Entry'} (* ${rec.id})`;
        if (typeof rec.ref === 'string' && rec.ref) shown += ` (${rec.ref.slice(0, 50)})`;
        return shown;
      }
      case 'res.country.state': {
        const country = typeof rec.country_id === 'number' ? this.get('res.country', rec.country_id) : undefined;
        return country ? `${name} (${String(country.code)})` : name;
      }
      default:
        return name || `${model},${rec.id}`;
    }
  }

  /** A field value as Odoo's XML-RPC marshaller sends it. */
  render(model: string, rec: OdooDatasetRecord, name: string, load: boolean): unknown {
    const def = name === 'id' ? ({ type: 'integer', string: 'ID' } as FieldDef) : this.field(model, name);
    const v = this.value(model, rec, name);
    switch (def.type) {
      case 'many2one': {
        if (typeof v !== 'number') return false;
        if (!load) return v;
        const target = this.get(def.relation!, v);
        return target ? [v, this.displayName(def.relation!, target)] : false;
      }
      case 'one2many':
      case 'many2many':
        return Array.isArray(v) ? [...(v as number[])] : [];
      case 'float':
      case 'monetary':
        return new XmlRpcDouble(typeof v === 'number' ? v : 0);
      case 'integer':
        return typeof v === 'number' ? v : 0;
      case 'boolean':
        return v === true;
      default:
        return v === null || v === undefined ? false : v;
    }
  }

  /** Whether a record passes the multi-company record rules for `env`. */
  visible(env: OrmEnv, model: string, rec: OdooDatasetRecord): boolean {
    if (model === 'res.company') return env.companies.includes(rec.id);
    if (!this.model(model).companyRule) return true;
    const company = rec.company_id;
    return typeof company !== 'number' || env.companies.includes(company);
  }

  #accessDenied(env: OrmEnv, model: string, recs: OdooDatasetRecord[], operation: string): never {
    const def = this.model(model);
    const lines = recs.slice(0, 5).map((r) => `- ${this.displayName(model, r)} (id=${r.id})`);
    throw accessError(
      `Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, ${env.user.name} (id=${env.user.id}) doesn't have '${operation}' access to:\n${lines.join('\n')}\n\n` +
        `If you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.\n\n` +
        `Blame the following rules:\n- ${def.description} multi-company\n\nNote: this might be a multi-company issue. Switching company may help - in Odoo, not in real life!`,
    );
  }

  #ordered(model: string, order: unknown): (a: OdooDatasetRecord, b: OdooDatasetRecord) => number {
    const def = this.model(model);
    const spec = typeof order === 'string' && order.trim() !== '' ? order : def.order;
    const keys = spec.split(',').map((part) => {
      const m = /^\s*([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i.exec(part);
      if (!m) {
        throw serverFault(
          `ValueError: Invalid "order" specified (${spec}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
        );
      }
      const name = m[1]!;
      if (name !== 'id' && !def.fields[name]) throw invalidField(model, name);
      const desc = m[2]?.toLowerCase() === 'desc';
      const nullsFirst = m[3] ? m[3].toLowerCase() === 'first' : desc;
      return { name, desc, nullsFirst, def: def.fields[name] };
    });
    const key = (rec: OdooDatasetRecord, name: string, f: FieldDef | undefined): unknown => {
      const v = this.value(model, rec, name);
      if (f?.type === 'many2one' && typeof v === 'number') {
        const t = this.get(f.relation!, v);
        return t ? this.displayName(f.relation!, t) : v;
      }
      if (f?.type === 'boolean') return v === true ? 1 : 0;
      return v;
    };
    return (a, b) => {
      for (const k of keys) {
        const x = key(a, k.name, k.def);
        const y = key(b, k.name, k.def);
        const xn = x === false || x === null || x === undefined;
        const yn = y === false || y === null || y === undefined;
        let c = 0;
        if (xn || yn) {
          if (xn && yn) c = 0;
          else c = (xn ? -1 : 1) * (k.nullsFirst ? 1 : -1);
          if (c !== 0) return c;
          continue;
        }
        if (typeof x === 'number' && typeof y === 'number') c = x - y;
        else c = String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    };
  }

  /** `search`: ids matching the domain, after active_test and record rules, ordered and paged. */
  search(env: OrmEnv, model: string, domain: unknown, options: SearchOptions = {}): number[] {
    const def = this.model(model);
    const predicate = this.#domains.compile(model, domain);
    const activeTest = 'active' in def.fields && env.context.active_test !== false && !mentionsField(domain, 'active');
    const offset = typeof options.offset === 'number' && options.offset > 0 ? options.offset : 0;
    const limit = typeof options.limit === 'number' && options.limit > 0 ? options.limit : null;
    const sorter = this.#ordered(model, options.order);
    const found = [...this.#store.get(model)!.values()].filter(
      (r) => (!activeTest || this.value(model, r, 'active') !== false) && this.visible(env, model, r) && predicate(r),
    );
    found.sort(sorter);
    const page = limit === null ? found.slice(offset) : found.slice(offset, offset + limit);
    return page.map((r) => r.id);
  }

  #records(env: OrmEnv, model: string, ids: unknown, operation: string): OdooDatasetRecord[] {
    const list = (Array.isArray(ids) ? ids : [ids]).map((id) => {
      if (typeof id !== 'number' || !Number.isInteger(id)) throw serverFault(`TypeError: ${pyRepr(id)} is not a valid record id`);
      return id;
    });
    const unique = [...new Set(list)];
    const missing = unique.filter((id) => !this.get(model, id));
    if (missing.length > 0) throw missingError(model, missing, env.user.id);
    const recs = unique.map((id) => this.get(model, id)!);
    const denied = recs.filter((r) => !this.visible(env, model, r));
    if (denied.length > 0) this.#accessDenied(env, model, denied, operation);
    return recs;
  }

  #fieldList(model: string, fields: unknown): string[] {
    if (fields === false || fields === null || fields === undefined || fields === '' || (Array.isArray(fields) && fields.length === 0)) {
      return Object.keys(this.model(model).fields).filter((f) => f !== 'id');
    }
    const list = Array.isArray(fields) ? fields : [fields];
    return list.map((f) => {
      if (typeof f !== 'string') throw serverFault(`TypeError: field names must be strings, got ${pyRepr(f)}`);
      this.field(model, f);
      return f;
    });
  }

  /** `read`: `load` falsy → many2one as bare ids. */
  read(env: OrmEnv, model: string, ids: unknown, fields: unknown, load: unknown = '_classic_read'): Record<string, unknown>[] {
    const names = this.#fieldList(model, fields);
    return this.#records(env, model, ids, 'read').map((r) => this.#row(model, r, names, Boolean(load)));
  }

  #row(model: string, r: OdooDatasetRecord, names: string[], load: boolean): Record<string, unknown> {
    const row: Record<string, unknown> = { id: r.id };
    for (const f of names) if (f !== 'id') row[f] = this.render(model, r, f, load);
    return row;
  }

  searchRead(env: OrmEnv, model: string, domain: unknown, fields: unknown, options: SearchOptions): Record<string, unknown>[] {
    const names = this.#fieldList(model, fields);
    return this.search(env, model, domain, options).map((id) => this.#row(model, this.get(model, id)!, names, true));
  }

  #coerce(model: string, name: string, def: FieldDef, value: unknown): unknown {
    const wrong = () => serverFault(`ValueError: Wrong value for ${model}.${name}: ${pyRepr(value)}`);
    if (value === false || value === null) return def.type === 'boolean' ? false : false;
    switch (def.type) {
      case 'char':
      case 'text':
      case 'html':
        if (typeof value !== 'string') throw wrong();
        return value;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong();
        return value;
      case 'float':
      case 'monetary':
        if (typeof value !== 'number') throw wrong();
        return value;
      case 'boolean':
        return Boolean(value);
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw wrong();
        return value;
      case 'datetime':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/.test(value)) throw wrong();
        return value.replace('T', ' ');
      case 'selection':
        if (typeof value !== 'string' || (def.selection && !def.selection.some(([k]) => k === value))) throw wrong();
        return value;
      case 'many2one':
        if (typeof value !== 'number' || !this.get(def.relation!, value)) throw wrong();
        return value;
      default:
        throw serverFault(`NotImplementedError: the Odoo emulator does not write ${def.type} fields (${model}.${name})`);
    }
  }

  /** `write`: stores the values, bumps `write_date` (UTC now) and returns true. */
  write(env: OrmEnv, model: string, ids: unknown, vals: unknown): true {
    if (!vals || typeof vals !== 'object' || Array.isArray(vals)) throw serverFault(`TypeError: write() values must be a dict, got ${pyRepr(vals)}`);
    const recs = this.#records(env, model, ids, 'write');
    const updates: [string, unknown][] = [];
    for (const [name, value] of Object.entries(vals)) {
      const def = this.field(model, name);
      if (name === 'id' || name === 'display_name' || def.store === false) continue;
      updates.push([name, this.#coerce(model, name, def, value)]);
    }
    const now = utcNow();
    for (const r of recs) {
      for (const [name, value] of updates) r[name] = value;
      r.write_date = now;
    }
    return true;
  }

  fieldsGet(model: string, allfields: unknown, attributes: unknown): Record<string, Record<string, unknown>> {
    const def = this.model(model);
    const wanted = Array.isArray(allfields) && allfields.length > 0 ? new Set(allfields) : null;
    const attrs = Array.isArray(attributes) && attributes.length > 0 ? new Set(attributes) : null;
    const builtin = new Set(['id', 'display_name', 'create_date', 'write_date']);
    const out: Record<string, Record<string, unknown>> = {};
    for (const [name, f] of Object.entries(def.fields)) {
      if (wanted && !wanted.has(name)) continue;
      const full: Record<string, unknown> = {
        name,
        type: f.type,
        string: f.string,
        readonly: f.readonly ?? false,
        required: f.required ?? false,
        store: f.store ?? true,
        searchable: true,
        sortable: f.store !== false && f.type !== 'one2many' && f.type !== 'many2many',
        company_dependent: f.company_dependent ?? false,
        manual: name.startsWith('x_'),
        groupable: f.store !== false,
      };
      if (f.relation) full.relation = f.relation;
      if (f.selection) full.selection = f.selection.map(([k, v]) => [k, v]);
      if (builtin.has(name)) full.readonly = true;
      const row: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(full)) if (!attrs || attrs.has(k)) row[k] = v;
      out[name] = row;
    }
    return out;
  }
}
