import type http from 'node:http';
import type { OdooUser } from './dataset.js';
import type { OdooDispatcher } from './dispatch.js';
import { asOdooFault, pythonTraceback, type OdooFault } from './faults.js';
import { XmlRpcDouble } from './orm.js';

/**
 * The JSON half of the emulator's HTTP layer:
 * - `POST /jsonrpc` (every version): JSON-RPC 2.0 over the `common` and `object` services, errors
 *   with HTTP 200 in Odoo's `serialize_exception` shape;
 * - `GET /web/version` and `POST /json/2/<model>/<method>` (Odoo 19+ only): JSON-2 with bearer API
 *   keys, errors as HTTP status + JSON body.
 * Odoo 19 deprecates `/xmlrpc` and `/jsonrpc` but still serves them (it only logs a warning on the
 * server), so the emulator serves all three protocols on 19.
 */

/** JSON of a result: the ORM's XML-RPC doubles become plain numbers; JSON carries null and big integers. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof XmlRpcDouble ? v.value : v)) ?? 'null';
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** `odoo.http.serialize_exception`. */
export function serializeException(fault: OdooFault): Record<string, unknown> {
  const message = fault.exceptionMessage;
  return { name: fault.exceptionName, debug: fault.debug, message, arguments: [message], context: {} };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function badRequestHtml(res: http.ServerResponse, detail: string): void {
  const body = `<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>${detail}</p>\n`;
  res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(body);
}

/** `POST /jsonrpc`: `{"jsonrpc":"2.0","method":"call","params":{"service","method","args"},"id"}`. */
export async function serveJsonRpc(req: http.IncomingMessage, res: http.ServerResponse, dispatcher: OdooDispatcher): Promise<void> {
  let request: { id?: unknown; params?: { service?: unknown; method?: unknown; args?: unknown } };
  try {
    request = JSON.parse(await readBody(req)) as typeof request;
    if (!request || typeof request !== 'object') throw new Error('not an object');
  } catch {
    badRequestHtml(res, 'Invalid JSON data');
    return;
  }
  const id = request.id ?? null;
  try {
    const { service, method, args } = request.params ?? {};
    const params = Array.isArray(args) ? args : [];
    let result: unknown;
    if (service === 'common') result = dispatcher.common(String(method), params, 'jsonrpc');
    else if (service === 'object') result = dispatcher.object(String(method), params, 'jsonrpc');
    else throw new Error(`service ${JSON.stringify(service)} not found`);
    send(res, 200, toJson({ jsonrpc: '2.0', id, result: result ?? null }));
  } catch (err) {
    const error = { code: 200, message: 'Odoo Server Error', data: serializeException(asOdooFault(err)) };
    send(res, 200, toJson({ jsonrpc: '2.0', id, error }));
  }
}

/** `GET /web/version` of Odoo 19+: `{"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}`. */
export function serveWebVersion(res: http.ServerResponse, dispatcher: OdooDispatcher): void {
  const info = dispatcher.common('version', [], 'json2') as { server_version: string; server_version_info: unknown[] };
  send(res, 200, toJson({ version_info: info.server_version_info, version: info.server_version }));
}

/** The HTTP status of a JSON-2 error, by exception class. */
function json2Status(fault: OdooFault): number {
  switch (fault.exceptionName.split('.').pop()) {
    case 'AccessDenied':
      return 401;
    case 'AccessError':
      return 403;
    case 'MissingError':
      return 404;
    case 'UserError':
    case 'ValidationError':
    case 'RedirectWarning':
      return 422;
    default:
      return 500;
  }
}

/** A werkzeug HTTP exception as JSON-2 answers it. */
function werkzeugError(res: http.ServerResponse, status: number, name: string, message: string): void {
  const debug = pythonTraceback(`werkzeug.exceptions.${name}: ${status} ${name}: ${message}`);
  send(res, status, toJson({ name: `werkzeug.exceptions.${name}`, message, arguments: [message, status], context: {}, debug }));
}

/** `POST /json/2/<model>/<method>` (Odoo 19+): named arguments, `Authorization: bearer <api key>`. */
export async function serveJson2(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  dispatcher: OdooDispatcher,
  model: string,
  method: string,
): Promise<void> {
  if (req.method !== 'POST') {
    werkzeugError(res, 405, 'MethodNotAllowed', 'The method is not allowed for the requested URL.');
    return;
  }
  const database = req.headers['x-odoo-database'];
  if (database !== undefined && database !== dispatcher.dataset.database) {
    werkzeugError(res, 404, 'NotFound', `Database '${String(database)}' not found or not allowed by dbfilter.`);
    return;
  }
  // API keys only: JSON-2 does not accept passwords.
  const key = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const user: OdooUser | undefined = key ? dispatcher.users.find((u) => u.active !== false && (u.apiKeys ?? []).includes(key)) : undefined;
  if (!user) {
    werkzeugError(res, 401, 'Unauthorized', 'Invalid apikey');
    return;
  }
  let body: unknown;
  try {
    const text = await readBody(req);
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    werkzeugError(res, 400, 'BadRequest', 'Invalid JSON data');
    return;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    werkzeugError(res, 400, 'BadRequest', 'The body must be a JSON object of named arguments');
    return;
  }
  try {
    let result: unknown;
    if (model === 'res.users' && method === 'context_get') {
      // The call JSON-2 clients use to learn their uid (there is no login step).
      dispatcher.calls.push({ service: 'object', method, model, args: [], kwargs: structuredClone(body as Record<string, unknown>), protocol: 'json2' });
      result = { lang: 'en_US', tz: 'Europe/Madrid', uid: user.id };
    } else {
      result = dispatcher.named(user, model, method, body as Record<string, unknown>);
    }
    send(res, 200, toJson(result ?? null));
  } catch (err) {
    const fault = asOdooFault(err);
    send(res, json2Status(fault), toJson(serializeException(fault)));
  }
}
