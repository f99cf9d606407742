import { DomainCompiler, lowerBound, mentionsField, pyRepr } from './domain.js';
import { accessError, invalidField, missingError, OdooFault, serverFault, unknownModel } from './faults.js';
import { majorOf, modelsOf, type OdooDataset, type OdooDatasetRecord, type OdooUser } from './dataset.js';
import { BASE_MODULES, defaultValue, FIELD_TYPES, MAIL_SUBTYPES, MAIL_THREAD_MODELS, type FieldDef, type ModelDef, type OdooFieldType } from './schema.js';

/** A float sent as `<double>` even when it is whole (Odoo's marshaller does so for Float fields). */
export class XmlRpcDouble {
  constructor(readonly value: number) {}
}

/** The environment of one call: who, which companies, which context. */
export interface OrmEnv {
  user: OdooUser;
  /** `env.companies`: allowed_company_ids from the context, else all the user's companies. */
  companies: number[];
  /** `env.company`: the first of allowed_company_ids, else the user's default company. Default: companies[0]. */
  company?: number;
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

export function utcNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** ValidationError (fault 2) of a NOT NULL violation, as `odoo/service/model.py` words it. */
function notNullViolation(model: ModelDef, field: string): OdooFault {
  const f = model.fields[field]!;
  return new OdooFault(
    2,
    `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n` +
      `Model: ${model.description} (${model.name})\nField: ${f.string} (${field})\n`,
  );
}

/** Custom field types ir.model.fields accepts from the emulator's clients. */
const CUSTOM_TYPES = new Set<OdooFieldType>(['char', 'text', 'html', 'float', 'monetary', 'integer', 'boolean', 'date', 'datetime', 'selection', 'many2one']);

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

/** A model's records in one order; `first` holds the first sort key of each (skip-ahead on keysets). */
interface SortedIndex {
  generation: number;
  list: OdooDatasetRecord[];
  first: unknown[];
  firstField: string;
  /** The first key is ascending, nulls last, and compares as a plain value (not a many2one name). */
  seekable: boolean;
}

/** The in-memory ORM behind the emulator: search with domains, read, write, fields_get. */
export class OdooOrm {
  readonly models: Record<string, ModelDef>;
  /** Major version (14–19) of the emulated server. */
  readonly major: number;
  readonly #store = new Map<string, Map<number, OdooDatasetRecord>>();
  readonly #domains: DomainCompiler;
  #clock: () => string = utcNow;
  /** Bumped by every change; the sorted and inverse indexes below are valid for one generation. */
  #generation = 0;
  readonly #sorted = new Map<string, SortedIndex>();
  readonly #inverse = new Map<string, { generation: number; map: Map<number, number[]> }>();
  /** env.company of the call in progress (company-dependent fields read and write for it). */
  #company = 0;

  constructor(dataset: OdooDataset) {
    this.major = majorOf(dataset);
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
        users.set(u.id, { id: u.id, name: u.name, login: u.login, company_id: u.companyId, company_ids: [...u.companyIds], partner_id: u.partnerId ?? false, active: u.active !== false });
      }
    }
    this.#company = dataset.users[0]?.companyId ?? 1;
    const modules = this.#store.get('ir.module.module')!;
    for (const name of [...BASE_MODULES, ...(dataset.modules ?? [])]) {
      if (![...modules.values()].some((m) => m.name === name)) modules.set(modules.size + 1, { id: modules.size + 1, name, shortdesc: name, state: 'installed' });
    }
    const subtypes = this.#store.get('mail.message.subtype')!;
    for (const s of Object.values(MAIL_SUBTYPES)) if (!subtypes.has(s.id)) subtypes.set(s.id, { id: s.id, name: s.name, internal: s.internal, sequence: s.id });
    for (const name of Object.keys(this.models)) this.#registerModel(name);
    this.#domains = new DomainCompiler(this);
  }

  /** The emulator clock: UTC "YYYY-MM-DD HH:MM:SS" used for write_date, create_date and message dates. */
  now(): string {
    return this.#clock();
  }

  /** Replaces the clock (tests), e.g. `orm.setClock(() => '2026-11-30 10:00:00')`; no argument = the real clock. */
  setClock(clock?: () => string): void {
    this.#clock = clock ?? utcNow;
  }

  #touch(): void {
    this.#generation++;
  }

  #nextId(model: string): number {
    let max = 0;
    for (const id of this.#store.get(model)!.keys()) if (id > max) max = id;
    return max + 1;
  }

  /** ir.model / ir.model.fields records describing the live schema. */
  #registerModel(name: string): void {
    const models = this.#store.get('ir.model')!;
    let rec = [...models.values()].find((m) => m.model === name);
    if (!rec) {
      const def = this.models[name]!;
      rec = { id: models.size + 1, name: def.description, model: name, state: 'base', transient: false };
      models.set(rec.id, rec);
    }
    for (const field of Object.keys(this.models[name]!.fields)) this.#registerField(name, field, rec.id);
  }

  #registerField(model: string, name: string, modelId: number): OdooDatasetRecord {
    const store = this.#store.get('ir.model.fields')!;
    const f = this.models[model]!.fields[name]!;
    const rec: OdooDatasetRecord = {
      id: store.size + 1,
      name,
      field_description: f.string,
      model,
      model_id: modelId,
      ttype: f.type,
      relation: f.relation ?? false,
      relation_field: f.inverse ?? false,
      store: f.store !== false,
      readonly: f.readonly ?? false,
      required: f.required ?? false,
      company_dependent: f.company_dependent ?? false,
      state: f.manual || name.startsWith('x_') ? 'manual' : 'base',
    };
    store.set(rec.id, rec);
    const options = this.#store.get('ir.model.fields.selection')!;
    (f.selection ?? []).forEach(([value, label], i) => {
      const id = options.size + 1;
      options.set(id, { id, field_id: rec.id, value, name: label, sequence: i });
    });
    return rec;
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
    let stored = rec[name];
    if (def.type === 'one2many') return [...(this.#inverseIndex(def.relation!, def.inverse!).get(rec.id) ?? [])];
    if (def.company_dependent && stored && typeof stored === 'object' && !Array.isArray(stored)) {
      stored = (stored as Record<string, unknown>)[String(this.#company)];
    }
    if (model === 'res.partner') {
      if (name === 'use_partner_credit_limit') return this.value(model, rec, 'credit_limit') !== 0;
      if (name === 'company_credit_limit') {
        return (this.value(model, rec, 'credit_limit') as number) - (this.value(model, rec, 'insurance_credit_limit') as number);
      }
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

  /** comodel id → sorted ids of the records whose `inverse` points to it (one2many reads). */
  #inverseIndex(relation: string, inverse: string): Map<number, number[]> {
    const key = `${relation}.${inverse}`;
    const cached = this.#inverse.get(key);
    if (cached && cached.generation === this.#generation) return cached.map;
    const map = new Map<number, number[]>();
    for (const r of this.#store.get(relation)!.values()) {
      const target = r[inverse];
      if (typeof target !== 'number') continue;
      const list = map.get(target);
      if (list) list.push(r.id);
      else map.set(target, [r.id]);
    }
    for (const list of map.values()) list.sort((a, b) => a - b);
    this.#inverse.set(key, { generation: this.#generation, map });
    return map;
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

  /** The records of a model sorted by `order`, cached until the next change. */
  #sortedRecords(model: string, order: unknown): SortedIndex {
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
    const cacheKey = `${model}|${this.#company}|${spec}`;
    const cached = this.#sorted.get(cacheKey);
    if (cached && cached.generation === this.#generation) return cached;
    const key = (rec: OdooDatasetRecord, name: string, f: FieldDef | undefined): unknown => {
      const v = this.value(model, rec, name);
      if (f?.type === 'many2one' && typeof v === 'number') {
        const t = this.get(f.relation!, v);
        return t ? this.displayName(f.relation!, t) : v;
      }
      if (f?.type === 'boolean') return v === true ? 1 : 0;
      return v;
    };
    // Decorate, sort, undecorate: each key is computed once per record, not once per comparison.
    const decorated = [...this.#store.get(model)!.values()].map((r) => ({ r, k: keys.map((k) => key(r, k.name, k.def)) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const x = a.k[i];
        const y = b.k[i];
        const xn = x === false || x === null || x === undefined;
        const yn = y === false || y === null || y === undefined;
        if (xn || yn) {
          if (xn && yn) continue;
          return (xn ? -1 : 1) * (k.nullsFirst ? 1 : -1);
        }
        let c: number;
        if (typeof x === 'number' && typeof y === 'number') c = x - y;
        else c = String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    });
    const k0 = keys[0]!;
    const index: SortedIndex = {
      generation: this.#generation,
      list: decorated.map((d) => d.r),
      first: decorated.map((d) => d.k[0]),
      firstField: k0.name,
      seekable: !k0.desc && !k0.nullsFirst && k0.def?.type !== 'many2one' && k0.def?.type !== 'boolean' && k0.def?.company_dependent !== true,
    };
    this.#sorted.set(cacheKey, index);
    return index;
  }

  /** The first position that can match `domain`: binary search on a lower bound of the first sort key. */
  #seek(index: SortedIndex, domain: unknown): number {
    if (!index.seekable) return 0;
    const bound = lowerBound(domain, index.firstField);
    if (bound === undefined) return 0;
    const { first } = index;
    let lo = 0;
    let hi = first.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = first[mid];
      // Nulls sort last and never satisfy a bound; a value of another type ends the fast path.
      if (v === false || v === null || v === undefined) hi = mid;
      else if (typeof v !== typeof bound) return 0;
      else if ((v as number | string) < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sets env.company for the call in progress. */
  #enter(env: OrmEnv): void {
    this.#company = env.company ?? env.companies[0] ?? this.#company;
  }

  /** `search`: ids matching the domain, after active_test and record rules, ordered and paged. */
  search(env: OrmEnv, model: string, domain: unknown, options: SearchOptions = {}): number[] {
    return this.#search(env, model, domain, options).map((r) => r.id);
  }

  #search(env: OrmEnv, model: string, domain: unknown, options: SearchOptions): OdooDatasetRecord[] {
    this.#enter(env);
    const def = this.model(model);
    const predicate = this.#domains.compile(model, domain);
    const activeTest = 'active' in def.fields && env.context.active_test !== false && !mentionsField(domain, 'active');
    let skip = typeof options.offset === 'number' && options.offset > 0 ? options.offset : 0;
    const limit = typeof options.limit === 'number' && options.limit > 0 ? options.limit : Infinity;
    const page: OdooDatasetRecord[] = [];
    const index = this.#sortedRecords(model, options.order);
    const { list } = index;
    for (let i = this.#seek(index, domain); i < list.length; i++) {
      const r = list[i]!;
      if ((activeTest && this.value(model, r, 'active') === false) || !this.visible(env, model, r) || !predicate(r)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      page.push(r);
      if (page.length >= limit) break;
    }
    return page;
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
    this.#enter(env);
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
    return this.#search(env, model, domain, options).map((r) => this.#row(model, r, names, true));
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

  /** Stores a coerced value; company-dependent fields are stored for env.company only. */
  #assign(rec: OdooDatasetRecord, name: string, def: FieldDef, value: unknown): void {
    if (!def.company_dependent) {
      rec[name] = value;
      return;
    }
    const prev = rec[name];
    const perCompany: Record<string, unknown> = {};
    if (prev && typeof prev === 'object' && !Array.isArray(prev)) Object.assign(perCompany, prev);
    else if (prev !== undefined) for (const c of this.#store.get('res.company')!.keys()) perCompany[String(c)] = prev;
    perCompany[String(this.#company)] = value;
    rec[name] = perCompany;
  }

  /** Checks and coerces `vals` (a dict of field → value) for `model`. */
  #values(model: string, vals: unknown, what: string): [string, FieldDef, unknown][] {
    if (!vals || typeof vals !== 'object' || Array.isArray(vals)) throw serverFault(`TypeError: ${what}() values must be a dict, got ${pyRepr(vals)}`);
    const out: [string, FieldDef, unknown][] = [];
    for (const [name, value] of Object.entries(vals)) {
      const def = this.field(model, name);
      if (name === 'id' || name === 'display_name' || (def.computed && def.store === false)) continue;
      if (def.type === 'one2many' || def.type === 'many2many') out.push([name, def, this.#x2many(model, name, def, value)]);
      else out.push([name, def, this.#coerce(model, name, def, value)]);
    }
    return out;
  }

  /** x2many values: a list of ids or commands ([6, 0, ids], [4, id, 0], [0, 0, vals] for one2many). */
  #x2many(model: string, name: string, def: FieldDef, value: unknown): unknown {
    if (value === false || value === null) return [];
    if (!Array.isArray(value)) throw serverFault(`ValueError: Wrong value for ${model}.${name}: ${pyRepr(value)}`);
    if (def.type === 'one2many') return value; // commands, applied by create() once the record exists
    const ids: number[] = [];
    for (const item of value) {
      if (typeof item === 'number') ids.push(item);
      else if (Array.isArray(item) && item[0] === 6 && Array.isArray(item[2])) ids.splice(0, ids.length, ...(item[2] as number[]));
      else if (Array.isArray(item) && item[0] === 4 && typeof item[1] === 'number') ids.push(item[1]);
      else if (Array.isArray(item) && item[0] === 5) ids.length = 0;
      else throw serverFault(`NotImplementedError: the Odoo emulator does not support the x2many command ${pyRepr(item)} (${model}.${name})`);
    }
    for (const id of ids) if (!this.get(def.relation!, id)) throw missingError(def.relation!, [id], 1);
    return [...new Set(ids)];
  }

  /** `write`: stores the values, bumps `write_date` (the emulator clock) and returns true. */
  write(env: OrmEnv, model: string, ids: unknown, vals: unknown): true {
    this.#enter(env);
    const updates = this.#values(model, vals, 'write');
    const recs = this.#records(env, model, ids, 'write');
    if (model === 'ir.model.fields' && updates.some(([n]) => ['name', 'ttype', 'model', 'model_id', 'relation'].includes(n))) {
      throw new OdooFault(2, 'Changing the type or the name of a field is not supported by the emulator; create a new field instead.');
    }
    const now = this.now();
    for (const r of recs) {
      for (const [name, def, value] of updates) if (def.type !== 'one2many') this.#assign(r, name, def, value);
      r.write_date = now;
    }
    this.#touch();
    return true;
  }

  /** Default values of `create` (the ones Odoo fills in for the fields the emulator has). */
  #defaults(env: OrmEnv, model: string): Record<string, unknown> {
    const companyId = env.company ?? env.companies[0] ?? env.user.companyId;
    switch (model) {
      case 'res.partner':
        return { type: 'contact', active: true };
      case 'account.move': {
        const company = this.get('res.company', companyId);
        return { move_type: 'entry', state: 'draft', company_id: companyId, currency_id: company?.currency_id ?? false, date: this.now().slice(0, 10) };
      }
      case 'ir.model.fields':
        return { state: 'manual', store: true };
      case 'mail.message':
        return { message_type: 'email', date: this.now(), author_id: this.get('res.users', env.user.id)?.partner_id ?? false };
      default:
        return {};
    }
  }

  /** `create`: one dict → the new id; a list of dicts → the list of new ids. */
  create(env: OrmEnv, model: string, valsList: unknown): number | number[] {
    this.#enter(env);
    const single = !Array.isArray(valsList);
    const list = single ? [valsList] : (valsList as unknown[]);
    const def = this.model(model);
    if (model === 'ir.model') throw serverFault(`NotImplementedError: the Odoo emulator does not create custom models`);
    const ids: number[] = [];
    for (const vals of list) {
      const given = this.#values(model, vals, 'create');
      const rec: OdooDatasetRecord = { id: this.#nextId(model), ...this.#defaults(env, model) };
      const commands: [string, FieldDef, unknown][] = [];
      for (const [name, f, value] of given) {
        if (f.type === 'one2many') commands.push([name, f, value]);
        else this.#assign(rec, name, f, value);
      }
      for (const [name, f] of Object.entries(def.fields)) {
        if (f.required && !f.computed && (rec[name] === undefined || rec[name] === false) && name !== 'id') throw notNullViolation(def, name);
      }
      if (model === 'res.partner' && rec.type === 'contact' && !rec.name) {
        throw new OdooFault(2, 'The operation cannot be completed: Contacts require a name');
      }
      if (!this.visible(env, model, rec)) this.#accessDenied(env, model, [rec], 'create');
      if (model === 'ir.model.fields') this.#checkCustomField(rec, commands);
      const now = this.now();
      rec.create_date ??= now;
      rec.write_date ??= now;
      this.#store.get(model)!.set(rec.id, rec);
      this.#touch();
      for (const [name, f, value] of commands) this.#applyOne2many(env, model, rec, name, f, value);
      if (model === 'ir.model.fields') this.#addField(rec);
      ids.push(rec.id);
    }
    return single ? ids[0]! : ids;
  }

  #applyOne2many(env: OrmEnv, model: string, rec: OdooDatasetRecord, name: string, f: FieldDef, value: unknown): void {
    for (const cmd of value as unknown[]) {
      if (Array.isArray(cmd) && cmd[0] === 0 && cmd[2] && typeof cmd[2] === 'object') {
        this.create(env, f.relation!, { ...(cmd[2] as Record<string, unknown>), [f.inverse!]: rec.id });
      } else {
        throw serverFault(`NotImplementedError: the Odoo emulator only supports [0, 0, vals] commands on ${model}.${name}`);
      }
    }
  }

  /** ir.model.fields constraints, as Odoo checks them on create. */
  #checkCustomField(rec: OdooDatasetRecord, commands: [string, FieldDef, unknown][]): void {
    const irModel = this.get('ir.model', rec.model_id as number)!;
    rec.model = irModel.model;
    const name = String(rec.name);
    if (rec.state === 'manual' && !name.startsWith('x_')) throw new OdooFault(2, "Custom fields must have a name that starts with 'x_' !");
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new OdooFault(2, `Field names can only contain characters, digits and underscores (up to 63).`);
    if ([...this.#store.get('ir.model.fields')!.values()].some((r) => r.model === rec.model && r.name === name)) {
      throw new OdooFault(2, 'The operation cannot be completed: Field names must be unique per model.');
    }
    const ttype = rec.ttype as OdooFieldType;
    if (!CUSTOM_TYPES.has(ttype)) throw serverFault(`NotImplementedError: the Odoo emulator does not create ${ttype} custom fields`);
    if (ttype === 'many2one' && (typeof rec.relation !== 'string' || !this.models[rec.relation])) {
      throw new OdooFault(2, `Model ${rec.relation === false ? 'False' : String(rec.relation)} does not exist!`);
    }
    if (ttype === 'selection' && typeof rec.selection === 'string') {
      // The legacy `selection` char: "[('a', 'A'), ('b', 'B')]".
      const options = [...rec.selection.matchAll(/\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]\s*\)/g)].map((m) => ({ value: m[1], name: m[2] }));
      commands.push(['selection_ids', this.models['ir.model.fields']!.fields.selection_ids!, options.map((o) => [0, 0, o])]);
    }
    delete rec.selection;
  }

  /** Adds the field an ir.model.fields record describes to the live model. */
  #addField(rec: OdooDatasetRecord): void {
    const field: FieldDef = { type: rec.ttype as OdooFieldType, string: String(rec.field_description), store: rec.store !== false, manual: true };
    if (field.type === 'many2one') field.relation = String(rec.relation);
    if (rec.required === true) field.required = true;
    if (rec.readonly === true) field.readonly = true;
    if (field.type === 'selection') {
      field.selection = [...this.#store.get('ir.model.fields.selection')!.values()]
        .filter((o) => o.field_id === rec.id)
        .sort((a, b) => Number(a.sequence ?? 0) - Number(b.sequence ?? 0) || a.id - b.id)
        .map((o) => [String(o.value), String(o.name)]);
    }
    this.models[String(rec.model)]!.fields[String(rec.name)] = field;
    this.#touch();
  }

  /** `message_post` (mail.thread) on one record: stores a mail.message and returns its id. */
  messagePost(env: OrmEnv, model: string, ids: unknown, kwargs: Record<string, unknown>): number {
    this.#enter(env);
    if (!MAIL_THREAD_MODELS.has(model)) throw serverFault(`AttributeError: The method '${model}.message_post' does not exist`);
    const recs = this.#records(env, model, ids, 'write');
    if (recs.length !== 1) throw serverFault(`ValueError: Expected singleton: ${model}(${recs.map((r) => r.id).join(', ')}${recs.length === 1 ? ',' : ''})`);
    const body = kwargs.body ?? '';
    if (typeof body !== 'string') throw serverFault(`TypeError: message_post() body must be a string, got ${pyRepr(body)}`);
    const messageType = kwargs.message_type ?? 'notification';
    if (messageType === 'user_notification') throw new OdooFault(2, "Use message_notify to send a notification to an user.");
    let subtypeId: number | false = false;
    if (kwargs.subtype_xmlid !== undefined && kwargs.subtype_xmlid !== false) {
      const subtype = MAIL_SUBTYPES[String(kwargs.subtype_xmlid)];
      if (!subtype) throw serverFault(`ValueError: External ID not found in the system: ${String(kwargs.subtype_xmlid)}`);
      subtypeId = subtype.id;
    } else if (typeof kwargs.subtype_id === 'number') subtypeId = kwargs.subtype_id;
    else if (messageType === 'comment') subtypeId = MAIL_SUBTYPES['mail.mt_note']!.id;
    // 17+ takes HTML from RPC callers with body_is_html=True; otherwise 16+ escapes a plain-string
    // body (line breaks become <br>, as plaintext2html does); 14–15 sanitize it as HTML.
    const bodyIsHtml = this.major >= 17 && kwargs.body_is_html === true;
    const html =
      bodyIsHtml || (this.major < 16 && body.trimStart().startsWith('<'))
        ? body
        : this.major >= 16
          ? `<p>${escapeHtml(body).replace(/\r?\n/g, '<br>')}</p>`
          : `<p>${body}</p>`;
    const partners = this.#x2many('mail.message', 'partner_ids', this.models['mail.message']!.fields.partner_ids!, kwargs.partner_ids ?? []);
    const vals: Record<string, unknown> = {
      model,
      res_id: recs[0]!.id,
      body: body === '' ? '' : html,
      message_type: messageType,
      subtype_id: subtypeId,
      partner_ids: partners,
    };
    if (typeof kwargs.subject === 'string') vals.subject = kwargs.subject;
    if (typeof kwargs.author_id === 'number') vals.author_id = kwargs.author_id;
    const id = this.create(env, 'mail.message', vals) as number;
    return id;
  }

  /** Test hook: adds a record as a user of Odoo would, stamping create_date/write_date unless given. */
  insert(model: string, record: Record<string, unknown>): OdooDatasetRecord {
    const def = this.model(model);
    for (const name of Object.keys(record)) if (name !== 'id' && !def.fields[name]) throw invalidField(model, name);
    const id = typeof record.id === 'number' ? record.id : this.#nextId(model);
    if (this.get(model, id)) throw new Error(`${model} record ${id} already exists`);
    const now = this.now();
    const rec: OdooDatasetRecord = { create_date: now, write_date: now, ...clone(record), id };
    this.#store.get(model)!.set(id, rec);
    this.#touch();
    return clone(rec);
  }

  /** Test hook: changes a record, stamping write_date unless `vals` has one. */
  update(model: string, id: number, vals: Record<string, unknown>): OdooDatasetRecord {
    const def = this.model(model);
    const rec = this.get(model, id);
    if (!rec) throw new Error(`${model} record ${id} does not exist`);
    for (const name of Object.keys(vals)) if (name === 'id' || !def.fields[name]) throw invalidField(model, name);
    Object.assign(rec, clone(vals));
    if (!('write_date' in vals)) rec.write_date = this.now();
    this.#touch();
    return clone(rec);
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
        manual: f.manual ?? name.startsWith('x_'),
        groupable: f.store !== false,
      };
      if (f.relation) full.relation = f.relation;
      if (f.type === 'one2many' && f.inverse) full.relation_field = f.inverse;
      if (f.selection) full.selection = f.selection.map(([k, v]) => [k, v]);
      if (builtin.has(name)) full.readonly = true;
      const row: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(full)) if (!attrs || attrs.has(k)) row[k] = v;
      out[name] = row;
    }
    return out;
  }
}
