import type { ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import { ErpError } from '@cesce-connect/core';
import xmlrpc from 'xmlrpc';
import { createCapturingAgent, withGlobalAgent, type CapturingAgent } from './agent.js';
import { loginRefused, mapCallError, protocolError, timeoutError, type CallContext } from './errors.js';
import { DEFAULT_TIMEOUT_MS, resolveTimeout } from './http-json.js';
import { parseCommonVersion } from './version.js';
import { sanitizeParams } from './sanitize.js';
import type { OdooKwargs, OdooTransport, OdooTransportOptions, OdooVersionInfo, XmlRpcValue } from './types.js';

/** The part of `odoo-xmlrpc` 1.0.8 (an untyped CommonJS package) that we use. */
interface OdooXmlrpcClient {
  connect(callback: (error: unknown, uid: unknown) => void): void;
  execute_kw(model: string, method: string, params: unknown[], callback: (error: unknown, value: unknown) => void): void;
}
type OdooXmlrpcConstructor = new (config: { url: string; db: string; username: string; password: string }) => OdooXmlrpcClient;

const require = createRequire(import.meta.url);
const OdooXmlrpc = require('odoo-xmlrpc') as OdooXmlrpcConstructor;

export { DEFAULT_TIMEOUT_MS };

type Callback = (error: unknown, value: unknown) => void;

/** The server part of a user-given URL: no credentials, no trailing slash, no `/web...` page. */
export function normalizeOdooUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ErpError('odoo', 'protocol', `'${raw}' is not a URL; expected e.g. https://erp.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ErpError('odoo', 'protocol', `Odoo URL must start with http:// or https:// (got ${url.protocol}//${url.host})`);
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  // People paste the address of a page of the web client, or an API endpoint itself.
  url.pathname = url.pathname
    .replace(/\/(web|xmlrpc|jsonrpc|json\/2)(\/.*)?$/, '')
    .replace(/\/+$/, '');
  return url;
}

/**
 * A promise-based, typed XML-RPC client for Odoo's `/xmlrpc/2/common` and `/xmlrpc/2/object`.
 *
 * `authenticate` and `execute_kw` go through `odoo-xmlrpc` when the server sits at the root of its
 * host; `version`, and every call to a server under a path prefix (which `odoo-xmlrpc` drops), use
 * the `xmlrpc` client it wraps. Every call has a timeout that aborts the HTTP request, checks the
 * HTTP status, and turns faults and failures into `ErpError`s (see README, "Transport").
 */
export class OdooXmlRpcTransport implements OdooTransport {
  readonly protocol = 'xmlrpc' as const;
  /** Base URL without credentials, e.g. `https://erp.example.com`. */
  readonly url: string;
  readonly database: string;
  readonly username: string;
  readonly timeoutMs: number;
  #password: string;
  #base: URL;
  #secure: boolean;
  #capture: CapturingAgent;
  #odoo: OdooXmlrpcClient | null;
  #uid: number | null = null;

  constructor(options: OdooTransportOptions) {
    this.#base = normalizeOdooUrl(options.url);
    this.url = this.#base.href.replace(/\/$/, '');
    this.database = options.database;
    this.username = options.username;
    this.#password = options.password;
    this.timeoutMs = resolveTimeout(options);
    this.#secure = this.#base.protocol === 'https:';
    this.#capture = createCapturingAgent(this.#secure);
    const atRoot = this.#base.pathname === '' || this.#base.pathname === '/';
    this.#odoo = atRoot
      ? new OdooXmlrpc({ url: this.#base.origin, db: options.database, username: options.username, password: options.password })
      : null;
  }

  /** The uid returned by `authenticate()`, or null before. */
  get uid(): number | null {
    return this.#uid;
  }

  endpoint(service: 'common' | 'object'): string {
    return `${this.url}/xmlrpc/2/${service}`;
  }

  /** `common.version()`: which Odoo this is. Needs no credentials. */
  async version(): Promise<OdooVersionInfo> {
    const raw = await this.#call<unknown>('common', 'common.version', (cb) => this.#direct('common', 'version', [], cb));
    return parseCommonVersion(raw, this.#ctx('common', 'common.version'));
  }

  /**
   * `common.authenticate(db, login, secret, {})`. Odoo answers `false` (not a fault) for wrong
   * credentials; that becomes an `ErpError` of kind `access-denied`.
   */
  async authenticate(): Promise<number> {
    const label = 'common.authenticate';
    const loginFailed = () => loginRefused(this);
    let value: unknown;
    const odoo = this.#odoo;
    if (odoo) {
      value = await this.#call<unknown>('common', label, (cb) =>
        withGlobalAgent(this.#secure, this.#capture.agent, () =>
          odoo.connect((err, uid) => {
            // odoo-xmlrpc turns a `false` answer into a plain object { message: "No UID returned ..." }.
            const noUid = err !== null && typeof err === 'object' && !(err instanceof Error);
            cb(noUid ? null : err, noUid ? false : uid);
          }),
        ),
      );
    } else {
      value = await this.#call<unknown>('common', label, (cb) =>
        this.#direct('common', 'authenticate', [this.database, this.username, this.#password, {}], cb),
      );
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw loginFailed();
    this.#uid = value;
    return value;
  }

  /**
   * `object.execute_kw(db, uid, secret, model, method, args, kwargs)`. Call `authenticate()` first.
   * `undefined` struct members in `args`/`kwargs` are dropped; see `sanitizeParams`.
   */
  async executeKw<T>(model: string, method: string, args: XmlRpcValue[] = [], kwargs: OdooKwargs = {}): Promise<T> {
    const uid = this.#uid;
    if (uid === null) throw new Error('OdooXmlRpcTransport.executeKw() called before authenticate()');
    const label = `${model}.${method}`;
    const params = [sanitizeParams(args, 'args'), sanitizeParams(kwargs, 'kwargs')];
    const odoo = this.#odoo;
    if (odoo) {
      return this.#call<T>('object', label, (cb) =>
        withGlobalAgent(this.#secure, this.#capture.agent, () => odoo.execute_kw(model, method, params, cb)),
      );
    }
    return this.#call<T>('object', label, (cb) =>
      this.#direct('object', 'execute_kw', [this.database, uid, this.#password, model, method, ...params], cb),
    );
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#capture.agent.destroy();
  }

  #ctx(service: 'common' | 'object', label: string, status?: number): CallContext {
    return {
      endpoint: this.endpoint(service),
      label,
      username: this.username,
      database: this.database,
      secrets: [this.#password],
      status,
    };
  }

  /** One call through the `xmlrpc` client, on our agent, to `{base}/xmlrpc/2/{service}`. */
  #direct(service: 'common' | 'object', method: string, params: unknown[], cb: Callback): void {
    const options = {
      host: this.#base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.#base.port ? Number(this.#base.port) : this.#secure ? 443 : 80,
      path: `${this.#base.pathname.replace(/\/+$/, '')}/xmlrpc/2/${service}`,
      agent: this.#capture.agent,
    };
    const client = this.#secure ? xmlrpc.createSecureClient(options) : xmlrpc.createClient(options);
    client.methodCall(method, params, cb);
  }

  /**
   * Runs one XML-RPC call started by `start`, with a timeout that destroys the request, the HTTP
   * status check (the `xmlrpc` package only checks 404) and error mapping.
   */
  #call<T>(service: 'common' | 'object', label: string, start: (cb: Callback) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let request: ClientRequest | undefined;
      let status: number | undefined;
      let redirect: string | undefined;
      const finish = (err: unknown, value: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const ctx = { ...this.#ctx(service, label, status), redirect };
        if (err) {
          reject(mapCallError(err, ctx));
        } else if (status !== undefined && status !== 200) {
          reject(protocolError(ctx, `unexpected status`));
        } else {
          resolve(value as T);
        }
      };
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        request?.destroy();
        reject(timeoutError(this.#ctx(service, label), this.timeoutMs));
      }, this.timeoutMs);
      this.#capture.onRequest = (req) => {
        request = req;
        // Prepended: the xmlrpc client may report (e.g. a 404) from its own 'response' listener.
        req.prependOnceListener('response', (res) => {
          status = res.statusCode;
          const location = res.headers.location;
          if (typeof location === 'string' && status !== undefined && status >= 300 && status < 400) redirect = location;
        });
      };
      try {
        start(finish);
      } catch (err) {
        finish(err, undefined);
      } finally {
        this.#capture.onRequest = undefined;
      }
    });
  }
}
