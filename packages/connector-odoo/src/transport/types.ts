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
