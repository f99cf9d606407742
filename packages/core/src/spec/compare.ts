import { API_BASE_PATHS, type ApiName } from '../environments.js';
import type { JsonSchema, OurOperation } from './operations.js';

/** A document that is not a usable Swagger 2.0 / OpenAPI 3 document. */
export class SpecDocumentError extends Error {
  override name = 'SpecDocumentError';
}

export type SpecFormat = 'swagger-2.0' | 'openapi-3';
export type FieldLocation = 'request' | 'query' | 'response';

export type FieldFinding =
  /** The spec has the field; we do not. */
  | { kind: 'missing'; location: FieldLocation; field: string; spec: FieldInfo }
  /** We have the field (inferred); the spec does not. */
  | { kind: 'extra'; location: FieldLocation; field: string; ours: FieldInfo }
  | { kind: 'required'; location: FieldLocation; field: string; spec: boolean; ours: boolean }
  | { kind: 'type'; location: FieldLocation; field: string; spec: string[]; ours: string[] }
  | { kind: 'enum'; location: FieldLocation; field: string; spec: string[]; ours: string[] };

export interface FieldInfo {
  types: string[];
  required: boolean;
  enum?: string[] | undefined;
}

export interface OperationComparison {
  /** `same`: matched, no differences; `differs`: matched with findings; `only-spec` / `only-ours`. */
  status: 'same' | 'differs' | 'only-spec' | 'only-ours';
  method: string;
  /** The spec's path (base path + path, as published) or, for `only-ours`, ours. */
  path: string;
  operation?: string | undefined;
  /** The spec's operationId / summary, when it has one. */
  specOperationId?: string | undefined;
  summary?: string | undefined;
  /** Set when the spec's base path does not end with ours (e.g. `/sales/v1`). */
  basePath?: { spec: string; ours: string } | undefined;
  findings: FieldFinding[];
}

export interface SpecComparison {
  format: SpecFormat;
  title?: string | undefined;
  version?: string | undefined;
  /** The APIs of ours the document was compared with. */
  apis: ApiName[];
  operations: OperationComparison[];
  summary: { same: number; differs: number; onlyInSpec: number; onlyOurs: number; fieldFindings: number; differences: number };
}

export interface CompareOptions {
  /** Compare with this API only (otherwise: the APIs the document's operations belong to). */
  api?: ApiName | undefined;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `/contracts/{contractNo}/ dossiers{dossierNo}` → `/contracts/{}/dossiers/{}` (tolerates the published typos). */
export function normalisePath(path: string): string {
  let p = path.replace(/\s+/g, '');
  p = p.replace(/([^/])\{/g, '$1/{');
  p = p.replace(/\{[^}]*\}/g, '{}');
  p = `/${p}`.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return p.toLowerCase() || '/';
}

/** The part of a path from `/contracts/` on (the portal's paths), or the whole path. */
function tail(normalised: string): string {
  const i = normalised.indexOf('/contracts/');
  return i >= 0 ? normalised.slice(i) : normalised;
}

interface SpecOperation {
  method: string;
  path: string;
  basePath: string;
  operationId?: string | undefined;
  summary?: string | undefined;
  request?: unknown;
  query: Record<string, FieldInfo>;
  response?: unknown;
}

function validate(doc: unknown): { format: SpecFormat; doc: Record<string, unknown> } {
  if (!isObject(doc)) throw new SpecDocumentError('not an OpenAPI/Swagger document: expected an object at the top level');
  let format: SpecFormat;
  if (doc.swagger !== undefined) {
    if (String(doc.swagger) !== '2.0') throw new SpecDocumentError(`unsupported swagger version '${String(doc.swagger)}' (expected "2.0")`);
    format = 'swagger-2.0';
  } else if (doc.openapi !== undefined) {
    if (!/^3\./.test(String(doc.openapi))) throw new SpecDocumentError(`unsupported openapi version '${String(doc.openapi)}' (expected 3.x)`);
    format = 'openapi-3';
  } else {
    throw new SpecDocumentError('not an OpenAPI/Swagger document: no "swagger" or "openapi" field');
  }
  if (!isObject(doc.paths)) throw new SpecDocumentError('no "paths" object');
  return { format, doc };
}

function basePathOf(format: SpecFormat, doc: Record<string, unknown>): string {
  if (format === 'swagger-2.0') return typeof doc.basePath === 'string' ? doc.basePath : '';
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const first: unknown = servers[0];
  if (!isObject(first) || typeof first.url !== 'string') return '';
  const url = first.url.replace(/\{[^}]*\}/g, 'x');
  try {
    return new URL(url, 'http://relative.invalid') /* resolves a relative server URL */.pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** Resolves `$ref`s (local only) and merges `allOf`. */
function makeResolver(doc: Record<string, unknown>) {
  const lookup = (ref: string): unknown => {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : undefined;
    }
    return node;
  };
  const resolve = (schema: unknown, seen: Set<string> = new Set()): Record<string, unknown> | undefined => {
    if (!isObject(schema)) return undefined;
    if (typeof schema.$ref === 'string') {
      if (seen.has(schema.$ref)) return {};
      const next = new Set(seen).add(schema.$ref);
      return resolve(lookup(schema.$ref), next);
    }
    if (Array.isArray(schema.allOf)) {
      const parts = schema.allOf.map((s) => resolve(s, seen) ?? {});
      const merged: Record<string, unknown> = { ...schema, type: 'object', properties: {}, required: [] };
      delete merged.allOf;
      for (const part of [schema, ...parts]) {
        if (isObject(part.properties)) Object.assign(merged.properties as object, part.properties);
        if (Array.isArray(part.required)) (merged.required as unknown[]).push(...part.required);
      }
      return merged;
    }
    return schema;
  };
  return resolve;
}

type Resolve = ReturnType<typeof makeResolver>;

function typesOf(schema: Record<string, unknown>, resolve: Resolve): string[] {
  const out = new Set<string>();
  const add = (t: unknown) => {
    if (typeof t !== 'string' || t === 'null') return;
    out.add(t === 'integer' ? 'number' : t);
  };
  if (Array.isArray(schema.type)) schema.type.forEach(add);
  else add(schema.type);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) for (const t of typesOf(resolve(s) ?? {}, resolve)) out.add(t);
  }
  if (out.size === 0 && (isObject(schema.properties) || isObject(schema.additionalProperties))) out.add('object');
  if (out.size === 0 && schema.items !== undefined) out.add('array');
  if (out.size === 0 && 'const' in schema) add(typeof schema.const);
  if (out.size === 0 && Array.isArray(schema.enum) && schema.enum.length > 0) add(typeof schema.enum.find((v) => v !== null));
  return [...out].sort();
}

function enumOf(schema: Record<string, unknown>, resolve: Resolve): string[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.filter((v) => v !== null).map(String).sort();
  if ('const' in schema && schema.const !== null && schema.const !== undefined) return [String(schema.const)];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    const parts = list.map((s) => resolve(s) ?? {}).filter((s) => !(s.type === 'null'));
    const enums = parts.map((p) => enumOf(p, resolve));
    if (enums.length > 0 && enums.every((e) => e !== undefined)) return [...new Set(enums.flat() as string[])].sort();
  }
  return undefined;
}

/** The object-ish branch of a schema (through arrays, anyOf/oneOf and nullable wrappers), or undefined. */
function objectBranch(schema: Record<string, unknown>, resolve: Resolve): Record<string, unknown> | undefined {
  if (isObject(schema.properties)) return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      const r = resolve(s);
      const b = r && objectBranch(r, resolve);
      if (b) return b;
    }
  }
  return undefined;
}

function arrayItems(schema: Record<string, unknown>, resolve: Resolve): Record<string, unknown> | undefined {
  if (schema.items !== undefined) return resolve(Array.isArray(schema.items) ? schema.items[0] : schema.items);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      const r = resolve(s);
      const items = r && arrayItems(r, resolve);
      if (items) return items;
    }
  }
  return undefined;
}

/** Flattens a body schema into `a.b[].c` → field info. Returns undefined when the schema names no fields. */
export function flattenSchema(schema: unknown, resolve: Resolve, maxDepth = 8): Record<string, FieldInfo> | undefined {
  const root = resolve(schema);
  if (!root) return undefined;
  const out: Record<string, FieldInfo> = {};
  const walk = (node: Record<string, unknown>, prefix: string, depth: number) => {
    if (depth > maxDepth) return;
    const items = arrayItems(node, resolve);
    if (items && !objectBranch(node, resolve)) {
      walk(items, `${prefix}[]`, depth + 1);
      return;
    }
    const obj = objectBranch(node, resolve);
    if (!obj || !isObject(obj.properties)) return;
    const required = new Set(Array.isArray(obj.required) ? obj.required.map(String) : []);
    for (const [name, raw] of Object.entries(obj.properties)) {
      const child = resolve(raw) ?? {};
      const key = prefix ? `${prefix}.${name}` : name;
      const e = enumOf(child, resolve);
      out[key] = { types: typesOf(child, resolve), required: required.has(name), ...(e ? { enum: e } : {}) };
      walk(child, key, depth + 1);
    }
  };
  walk(root, '', 0);
  return Object.keys(out).length > 0 ? out : undefined;
}

function parameterInfo(p: Record<string, unknown>, resolve: Resolve): FieldInfo {
  const schema = resolve(p.schema) ?? p; // OAS3 has `schema`; OAS2 puts type/enum on the parameter
  const e = enumOf(schema, resolve);
  return { types: typesOf(schema, resolve), required: p.required === true, ...(e ? { enum: e } : {}) };
}

function jsonContent(content: unknown, resolve: Resolve): unknown {
  if (!isObject(content)) return undefined;
  const keys = Object.keys(content);
  const key = keys.find((k) => /json/i.test(k)) ?? keys[0];
  const media = key !== undefined ? resolve(content[key]) : undefined;
  return media?.schema;
}

function readOperations(format: SpecFormat, doc: Record<string, unknown>, resolve: Resolve): SpecOperation[] {
  const basePath = basePathOf(format, doc);
  const out: SpecOperation[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths as Record<string, unknown>)) {
    const item = resolve(rawItem);
    if (!item) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = resolve(item[method]);
      if (!op) continue;
      const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]
        .map((p) => resolve(p))
        .filter((p): p is Record<string, unknown> => !!p);
      const query: Record<string, FieldInfo> = {};
      let request: unknown;
      const formFields: Record<string, unknown> = {};
      const formRequired: string[] = [];
      for (const p of params) {
        const name = String(p.name ?? '');
        if (p.in === 'query') query[name] = parameterInfo(p, resolve);
        else if (p.in === 'body') request = p.schema;
        else if (p.in === 'formData') {
          formFields[name] = { ...p, required: undefined };
          if (p.required === true) formRequired.push(name);
        }
      }
      if (request === undefined && Object.keys(formFields).length > 0) request = { type: 'object', properties: formFields, required: formRequired };
      if (format === 'openapi-3') {
        const body = resolve(op.requestBody);
        if (body) request = jsonContent(body.content, resolve);
      }
      let response: unknown;
      const responses = isObject(op.responses) ? op.responses : {};
      const code = Object.keys(responses)
        .filter((c) => /^2(\d\d|XX)$/i.test(c))
        .sort()[0];
      if (code !== undefined) {
        const r = resolve(responses[code]);
        response = format === 'swagger-2.0' ? r?.schema : jsonContent(r?.content, resolve);
      }
      out.push({
        method: method.toUpperCase(),
        path: `${basePath}${path.startsWith('/') ? '' : '/'}${path}`,
        basePath,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        summary: typeof op.summary === 'string' ? op.summary : undefined,
        request,
        query,
        response,
      });
    }
  }
  return out;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Field-by-field differences of one location (an undefined side has no fields). */
function compareFields(
  location: FieldLocation,
  spec: Record<string, FieldInfo> | undefined,
  ours: Record<string, FieldInfo> | undefined,
): FieldFinding[] {
  const findings: FieldFinding[] = [];
  const s = spec ?? {};
  const o = ours ?? {};
  const under = (field: string, set: Record<string, FieldInfo>) => {
    // A field below one that only one side has is reported once, at the top.
    const parts = field.split('.');
    for (let i = 1; i < parts.length; i++) if (!(parts.slice(0, i).join('.') in set)) return true;
    return false;
  };
  for (const [field, info] of Object.entries(s)) {
    const mine = o[field];
    if (!mine) {
      if (!under(field, o)) findings.push({ kind: 'missing', location, field, spec: info });
      continue;
    }
    if (info.required !== mine.required) findings.push({ kind: 'required', location, field, spec: info.required, ours: mine.required });
    if (info.types.length > 0 && mine.types.length > 0 && !info.types.every((t) => mine.types.includes(t))) {
      findings.push({ kind: 'type', location, field, spec: info.types, ours: mine.types });
    }
    if (info.enum && mine.enum && !sameSet(info.enum, mine.enum)) findings.push({ kind: 'enum', location, field, spec: info.enum, ours: mine.enum });
  }
  for (const [field, info] of Object.entries(o)) {
    if (!(field in s) && !under(field, s)) findings.push({ kind: 'extra', location, field, ours: info });
  }
  return findings;
}

/**
 * Compares a parsed Swagger 2.0 / OpenAPI 3 document with our operations: operations only in the
 * spec, operations only ours (within the APIs the document covers), and per matched operation the
 * request body, query parameters and 2xx response, field by field. Operations are matched by method
 * and path template (parameter names, whitespace, a missing `/` before `{` and the base path ignored).
 * Throws `SpecDocumentError` when `doc` is not a usable document.
 */
export function compareSpec(doc: unknown, ours: readonly OurOperation[], options: CompareOptions = {}): SpecComparison {
  const { format, doc: d } = validate(doc);
  const resolve = makeResolver(d);
  const ourResolve = (s: unknown) => makeResolver(isObject(s) ? s : {})(s);
  const specOps = readOperations(format, d, resolve);
  const info = isObject(d.info) ? d.info : {};

  const candidates = options.api ? ours.filter((o) => o.api === options.api) : ours;
  const key = (method: string, path: string) => `${method.toUpperCase()} ${tail(normalisePath(path))}`;
  const byKey = new Map(candidates.map((o) => [key(o.method, `/${o.basePath}${o.path}`), o]));

  const matched = new Set<OurOperation>();
  const operations: OperationComparison[] = [];
  for (const s of specOps) {
    const mine = byKey.get(key(s.method, s.path));
    if (!mine) {
      operations.push({ status: 'only-spec', method: s.method, path: s.path, specOperationId: s.operationId, summary: s.summary, findings: [] });
      continue;
    }
    matched.add(mine);
    // A free-form schema (no properties) says nothing about fields, and a response without a schema
    // says nothing about the body: those are skipped. A missing request body is compared (as empty).
    const specRequest = flattenSchema(s.request, resolve);
    const specResponse = flattenSchema(s.response, resolve);
    const findings = [
      ...(s.request !== undefined && !specRequest
        ? []
        : compareFields('request', specRequest, mine.request ? flattenSchema(mine.request, ourResolve) : undefined)),
      ...compareFields('query', s.query, mine.query ? flattenSchema(mine.query, ourResolve) : undefined),
      ...(specResponse ? compareFields('response', specResponse, mine.response ? flattenSchema(mine.response, ourResolve) : undefined) : []),
    ];
    // The published base path, when there is one, should end with ours (the catalog may precede it).
    const specBase = normalisePath(s.basePath);
    const ourBase = normalisePath(mine.basePath);
    const specPathHasBase = normalisePath(s.path).replace(tail(normalisePath(s.path)), '');
    const published = specBase !== '/' ? specBase : specPathHasBase;
    const basePath = published && published !== '/' && !published.endsWith(ourBase) ? { spec: published, ours: `/${mine.basePath}` } : undefined;
    operations.push({
      status: findings.length > 0 || basePath ? 'differs' : 'same',
      method: s.method,
      path: s.path,
      operation: mine.id,
      specOperationId: s.operationId,
      summary: s.summary,
      ...(basePath ? { basePath } : {}),
      findings,
    });
  }

  const apis: ApiName[] = options.api
    ? [options.api]
    : matched.size > 0
      ? [...new Set([...matched].map((o) => o.api))]
      : (Object.keys(API_BASE_PATHS).filter((a) => a !== 'oauth2') as ApiName[]);
  for (const o of candidates) {
    if (matched.has(o) || !apis.includes(o.api)) continue;
    operations.push({ status: 'only-ours', method: o.method, path: `/${o.basePath}${o.path}`, operation: o.id, findings: [] });
  }

  const count = (st: OperationComparison['status']) => operations.filter((o) => o.status === st).length;
  const fieldFindings = operations.reduce((n, o) => n + o.findings.length, 0);
  const summary = { same: count('same'), differs: count('differs'), onlyInSpec: count('only-spec'), onlyOurs: count('only-ours'), fieldFindings, differences: 0 };
  summary.differences = summary.differs + summary.onlyInSpec + summary.onlyOurs;
  return {
    format,
    title: typeof info.title === 'string' ? info.title : undefined,
    version: info.version !== undefined ? String(info.version) : undefined,
    apis,
    operations,
    summary,
  };
}
