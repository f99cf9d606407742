import { ErpError } from '@cesce-connect/core';
import { OdooJson2Transport } from './json2-transport.js';
import { OdooJsonRpcTransport } from './jsonrpc-transport.js';
import type { OdooProtocol, OdooTransport, OdooTransportOptions, OdooVersionInfo } from './types.js';
import { OdooXmlRpcTransport } from './xmlrpc-transport.js';

/** The oldest Odoo the connector supports (API keys, the fields it reads). */
export const MIN_ODOO_MAJOR = 14;
/** JSON-2 (`/json/2/<model>/<method>`) exists since Odoo 19. */
export const JSON2_MIN_MAJOR = 19;

export interface ConnectOdooTransportOptions extends OdooTransportOptions {
  /** `auto` (default): JSON-2 on Odoo 19+, JSON-RPC on 14–18, XML-RPC when only `/xmlrpc` gets through. */
  protocol?: 'auto' | OdooProtocol | undefined;
}

export function createOdooTransport(protocol: OdooProtocol, options: OdooTransportOptions): OdooTransport {
  switch (protocol) {
    case 'xmlrpc':
      return new OdooXmlRpcTransport(options);
    case 'jsonrpc':
      return new OdooJsonRpcTransport(options);
    case 'json2':
      return new OdooJson2Transport(options);
  }
}

function checkSupported(transport: OdooTransport, version: OdooVersionInfo): void {
  if (version.major !== null && version.major < MIN_ODOO_MAJOR) {
    transport.close();
    throw new ErpError('odoo', 'protocol', `Odoo ${MIN_ODOO_MAJOR} or later is required; this server is ${version.serverVersion} (${transport.url})`, {
      hint: 'Upgrade the Odoo database, or use an integration for older versions.',
    });
  }
  if (transport.protocol === 'json2' && (version.major === null || version.major < JSON2_MIN_MAJOR)) {
    transport.close();
    throw new ErpError(
      'odoo',
      'protocol',
      `JSON-2 needs Odoo ${JSON2_MIN_MAJOR} or later; this server is ${version.serverVersion || 'of an unknown version'} (${transport.url})`,
      { hint: "Use protocol 'jsonrpc' or 'xmlrpc' (or 'auto') for Odoo 14 to 18." },
    );
  }
}

/** Reads the version through `transport`; closes it when that fails. */
async function versionOf(transport: OdooTransport): Promise<OdooVersionInfo> {
  try {
    return await transport.version();
  } catch (err) {
    transport.close();
    throw err;
  }
}

function isProtocolError(err: unknown): boolean {
  return err instanceof ErpError && err.kind === 'protocol';
}

/**
 * Picks the wire protocol of an Odoo server and reads its version (no credentials needed; call
 * `authenticate()` next). `auto`: `GET /web/version` answering JSON with a major ≥ 19 → JSON-2;
 * otherwise `common.version` over `/jsonrpc` → JSON-RPC; when `/jsonrpc` does not answer JSON
 * (a proxy letting only XML-RPC through) → XML-RPC. A forced protocol is used as is, and the
 * version is still read: JSON-2 on Odoo < 19, or any Odoo < 14, is a clear error.
 * Network failures and timeouts are not protocol problems and are thrown at once.
 */
export async function connectOdooTransport(options: ConnectOdooTransportOptions): Promise<{ transport: OdooTransport; version: OdooVersionInfo }> {
  const { protocol = 'auto', ...transportOptions } = options;
  if (protocol !== 'auto') {
    const transport = createOdooTransport(protocol, transportOptions);
    let version: OdooVersionInfo;
    try {
      version = await versionOf(transport);
    } catch (err) {
      if (protocol === 'json2' && isProtocolError(err)) {
        // Say which Odoo this is when it speaks JSON-RPC: "JSON-2 needs Odoo 19 or later; this server is 17.0".
        const legacy = await new OdooJsonRpcTransport(transportOptions).version().catch(() => null);
        if (legacy) checkSupported(transport, legacy);
      }
      throw err;
    }
    checkSupported(transport, version);
    return { transport, version };
  }

  const json2 = new OdooJson2Transport(transportOptions);
  try {
    const version = await json2.version();
    if (version.major !== null && version.major >= JSON2_MIN_MAJOR) return { transport: json2, version };
  } catch (err) {
    // Odoo up to 18 answers /web/version with the web client's HTML page, or 404.
    if (!isProtocolError(err)) throw err;
  }
  json2.close();

  const jsonrpc = new OdooJsonRpcTransport(transportOptions);
  let version: OdooVersionInfo;
  let transport: OdooTransport = jsonrpc;
  try {
    version = await versionOf(jsonrpc);
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    transport = new OdooXmlRpcTransport(transportOptions);
    version = await versionOf(transport);
  }
  checkSupported(transport, version);
  return { transport, version };
}
