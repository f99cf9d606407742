/**
 * A value that can travel as an XML-RPC parameter to Odoo. `undefined` is deliberately absent:
 * the `xmlrpc` package serialises it as an empty `<value/>`, which Odoo reads as `''`
 * (reference §1.10). Struct members that are `undefined` are dropped before sending; an
 * `undefined` array item is a programming error and is refused.
 */
export type XmlRpcValue =
  | string
  | number
  | boolean
  | null
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue | undefined };

/** Keyword arguments of `execute_kw` (`fields`, `limit`, `order`, `context`, ...). */
export type OdooKwargs = { [key: string]: XmlRpcValue | undefined };

export interface OdooTransportOptions {
  /** Base URL of the Odoo server, e.g. `https://erp.example.com` (no `/xmlrpc/2` suffix needed). */
  url: string;
  database: string;
  username: string;
  /** Password or API key (Odoo 14+); never shown in messages. */
  password: string;
  /** Timeout of every call in milliseconds (default 30 000). */
  timeoutMs?: number | undefined;
}

/** `common.version()` of an Odoo server. */
export interface OdooVersionInfo {
  /** e.g. "17.0" or "17.0+e". */
  serverVersion: string;
  /** e.g. `[17, 0, 0, "final", 0, ""]`. */
  serverVersionInfo: (string | number)[];
  /** e.g. "17.0". */
  serverSerie: string;
  protocolVersion: number;
  /** Major version number (17), or null when the server did not say. */
  major: number | null;
}

/** The wire protocols an Odoo server speaks to external clients (reference §1). */
export type OdooProtocol = 'xmlrpc' | 'jsonrpc' | 'json2';

/**
 * One Odoo wire protocol. Every implementation takes the ORM call in `execute_kw` form
 * (positional `args`, keyword `kwargs`), so callers never depend on the protocol:
 * - XML-RPC (`/xmlrpc/2`) and JSON-RPC (`/jsonrpc`) send it as is;
 * - JSON-2 (`/json/2/<model>/<method>`, Odoo 19+) converts it to named arguments using the
 *   ORM signature of the method (`ids` for record methods) and authenticates with a bearer
 *   API key.
 * Errors are `ErpError`s (kinds: access-denied, access, validation, server with the traceback
 * in `details`, protocol naming the URL, timeout, transport).
 */
export interface OdooTransport {
  readonly protocol: OdooProtocol;
  /** Base URL without credentials. */
  readonly url: string;
  readonly database: string;
  readonly username: string;
  /** Set after `authenticate()`. */
  readonly uid: number | null;
  version(): Promise<OdooVersionInfo>;
  /** Resolves the user id (JSON-2: `res.users/context_get`); throws `access-denied` when refused. */
  authenticate(): Promise<number>;
  executeKw<T>(model: string, method: string, args?: XmlRpcValue[], kwargs?: OdooKwargs): Promise<T>;
  close(): void;
}
