import type { XmlRpcValue } from './types.js';

/**
 * Prepares call parameters for the `xmlrpc` serializer: drops `undefined` struct members
 * (`{ limit: undefined }` means "no limit", not `limit=''` on the server), and refuses values the
 * serializer would send wrongly: `undefined` array items (sent as `''`), `Date` objects (sent in
 * the process's local time without an offset), non-finite numbers, functions, symbols, bigints.
 */
export function sanitizeParams(value: unknown, path = 'params'): XmlRpcValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path} is ${value}; XML-RPC cannot carry it`);
      return value;
    case 'undefined':
      throw new TypeError(`${path} is undefined; Odoo would receive '' (use false, null or omit it)`);
    case 'object': {
      if (value instanceof Date) {
        throw new TypeError(`${path} is a Date; send a 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' string instead`);
      }
      if (Array.isArray(value)) return value.map((item, i) => sanitizeParams(item, `${path}[${i}]`));
      const out: { [key: string]: XmlRpcValue } = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        out[k] = sanitizeParams(v, `${path}.${k}`);
      }
      return out;
    }
    default:
      throw new TypeError(`${path} is a ${typeof value}; XML-RPC cannot carry it`);
  }
}
