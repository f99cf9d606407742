import type { OdooDataset, OdooUser } from './dataset.js';
import { accessDenied, accessError, databaseMissing, serverFault } from './faults.js';
import { OdooOrm, type OrmEnv } from './orm.js';
import { pyRepr } from './domain.js';
import { parseOdooVersion } from './schema.js';

/** One call received by the emulator (secrets replaced by "***"). */
export interface OdooEmulatorCall {
  service: 'common' | 'object';
  /** The RPC method (`authenticate`, `version`) or, for execute_kw, the ORM method (`search_read`). */
  method: string;
  model?: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
  /** Which wire protocol carried the call. */
  protocol?: 'xmlrpc' | 'jsonrpc' | 'json2';
}

const NOT_IMPLEMENTED = new Set([
  'unlink',
  'copy',
  'name_search',
  'name_create',
  'read_group',
  'web_search_read',
  'web_read',
  'default_get',
  'get_views',
  'onchange',
  'action_post',
  'button_draft',
  'button_cancel',
]);

/** Parameter names of the ORM methods the emulator serves, for Odoo `major` (renames: reference §1.3, ORM changelog). */
export function signatures(major: number): Record<string, string[]> {
  const domain = major >= 16 ? 'domain' : 'args'; // search's `args` became `domain` in saas-15.3
  return {
    search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
    search: [domain, 'offset', 'limit', 'order'],
    search_count: [domain, ...(major >= 16 ? ['limit'] : [])],
    read: ['ids', 'fields', 'load'],
    write: ['ids', 'vals'],
    create: [major >= 17 ? 'vals_list' : 'vals'],
    message_post: ['ids'],
    fields_get: ['allfields', 'attributes'],
    check_access_rights: ['operation', 'raise_exception'],
  };
}

/** Keyword-only parameters (`def message_post(self, *, body='', ...)`). */
const KEYWORD_ONLY: Record<string, string[]> = {
  message_post: ['body', 'subject', 'message_type', 'subtype_xmlid', 'subtype_id', 'partner_ids', 'author_id', 'email_from', 'parent_id', 'attachments', 'attachment_ids', 'body_is_html', 'email_layout_xmlid', 'email_add_signature'],
};

function bind(params: string[], model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const keywordOnly = KEYWORD_ONLY[method] ?? [];
  if (args.length > params.length) {
    throw serverFault(`TypeError: ${model}.${method}() takes from 1 to ${params.length + 1} positional arguments but ${args.length + 1} were given`);
  }
  const out: Record<string, unknown> = {};
  args.forEach((a, i) => {
    out[params[i]!] = a;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    if ((!params.includes(k) && !keywordOnly.includes(k)) || (k === 'ids' && params[0] === 'ids')) {
      throw serverFault(`TypeError: ${model}.${method}() got an unexpected keyword argument '${k}'`);
    }
    if (k in out) throw serverFault(`TypeError: ${model}.${method}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out;
}


/**
 * The protocol-independent half of the emulator: Odoo's `common` and `object` services over the
 * ORM. The HTTP layer (XML-RPC, JSON-RPC, JSON-2) decodes a request and calls one of these.
 */
export class OdooDispatcher {
  readonly calls: OdooEmulatorCall[] = [];
  readonly users: OdooUser[];
  readonly major: number;
  readonly minor: number;
  readonly signatures: Record<string, string[]>;

  constructor(
    readonly dataset: OdooDataset,
    readonly orm: OdooOrm,
  ) {
    this.users = dataset.users;
    const parsed = parseOdooVersion(dataset.version) ?? { major: 17, minor: 0 };
    this.major = parsed.major;
    this.minor = parsed.minor;
    this.signatures = signatures(this.major);
  }

  checkSecret(user: OdooUser, secret: unknown): boolean {
    return user.active !== false && typeof secret === 'string' && secret !== '' && (secret === user.password || (user.apiKeys ?? []).includes(secret));
  }

  /** The `common` service: version, authenticate, login. */
  common(method: string, params: unknown[], protocol: OdooEmulatorCall['protocol'] = 'xmlrpc'): unknown {
    const dataset = this.dataset;
    const [db, login, secret] = params;
    const logged = method === 'authenticate' || method === 'login' ? [db, login, '***', ...params.slice(3)] : params;
    this.calls.push({ service: 'common', method, args: logged, protocol });
    switch (method) {
      case 'version':
        return {
          server_version: dataset.version,
          server_version_info: [this.major, this.minor, 0, 'final', 0, ''],
          server_serie: `${this.major}.${this.minor}`,
          protocol_version: 1,
        };
      case 'authenticate':
      case 'login': {
        if (db !== dataset.database) throw databaseMissing(String(db));
        const user = this.users.find((u) => u.login === login);
        return user && this.checkSecret(user, secret) ? user.id : false;
      }
      default:
        throw serverFault(`Exception: Method not found: ${method}`);
    }
  }

  /** The `object` service: `execute_kw` / `execute` with positional parameters. */
  object(rpcMethod: string, params: unknown[], protocol: OdooEmulatorCall['protocol'] = 'xmlrpc'): unknown {
    if (rpcMethod !== 'execute_kw' && rpcMethod !== 'execute') throw serverFault(`Exception: Method not found: ${rpcMethod}`);
    const [db, uid, secret, model, method] = params;
    let args: unknown = params[5];
    let kwargs: unknown = params[6];
    if (rpcMethod === 'execute') {
      args = params.slice(5);
      kwargs = {};
    }
    if (args === undefined || args === '' || args === false || args === null) args = [];
    if (kwargs === undefined || kwargs === '' || kwargs === false || kwargs === null) kwargs = {};
    if (!Array.isArray(args)) throw serverFault(`TypeError: ${pyRepr(args)} is not a list of positional arguments`);
    if (typeof kwargs !== 'object' || Array.isArray(kwargs)) throw serverFault(`TypeError: ${pyRepr(kwargs)} is not a dict of keyword arguments`);
    const kw = { ...(kwargs as Record<string, unknown>) };
    this.calls.push({ service: 'object', method: String(method), model: String(model), args: structuredClone(args), kwargs: structuredClone(kw), protocol });
    if (params.length < 5) throw serverFault(`TypeError: execute_kw() missing required positional arguments`);
    if (db !== this.dataset.database) throw databaseMissing(String(db));
    const user = this.users.find((u) => u.id === uid);
    if (!user || !this.checkSecret(user, secret)) throw accessDenied();
    return this.run(user, model, method, args, kw);
  }

  /**
   * JSON-2: `POST /json/2/<model>/<method>` with named arguments only; `ids` names the records,
   * `context` the context. The user comes from the bearer API key (checked by the HTTP layer).
   */
  named(user: OdooUser, model: string, method: string, body: Record<string, unknown>): unknown {
    const kw = { ...body };
    this.calls.push({ service: 'object', method, model, args: [], kwargs: structuredClone(kw), protocol: 'json2' });
    const args: unknown[] = [];
    const params = this.signatures[method];
    if (params && params[0] === 'ids') {
      if (!('ids' in kw)) throw serverFault(`TypeError: ${model}.${method}() missing 1 required positional argument: 'ids'`);
      args.push(kw.ids);
      delete kw.ids;
    } else if ('ids' in kw) {
      throw serverFault(`TypeError: ${model}.${method}() is a model method: it takes no 'ids'`);
    }
    return this.run(user, model, method, args, kw);
  }

  private run(user: OdooUser, model: unknown, method: unknown, args: unknown[], kw: Record<string, unknown>): unknown {
    const orm = this.orm;
    if (typeof model !== 'string') throw serverFault(`TypeError: ${pyRepr(model)} is not a model name`);
    orm.model(model);
    if (typeof method !== 'string') throw serverFault(`TypeError: ${pyRepr(method)} is not a method name`);
    if (method.startsWith('_')) throw accessError(`Private methods (such as '${model}.${method}') cannot be called remotely.`);
    const rawContext = kw.context;
    delete kw.context;
    const context = rawContext && typeof rawContext === 'object' && !Array.isArray(rawContext) ? (rawContext as Record<string, unknown>) : {};
    let companies = [...user.companyIds];
    if (context.allowed_company_ids !== undefined) {
      const allowed = context.allowed_company_ids;
      if (!Array.isArray(allowed)) throw serverFault(`TypeError: 'allowed_company_ids' must be a list of company ids, got ${pyRepr(allowed)}`);
      if (!allowed.every((id) => typeof id === 'number' && user.companyIds.includes(id))) {
        throw accessError('Access to unauthorized or invalid companies.');
      }
      if (allowed.length > 0) companies = allowed as number[];
    }
    const company = Array.isArray(context.allowed_company_ids) && context.allowed_company_ids.length > 0 ? (context.allowed_company_ids[0] as number) : user.companyId;
    const env: OrmEnv = { user, companies, company, context };
    const params = this.signatures[method];
    if (!params) {
      if (NOT_IMPLEMENTED.has(method)) throw serverFault(`NotImplementedError: the Odoo emulator does not implement '${model}.${method}'`);
      throw serverFault(`AttributeError: The method '${model}.${method}' does not exist`);
    }
    const a = bind(params, model, method, args, kw);
    const domain = a.domain ?? a.args;
    switch (method) {
      case 'search_read':
        return orm.searchRead(env, model, a.domain, a.fields, a);
      case 'search':
        return orm.search(env, model, domain, a);
      case 'search_count': {
        const n = orm.search(env, model, domain).length;
        return typeof a.limit === 'number' && a.limit > 0 ? Math.min(n, a.limit) : n;
      }
      case 'read':
        if (!('ids' in a)) throw serverFault(`TypeError: ${model}.read() missing 1 required positional argument: 'ids'`);
        return orm.read(env, model, a.ids, a.fields, 'load' in a ? a.load : '_classic_read');
      case 'write':
        if (!('ids' in a) || !('vals' in a)) throw serverFault(`TypeError: ${model}.write() missing 1 required positional argument: 'vals'`);
        return orm.write(env, model, a.ids, a.vals);
      case 'create': {
        const name = params[0]!;
        if (!(name in a)) throw serverFault(`TypeError: ${model}.create() missing 1 required positional argument: '${name}'`);
        return orm.create(env, model, a[name]);
      }
      case 'message_post': {
        if (!('ids' in a)) throw serverFault(`TypeError: ${model}.message_post() missing 1 required positional argument: 'self'`);
        const { ids, ...kwargs } = a;
        return orm.messagePost(env, model, ids, kwargs);
      }
      case 'fields_get':
        return orm.fieldsGet(model, a.allfields, a.attributes);
      default:
        return true;
    }
  }
}
