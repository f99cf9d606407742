import { ErpError, redact } from '@cesce-connect/core';
import { mapOdooException, protocolError, type CallContext, type OdooJsonException } from './errors.js';
import { requestJson, resolveTimeout } from './http-json.js';
import { sanitizeParams } from './sanitize.js';
import type { OdooKwargs, OdooTransport, OdooTransportOptions, OdooVersionInfo, XmlRpcValue } from './types.js';
import { parseWebVersion } from './version.js';
import { normalizeOdooUrl } from './xmlrpc-transport.js';

/**
 * The positional parameters of the ORM methods the connector calls, by name (Odoo 19). JSON-2
 * takes named arguments only; `ids` is the recordset of record methods (absent for model methods).
 */
export const JSON2_SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search: ['domain', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['ids', 'fields', 'load'],
  write: ['ids', 'vals'],
  create: ['vals_list'],
  unlink: ['ids'],
  fields_get: ['allfields', 'attributes'],
  message_post: ['ids'],
  check_access_rights: ['operation', 'raise_exception'],
  context_get: [],
};

/**
 * Converts an `execute_kw`-style call to JSON-2's named arguments, e.g.
 * `read([[7], ['name']])` → `{ids: [7], fields: ['name']}`. A method missing from
 * `JSON2_SIGNATURES` can only be called with keyword arguments.
 */
export function namedArguments(model: string, method: string, args: XmlRpcValue[], kwargs: OdooKwargs): { [key: string]: XmlRpcValue } {
  const names = JSON2_SIGNATURES[method];
  const label = `${model}.${method}`;
  if (!names) {
    if (args.length > 0) {
      throw new TypeError(`JSON-2 needs named arguments, and ${label} has no known signature: pass its arguments as keyword arguments (the records as 'ids')`);
    }
    return sanitizeParams(kwargs, 'kwargs') as { [key: string]: XmlRpcValue };
  }
  if (args.length > names.length) {
    throw new TypeError(`${label} takes at most ${names.length} positional argument(s) (${names.join(', ') || 'none'}), got ${args.length}`);
  }
  const out: { [key: string]: XmlRpcValue | undefined } = {};
  args.forEach((value, i) => {
    out[names[i]!] = value;
  });
  for (const [key, value] of Object.entries(kwargs)) {
    if (value === undefined) continue;
    if (key in out) throw new TypeError(`${label}: '${key}' given both as a positional and a keyword argument`);
    out[key] = value;
  }
  return sanitizeParams(out, 'args') as { [key: string]: XmlRpcValue };
}

/**
 * Odoo 19's JSON-2 API: `POST /json/2/<model>/<method>` with named arguments and a bearer API
 * key (passwords are refused), `GET /web/version` for the version. Errors are HTTP 4xx/5xx with
 * `{name, message, arguments, context, debug}`: 401 → access-denied, AccessError → access, the
 * UserError family → validation, anything else → server with the traceback in `details`.
 */
export class OdooJson2Transport implements OdooTransport {
  readonly protocol = 'json2' as const;
  readonly url: string;
  readonly database: string;
  readonly username: string;
  readonly timeoutMs: number;
  #apiKey: string;
  #uid: number | null = null;

  constructor(options: OdooTransportOptions) {
    this.url = normalizeOdooUrl(options.url).href.replace(/\/$/, '');
    this.database = options.database;
    this.username = options.username;
    this.#apiKey = options.password;
    this.timeoutMs = resolveTimeout(options);
  }

  get uid(): number | null {
    return this.#uid;
  }

  /** `GET /web/version` (Odoo 19+; older servers answer the web client's HTML instead: a protocol error). */
  async version(): Promise<OdooVersionInfo> {
    const endpoint = `${this.url}/web/version`;
    const ctx = this.#ctx(endpoint, 'GET /web/version');
    const { status, json } = await requestJson(endpoint, { method: 'GET' }, ctx, this.timeoutMs);
    if (status !== 200) throw protocolError({ ...ctx, status }, 'unexpected status', JSON.stringify(json));
    return parseWebVersion(json, ctx);
  }

  /** JSON-2 has no login: `res.users/context_get` tells whose API key this is. */
  async authenticate(): Promise<number> {
    // A key pasted with an invisible or non-Latin-1 character cannot travel in a header at all.
    const bad = [...this.#apiKey].findIndex((ch) => ch < ' ' || ch > '~');
    if (bad >= 0) {
      throw new ErpError('odoo', 'access-denied', `The Odoo API key for user ${this.username} has a character that cannot be sent (position ${bad + 1}): copy the key again, without spaces or invisible characters`);
    }
    const context = await this.#post('res.users', 'context_get', {});
    const uid = context && typeof context === 'object' ? (context as { uid?: unknown }).uid : undefined;
    if (typeof uid !== 'number' || !Number.isInteger(uid) || uid <= 0) {
      throw protocolError(this.#ctx(this.#endpoint('res.users', 'context_get'), 'res.users.context_get'), 'the answer has no uid');
    }
    // The key names the user; make sure it is the configured one, as XML-RPC/JSON-RPC logins do
    // (a key of an admin would otherwise write as the admin).
    this.#uid = uid;
    const [user] = (await this.#post('res.users', 'read', { ids: [uid], fields: ['login'] })) as { login?: unknown }[];
    if (typeof user?.login === 'string' && user.login !== this.username) {
      this.#uid = null;
      throw new ErpError('odoo', 'access-denied', `The Odoo API key belongs to user ${user.login}, not to the configured user ${this.username} (database ${this.database} at ${this.url})`, {
        hint: 'Use an API key of the configured user (a dedicated bot user), or set odoo.username to the key\'s user.',
      });
    }
    return uid;
  }

  async executeKw<T>(model: string, method: string, args: XmlRpcValue[] = [], kwargs: OdooKwargs = {}): Promise<T> {
    if (this.#uid === null) throw new Error('OdooJson2Transport.executeKw() called before authenticate()');
    return (await this.#post(model, method, namedArguments(model, method, args, kwargs))) as T;
  }

  /** Nothing to release: `fetch` pools connections globally. */
  close(): void {}

  #endpoint(model: string, method: string): string {
    return `${this.url}/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
  }

  #ctx(endpoint: string, label: string): CallContext {
    return { endpoint, label, username: this.username, database: this.database, secrets: [this.#apiKey], protocolName: 'JSON-2' };
  }

  async #post(model: string, method: string, body: { [key: string]: XmlRpcValue }): Promise<unknown> {
    const endpoint = this.#endpoint(model, method);
    const ctx = this.#ctx(endpoint, `${model}.${method}`);
    const headers = { Authorization: `bearer ${this.#apiKey}`, 'X-Odoo-Database': this.database };
    const { status, json } = await requestJson(endpoint, { method: 'POST', headers, body }, ctx, this.timeoutMs);
    if (status === 200) return json;
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      throw protocolError({ ...ctx, status }, 'an error without an Odoo error body', JSON.stringify(json));
    }
    const error = json as OdooJsonException;
    if (status === 401) {
      const said = redact(typeof error.message === 'string' ? error.message : 'Unauthorized', [this.#apiKey]) as string;
      throw new ErpError('odoo', 'access-denied', `Odoo refused the API key of user ${this.username} on database ${this.database} at ${endpoint} (${said})`, {
        hint: "JSON-2 (Odoo 19+) accepts API keys only, not passwords: create one under Preferences → Account Security (keys expire), or set odoo.protocol to 'jsonrpc' to use a password (deprecated on 19).",
      });
    }
    // A 403 is an access error whatever exception produced it.
    if (status === 403 && !/\.Access(Error|Denied)$/.test(String(error.name))) throw mapOdooException({ ...error, name: 'odoo.exceptions.AccessError' }, ctx);
    throw mapOdooException(error, ctx);
  }
}
