import { XmlRpcDouble } from './orm.js';

/** Raised when a value cannot be marshalled (Odoo's marshaller has allow_none=False). */
export class MarshalError extends Error {
  /** The Python exception class Odoo's marshaller raises (OverflowError for big integers). */
  constructor(
    message: string,
    readonly pythonType: 'TypeError' | 'OverflowError' = 'TypeError',
  ) {
    super(message);
  }
}

function escapeXml(s: string): string {
  // Odoo's marshaller strips control characters that XML 1.0 cannot carry.
  return s
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Python's repr of a float: whole numbers keep a ".0". */
export function pythonFloat(n: number): string {
  if (!Number.isFinite(n)) throw new MarshalError(`cannot marshal ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n);
}

function value(v: unknown, out: string[]): void {
  if (v instanceof XmlRpcDouble) {
    out.push(`<value><double>${pythonFloat(v.value)}</double></value>`);
    return;
  }
  if (v === null || v === undefined) throw new MarshalError('cannot marshal None unless allow_none is enabled');
  switch (typeof v) {
    case 'boolean':
      out.push(`<value><boolean>${v ? 1 : 0}</boolean></value>`);
      return;
    case 'number':
      if (Number.isInteger(v)) {
        if (v > 2147483647 || v < -2147483648) throw new MarshalError('int exceeds XML-RPC limits', 'OverflowError');
        out.push(`<value><int>${v}</int></value>`);
      } else out.push(`<value><double>${pythonFloat(v)}</double></value>`);
      return;
    case 'string':
      out.push(`<value><string>${escapeXml(v)}</string></value>`);
      return;
    case 'object':
      if (Array.isArray(v)) {
        out.push('<value><array><data>\n');
        for (const item of v) {
          value(item, out);
          out.push('\n');
        }
        out.push('</data></array></value>');
        return;
      }
      out.push('<value><struct>\n');
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        out.push(`<member>\n<name>${escapeXml(k)}</name>\n`);
        value(item, out);
        out.push('\n</member>\n');
      }
      out.push('</struct></value>');
      return;
    default:
      throw new MarshalError(`cannot marshal ${typeof v} objects`);
  }
}

/** A `<methodResponse>` with one value, formatted like Python's xmlrpc.client.dumps. */
export function serializeResponse(result: unknown): string {
  const out: string[] = ["<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"];
  value(result, out);
  out.push('\n</param>\n</params>\n</methodResponse>\n');
  return out.join('');
}

export function serializeFault(faultCode: number, faultString: string): string {
  const out: string[] = ["<?xml version='1.0'?>\n<methodResponse>\n<fault>\n"];
  value({ faultCode, faultString }, out);
  out.push('\n</fault>\n</methodResponse>\n');
  return out.join('');
}
