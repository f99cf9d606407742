export { OdooXmlRpcTransport, DEFAULT_TIMEOUT_MS, normalizeOdooUrl } from './xmlrpc-transport.js';
export { mapOdooFault, mapCallError, lastTracebackLine } from './errors.js';
export { sanitizeParams } from './sanitize.js';
export type { XmlRpcValue, OdooKwargs, OdooTransportOptions, OdooVersionInfo, OdooTransport, OdooProtocol } from './types.js';
