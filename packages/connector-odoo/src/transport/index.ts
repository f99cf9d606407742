export { OdooXmlRpcTransport, DEFAULT_TIMEOUT_MS, normalizeOdooUrl } from './xmlrpc-transport.js';
export { OdooJsonRpcTransport } from './jsonrpc-transport.js';
export { OdooJson2Transport, JSON2_SIGNATURES, namedArguments } from './json2-transport.js';
export { connectOdooTransport, createOdooTransport, MIN_ODOO_MAJOR, JSON2_MIN_MAJOR } from './detect.js';
export type { ConnectOdooTransportOptions } from './detect.js';
export { mapOdooFault, mapOdooException, mapCallError, lastTracebackLine } from './errors.js';
export type { OdooJsonException } from './errors.js';
export { sanitizeParams } from './sanitize.js';
export type { XmlRpcValue, OdooKwargs, OdooTransportOptions, OdooVersionInfo, OdooTransport, OdooProtocol } from './types.js';
