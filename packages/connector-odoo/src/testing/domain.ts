import { serverFault, invalidField } from './faults.js';
import type { FieldDef, ModelDef } from './schema.js';
import type { OdooDatasetRecord } from './dataset.js';

/** What the domain evaluator needs from the ORM. */
export interface DomainHost {
  model(name: string): ModelDef;
  get(model: string, id: number): OdooDatasetRecord | undefined;
  value(model: string, rec: OdooDatasetRecord, field: string): unknown;
  displayName(model: string, rec: OdooDatasetRecord): string;
}

export type Predicate = (rec: OdooDatasetRecord) => boolean;

const OPERATORS = new Set([
  '=',
  '!=',
  '<=',
  '<',
  '>',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
]);

type Node =
  | { kind: 'and' | 'or'; a: Node; b: Node }
  | { kind: 'not'; a: Node }
  | { kind: 'leaf'; left: unknown; op: string; right: unknown };

/** Python-ish repr of a JSON-like value for error messages. */
export function pyRepr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}

function leafRepr(t: unknown[]): string {
  return `(${t.map(pyRepr).join(', ')})`;
}

/** Parses an Odoo domain (prefix '&', '|', '!' with an implicit '&' between top-level items). */
export function parseDomain(domain: unknown): Node | null {
  if (domain === false || domain === null || domain === undefined || domain === '') return null;
  if (!Array.isArray(domain)) throw serverFault(`ValueError: Invalid domain ${pyRepr(domain)}`);
  let i = 0;
  const parseOne = (): Node => {
    if (i >= domain.length) throw serverFault(`ValueError: Domain ${pyRepr(domain)} is syntactically not correct.`);
    const t: unknown = domain[i++];
    if (t === '&' || t === '|') {
      const a = parseOne();
      const b = parseOne();
      return { kind: t === '&' ? 'and' : 'or', a, b };
    }
    if (t === '!') return { kind: 'not', a: parseOne() };
    if (Array.isArray(t) && t.length === 3) {
      const op = typeof t[1] === 'string' ? t[1].toLowerCase() : t[1];
      const norm = op === '<>' ? '!=' : op === '==' ? '=' : op;
      if (typeof norm !== 'string' || !OPERATORS.has(norm)) {
        throw serverFault(`ValueError: Invalid leaf ${leafRepr(t)}`);
      }
      return { kind: 'leaf', left: t[0], op: norm, right: t[2] };
    }
    throw serverFault(`ValueError: Invalid leaf ${pyRepr(t)}`);
  };
  const items: Node[] = [];
  while (i < domain.length) items.push(parseOne());
  if (items.length === 0) return null;
  return items.reduce((a, b) => ({ kind: 'and', a, b }));
}

/** True when some leaf of the domain is on field `name` (Odoo's `active_test` rule). */
export function mentionsField(domain: unknown, name: string): boolean {
  return Array.isArray(domain) && domain.some((t) => Array.isArray(t) && t[0] === name);
}

/**
 * A value every record matching `domain` has on `field` at least (from leaves `>`, `>=`, `=` on it,
 * through `&` and `|`), or undefined. Lets a search over records sorted on `field` skip ahead.
 */
export function lowerBound(domain: unknown, field: string): number | string | undefined {
  let root: Node | null;
  try {
    root = parseDomain(domain);
  } catch {
    return undefined;
  }
  type Bound = number | string | undefined;
  const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
  const walk = (n: Node): Bound => {
    switch (n.kind) {
      case 'leaf':
        return n.left === field && ['>', '>=', '='].includes(n.op) && (typeof n.right === 'number' || typeof n.right === 'string') ? n.right : undefined;
      case 'and': {
        const a = walk(n.a);
        const b = walk(n.b);
        if (a === undefined) return b;
        if (b === undefined || typeof a !== typeof b) return a;
        return cmp(a, b) >= 0 ? a : b;
      }
      case 'or': {
        const a = walk(n.a);
        const b = walk(n.b);
        if (a === undefined || b === undefined || typeof a !== typeof b) return undefined;
        return cmp(a, b) <= 0 ? a : b;
      }
      default:
        return undefined;
    }
  };
  return root ? walk(root) : undefined;
}

const isNull = (v: unknown) => v === false || v === null || v === undefined;

function likeRegex(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
}

function normalizeDatetime(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.replace('T', ' ').replace(/(\.\d+)?Z?$/, '');
  return /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t} 00:00:00` : t;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

export class DomainCompiler {
  constructor(private readonly host: DomainHost) {}

  compile(model: string, domain: unknown): Predicate {
    const root = parseDomain(domain);
    return root ? this.#node(model, root) : () => true;
  }

  #node(model: string, n: Node): Predicate {
    switch (n.kind) {
      case 'and': {
        const a = this.#node(model, n.a);
        const b = this.#node(model, n.b);
        return (r) => a(r) && b(r);
      }
      case 'or': {
        const a = this.#node(model, n.a);
        const b = this.#node(model, n.b);
        return (r) => a(r) || b(r);
      }
      case 'not': {
        const a = this.#node(model, n.a);
        return (r) => !a(r);
      }
      case 'leaf':
        return this.#leaf(model, n.left, n.op, n.right);
    }
  }

  #leaf(model: string, left: unknown, op: string, right: unknown): Predicate {
    if ((left === 1 || left === true) && op === '=' && right === 1) return () => true;
    if ((left === 0 || left === false) && op === '=' && right === 1) return () => false;
    if (typeof left !== 'string' || left === '') {
      throw serverFault(`ValueError: Invalid leaf ${leafRepr([left, op, right])}`);
    }
    return this.#path(model, left.split('.'), op, right, left);
  }

  #path(model: string, path: string[], op: string, right: unknown, full: string): Predicate {
    const def = this.host.model(model);
    const [head, ...rest] = path as [string, ...string[]];
    const field = def.fields[head];
    if (!field) throw invalidField(model, head);
    if (rest.length > 0) {
      if (!field.relation || !['many2one', 'one2many', 'many2many'].includes(field.type)) {
        throw serverFault(`ValueError: Invalid field ${model}.${head} in leaf ${leafRepr([full, op, right])}`);
      }
      const rel = field.relation;
      const sub = this.#path(rel, rest, op, right, full);
      if (field.type === 'many2one') {
        return (r) => {
          const id = this.host.value(model, r, head);
          if (typeof id !== 'number') return false;
          const t = this.host.get(rel, id);
          return t !== undefined && sub(t);
        };
      }
      return (r) =>
        (this.host.value(model, r, head) as number[]).some((id) => {
          const t = this.host.get(rel, id);
          return t !== undefined && sub(t);
        });
    }
    return this.#terminal(model, head, field, op, right);
  }

  /** `child_of`/`parent_of` on the `parent_id` hierarchy of `model`. */
  #hierarchy(model: string, ids: number[], op: string): (id: number) => boolean {
    const wanted = new Set(ids);
    const parentOf = (id: number): number | null => {
      const rec = this.host.get(model, id);
      if (!rec || !this.host.model(model).fields.parent_id) return null;
      const p = this.host.value(model, rec, 'parent_id');
      return typeof p === 'number' ? p : null;
    };
    if (op === 'child_of') {
      return (id) => {
        for (let cur: number | null = id, n = 0; cur !== null && n < 100; cur = parentOf(cur), n++) if (wanted.has(cur)) return true;
        return false;
      };
    }
    const ancestors = new Set<number>();
    for (const id of ids) for (let cur: number | null = id, n = 0; cur !== null && n < 100; cur = parentOf(cur), n++) ancestors.add(cur);
    return (id) => ancestors.has(id);
  }

  #terminal(model: string, name: string, field: FieldDef, op: string, right: unknown): Predicate {
    const get = (r: OdooDatasetRecord) => this.host.value(model, r, name);
    if (op === '=?') {
      if (isNull(right)) return () => true;
      op = '=';
    }
    if (op === 'child_of' || op === 'parent_of') {
      const target = name === 'id' ? model : field.type === 'many2one' ? field.relation! : null;
      if (!target) throw serverFault(`ValueError: Invalid operator ${pyRepr(op)} on field ${model}.${name}`);
      const ids = asList(right).filter((x): x is number => typeof x === 'number');
      const match = this.#hierarchy(target, ids, op);
      return (r) => {
        const v = get(r);
        return typeof v === 'number' && match(v);
      };
    }
    if (field.type === 'one2many' || field.type === 'many2many') {
      const list = isNull(right) ? [] : asList(right);
      const ids = new Set(list);
      const any = (r: OdooDatasetRecord) => (get(r) as number[]).some((id) => ids.has(id));
      const empty = (r: OdooDatasetRecord) => (get(r) as number[]).length === 0;
      if (op === '=' || op === 'in') return isNull(right) ? empty : any;
      if (op === '!=' || op === 'not in') return isNull(right) ? (r) => !empty(r) : (r) => !any(r);
      throw serverFault(`ValueError: Invalid operator ${pyRepr(op)} on x2many field ${model}.${name}`);
    }
    if (field.type === 'many2one') {
      const rel = field.relation!;
      const byName = typeof right === 'string' || (Array.isArray(right) && right.some((x) => typeof x === 'string'));
      if (byName || op.includes('like')) {
        // Odoo resolves names through name_search on the comodel.
        const nameOf = (r: OdooDatasetRecord) => {
          const id = get(r);
          const t = typeof id === 'number' ? this.host.get(rel, id) : undefined;
          return t ? this.host.displayName(rel, t) : false;
        };
        return this.#scalar(nameOf, op, right, 'char');
      }
    }
    const type = field.type;
    const read = type === 'datetime' ? (r: OdooDatasetRecord) => normalizeDatetime(get(r)) : get;
    const value = type === 'datetime' ? (Array.isArray(right) ? right.map(normalizeDatetime) : normalizeDatetime(right)) : right;
    return this.#scalar(read, op, value, type);
  }

  #scalar(read: (r: OdooDatasetRecord) => unknown, op: string, right: unknown, type: string): Predicate {
    const boolean = type === 'boolean';
    const eq = (v: unknown, x: unknown) => {
      if (boolean) return Boolean(v) === Boolean(x);
      if (typeof v === 'number' && typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) return v === Number(x);
      return v === x;
    };
    const nullish = (v: unknown) => (boolean ? false : isNull(v));
    switch (op) {
      case '=':
        if (isNull(right) && !boolean) return (r) => isNull(read(r));
        return (r) => {
          const v = read(r);
          return !nullish(v) || boolean ? eq(v, right) : false;
        };
      case '!=':
        if (isNull(right) && !boolean) return (r) => !isNull(read(r));
        return (r) => {
          const v = read(r);
          return nullish(v) || !eq(v, right);
        };
      case '<':
      case '>':
      case '<=':
      case '>=':
        return (r) => {
          const v = read(r);
          if (nullish(v) || isNull(right)) return false;
          const c = compare(v, right);
          return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
        };
      case 'in':
      case 'not in': {
        const list = asList(right);
        const hasNull = list.some(isNull);
        const values = list.filter((x) => !isNull(x));
        const inList = (v: unknown) => (nullish(v) ? hasNull : values.some((x) => eq(v, x)));
        if (op === 'in') return (r) => inList(read(r));
        return (r) => {
          const v = read(r);
          if (nullish(v)) return !hasNull;
          return !inList(v);
        };
      }
      default: {
        // like family: SQL LIKE on the text of the value.
        const negative = op.startsWith('not ');
        const base = negative ? op.slice(4) : op;
        const ci = base.includes('ilike');
        const pattern = base.startsWith('=') ? String(right) : `%${String(right)}%`;
        const re = likeRegex(pattern, ci);
        if (negative) {
          return (r) => {
            const v = read(r);
            return isNull(v) || !re.test(String(v));
          };
        }
        return (r) => {
          const v = read(r);
          return !isNull(v) && re.test(String(v));
        };
      }
    }
  }
}
