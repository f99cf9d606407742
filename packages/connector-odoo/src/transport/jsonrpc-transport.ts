import { loginRefused, mapOdooException, protocolError, type CallContext, type OdooJsonException } from './errors.js';
import { requestJson, resolveTimeout } from './http-json.js';
import { sanitizeParams } from './sanitize.js';
import type { OdooKwargs, OdooTransport, OdooTransportOptions, OdooVersionInfo, XmlRpcValue } from './types.js';
import { parseCommonVersion } from './version.js';
import { normalizeOdooUrl } from './xmlrpc-transport.js';

/**
 * Odoo's `/jsonrpc` endpoint (all versions; deprecated in 19 like XML-RPC): the `common` and
 * `object` services of XML-RPC as JSON-RPC 2.0 calls, on Node's `fetch`. JSON carries `null` and
 * integers beyond 32 bits, and needs no XML parser. Errors arrive with HTTP 200 as
 * `{"error": {"code": 200, "data": {"name": "odoo.exceptions.…", "message", "debug"}}}` and are
 * mapped on the exception name (see `mapOdooException`).
 */
export class OdooJsonRpcTransport implements OdooTransport {
  readonly protocol = 'jsonrpc' as const;
  readonly url: string;
  readonly database: string;
  readonly username: string;
  readonly timeoutMs: number;
  #password: string;
  #uid: number | null = null;
  #nextId = 1;

  constructor(options: OdooTransportOptions) {
    this.url = normalizeOdooUrl(options.url).href.replace(/\/$/, '');
    this.database = options.database;
    this.username = options.username;
    this.#password = options.password;
    this.timeoutMs = resolveTimeout(options);
  }

  get uid(): number | null {
    return this.#uid;
  }

  get endpoint(): string {
    return `${this.url}/jsonrpc`;
  }

  /** `common.version()`. Needs no credentials. */
  async version(): Promise<OdooVersionInfo> {
    const raw = await this.#call('common', 'version', []);
    return parseCommonVersion(raw, this.#ctx('common.version'));
  }

  /** `common.authenticate(db, login, secret, {})`; `false` becomes an `access-denied` error. */
  async authenticate(): Promise<number> {
    const value = await this.#call('common', 'authenticate', [this.database, this.username, this.#password, {}]);
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw loginRefused(this);
    this.#uid = value;
    return value;
  }

  async executeKw<T>(model: string, method: string, args: XmlRpcValue[] = [], kwargs: OdooKwargs = {}): Promise<T> {
    const uid = this.#uid;
    if (uid === null) throw new Error('OdooJsonRpcTransport.executeKw() called before authenticate()');
    const params = [this.database, uid, this.#password, model, method, sanitizeParams(args, 'args'), sanitizeParams(kwargs, 'kwargs')];
    return (await this.#call('object', 'execute_kw', params, `${model}.${method}`)) as T;
  }

  /** Nothing to release: `fetch` pools connections globally. */
  close(): void {}

  #ctx(label: string, status?: number): CallContext {
    return {
      endpoint: this.endpoint,
      label,
      username: this.username,
      database: this.database,
      secrets: [this.#password],
      status,
      protocolName: 'JSON-RPC',
    };
  }

  async #call(service: 'common' | 'object', method: string, args: unknown[], label = `${service}.${method}`): Promise<unknown> {
    const ctx = this.#ctx(label);
    const id = this.#nextId++;
    const body = { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id };
    const { status, json } = await requestJson(this.endpoint, { method: 'POST', body }, ctx, this.timeoutMs);
    const answer = (json && typeof json === 'object' && !Array.isArray(json) ? json : {}) as { result?: unknown; error?: unknown };
    if (status !== 200) throw protocolError({ ...ctx, status }, 'unexpected status', JSON.stringify(json));
    if (answer.error !== undefined) {
      const error = (answer.error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
      if (error.data && typeof error.data === 'object') throw mapOdooException(error.data as OdooJsonException, ctx);
      throw mapOdooException({ name: 'JsonRpcError', message: `error ${String(error.code)}: ${String(error.message ?? '')}` }, ctx);
    }
    if (!('result' in answer)) throw protocolError({ ...ctx, status }, 'the answer has neither result nor error');
    return answer.result;
  }
}
