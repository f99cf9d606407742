import { protocolError, type CallContext } from './errors.js';
import type { OdooVersionInfo } from './types.js';

/** The major version of "17.0", "saas~17.2", "19.0+e". */
export function majorOf(serverVersion: string): number | null {
  const m = /^(?:saas~)?(\d+)/.exec(serverVersion);
  return m ? Number(m[1]) : null;
}

/** Reads the struct of `common.version()` (XML-RPC, JSON-RPC). */
export function parseCommonVersion(raw: unknown, ctx: CallContext): OdooVersionInfo {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw protocolError(ctx, 'version() did not return a struct');
  const r = raw as Record<string, unknown>;
  const info = Array.isArray(r.server_version_info) ? (r.server_version_info as (string | number)[]) : [];
  const serverVersion = typeof r.server_version === 'string' ? r.server_version : String(info[0] ?? '');
  return {
    serverVersion,
    serverVersionInfo: info,
    serverSerie: typeof r.server_serie === 'string' ? r.server_serie : serverVersion,
    protocolVersion: typeof r.protocol_version === 'number' ? r.protocol_version : 1,
    major: typeof info[0] === 'number' ? info[0] : majorOf(serverVersion),
  };
}

/** Reads the answer of `GET /web/version` (Odoo 19+): `{version_info: [19, 0, 0, "final", 0, ""], version: "19.0"}`. */
export function parseWebVersion(raw: unknown, ctx: CallContext): OdooVersionInfo {
  const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  if (!Array.isArray(r.version_info) || typeof r.version !== 'string') {
    throw protocolError(ctx, '/web/version did not return {version_info, version}');
  }
  const info = r.version_info as (string | number)[];
  const major = typeof info[0] === 'number' ? info[0] : majorOf(r.version);
  return {
    serverVersion: r.version,
    serverVersionInfo: info,
    serverSerie: typeof info[0] === 'number' && typeof info[1] === 'number' ? `${info[0]}.${info[1]}` : r.version,
    protocolVersion: 1,
    major,
  };
}
