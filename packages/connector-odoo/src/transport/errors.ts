import { ErpError, redact } from '@cesce-connect/core';

/** What an error message may say about the call that failed (never the password). */
export interface CallContext {
  /** Endpoint URL without credentials, e.g. `https://erp.example.com/xmlrpc/2/object`. */
  endpoint: string;
  /** e.g. `res.partner.search_read` or `common.authenticate`. */
  label: string;
  username: string;
  database: string;
  /** Secrets to scrub from any text copied from the server. */
  secrets: readonly string[];
  /** HTTP status of the answer, when one arrived. */
  status?: number | undefined;
  /** `Location` of a 3xx answer (e.g. http → https), which XML-RPC clients do not follow. */
  redirect?: string | undefined;
  /** The wire protocol named in protocol errors: "XML-RPC" (default), "JSON-RPC", "JSON-2". */
  protocolName?: string | undefined;
}

const PROTOCOL_HINT = 'is the URL right (http vs https, proxy page)?';

function scrub(text: string, ctx: CallContext): string {
  return redact(text, ctx.secrets) as string;
}

/** The last non-empty line of a Python traceback, e.g. "ValueError: Invalid field 'foo' ...". */
export function lastTracebackLine(traceback: string): string {
  const lines = traceback.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? traceback;
}

/**
 * Maps an XML-RPC fault of `/xmlrpc/2` to an `ErpError` (reference §1.1):
 * 1 → server (message = last traceback line, details = the traceback), 2 → validation,
 * 3 → access-denied, 4 → access. Legacy string codes are parsed when numeric.
 */
export function mapOdooFault(faultCode: unknown, faultString: unknown, ctx: CallContext): ErpError {
  const code = typeof faultCode === 'number' ? faultCode : Number.parseInt(String(faultCode), 10);
  const text = scrub(typeof faultString === 'string' ? faultString : String(faultString ?? ''), ctx);
  if (code === 1) {
    const noDatabase = missingDatabase(text, ctx);
    if (noDatabase) return noDatabase;
  }
  switch (code) {
    case 3:
      return new ErpError(
        'odoo',
        'access-denied',
        `Odoo refused the credentials of user ${ctx.username} on database ${ctx.database} at ${ctx.endpoint} (${ctx.label}: ${text || 'Access Denied'})`,
        { hint: 'Check the login and the password or API key; API keys can be revoked or expire.' },
      );
    case 4:
      return new ErpError('odoo', 'access', `Odoo refused ${ctx.label} for user ${ctx.username}: ${text}`, {
        hint: "Give the Odoo user the access rights (groups, companies) the connector needs.",
      });
    case 2:
      return new ErpError('odoo', 'validation', text || `Odoo rejected ${ctx.label}`);
    case 1:
      return new ErpError('odoo', 'server', lastTracebackLine(text) || `Odoo failed on ${ctx.label}`, {
        details: text,
      });
    default:
      return new ErpError('odoo', 'server', `Odoo fault ${String(faultCode)} on ${ctx.label}: ${lastTracebackLine(text)}`, {
        details: text,
      });
  }
}

function htmlTitle(body: unknown): string | null {
  if (typeof body !== 'string') return null;
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(body);
  return m?.[1]?.trim() || null;
}

export function protocolError(ctx: CallContext, detail: string, body?: unknown): ErpError {
  const title = htmlTitle(body);
  const status = ctx.status === undefined ? '' : `HTTP ${ctx.status}, ${ctx.redirect ? `redirected to ${scrub(ctx.redirect, ctx)}, ` : ''}`;
  const page = title ? `, got a page titled '${scrub(title, ctx)}'` : '';
  // The XML-RPC parser's complaint about an HTML page ("Unknown XML-RPC tag 'TITLE'") says nothing the title does not.
  const said = title && /Unknown XML-RPC tag/i.test(detail) ? 'an HTML page' : scrub(detail, ctx);
  return new ErpError(
    'odoo',
    'protocol',
    `Odoo at ${ctx.endpoint} did not answer ${ctx.protocolName ?? 'XML-RPC'} (${status}${said}${page}) on ${ctx.label}; ${PROTOCOL_HINT}`,
    { hint: 'Use the base URL of the Odoo server, e.g. https://erp.example.com, with the right scheme.' },
  );
}

export function timeoutError(ctx: CallContext, timeoutMs: number): ErpError {
  return new ErpError(
    'odoo',
    'timeout',
    `Odoo at ${ctx.endpoint} did not answer ${ctx.label} within ${timeoutMs / 1000} s`,
    { hint: 'The server may be overloaded or a proxy may hold the request; retry, or raise timeoutMs / lower pageSize.' },
  );
}

/** `common.authenticate` answered `false`, or JSON-2 found no user for the API key. */
export function loginRefused(ctx: Pick<CallContext, 'username' | 'database'> & { url: string }, hint?: string): ErpError {
  return new ErpError('odoo', 'access-denied', `Odoo login failed for user ${ctx.username} on database ${ctx.database} at ${ctx.url}`, {
    hint: hint ?? 'Check the database name, the login and the password or API key (users with 2FA need an API key).',
  });
}

/** An Odoo exception serialised as JSON (`serialize_exception`): JSON-RPC's `error.data`, JSON-2's error body. */
export interface OdooJsonException {
  /** e.g. "odoo.exceptions.AccessError", "builtins.ValueError", "werkzeug.exceptions.NotFound". */
  name?: unknown;
  message?: unknown;
  /** The Python traceback. */
  debug?: unknown;
  arguments?: unknown;
  context?: unknown;
}

const VALIDATION_EXCEPTIONS = new Set(['UserError', 'ValidationError', 'MissingError', 'RedirectWarning']);

/**
 * Maps an Odoo exception of JSON-RPC or JSON-2 by its class name, like `mapOdooFault` does by
 * fault code: AccessDenied → access-denied, AccessError → access, the UserError family →
 * validation, anything else → server (message = last traceback line, details = the traceback).
 */
/**
 * Odoo's answers for a database that does not exist: a PostgreSQL connection error inside fault 1
 * (XML-RPC, JSON-RPC), or werkzeug's 404 "Database '…' not found or not allowed by dbfilter" (JSON-2).
 */
function missingDatabase(text: string, ctx: CallContext): ErpError | null {
  if (!/database "[^"]*" does not exist|Database '[^']*' not found/i.test(text)) return null;
  return new ErpError('odoo', 'validation', `Odoo at ${ctx.endpoint} has no database '${ctx.database}' (or its dbfilter hides it) on ${ctx.label}`, {
    hint: 'Check odoo.database in the config: the database name as shown on the Odoo database manager (/web/database/selector).',
    details: text,
  });
}

export function mapOdooException(exception: OdooJsonException, ctx: CallContext): ErpError {
  const name = typeof exception.name === 'string' ? exception.name : '';
  const className = name.split('.').pop() ?? '';
  const message = typeof exception.message === 'string' ? exception.message : '';
  const debug = typeof exception.debug === 'string' ? exception.debug : '';
  const noDatabase = missingDatabase(scrub(`${message}\n${debug}`, ctx), ctx);
  if (noDatabase) return noDatabase;
  if (name.startsWith('odoo.')) {
    if (className === 'AccessDenied') return mapOdooFault(3, message, ctx);
    if (className === 'AccessError') return mapOdooFault(4, message, ctx);
    if (VALIDATION_EXCEPTIONS.has(className)) return mapOdooFault(2, message, ctx);
  }
  const text = scrub(debug.trim() ? lastTracebackLine(debug) : `${className || 'Exception'}: ${message}`, ctx);
  return new ErpError('odoo', 'server', text || `Odoo failed on ${ctx.label}`, { details: debug.trim() ? scrub(debug, ctx) : undefined });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  // undici (Node's fetch)
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Classifies any error the `xmlrpc` / `odoo-xmlrpc` stack reports: faults, HTML or other
 * non-XML-RPC answers (the parser's "Unknown XML-RPC tag 'TITLE'", "Not Found" for 404),
 * network failures and TLS problems.
 */
export function mapCallError(err: unknown, ctx: CallContext): ErpError {
  if (err instanceof ErpError) return err;
  const e = (err ?? {}) as { faultCode?: unknown; faultString?: unknown; code?: unknown; message?: unknown; body?: unknown };
  if (e.faultCode !== undefined) return mapOdooFault(e.faultCode, e.faultString, ctx);
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (ctx.status !== undefined && ctx.status !== 200) return protocolError(ctx, message, e.body);
  if (code && (NETWORK_CODES.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))) {
    const tls = code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT');
    // OpenSSL messages run over several lines of internals: the first line says it.
    const firstLine = scrub(message, ctx).split('\n')[0]!.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '').trim();
    return new ErpError('odoo', 'transport', `Cannot reach Odoo at ${ctx.endpoint} (${code}: ${firstLine}) on ${ctx.label}`, {
      hint: tls
        ? 'TLS failed: is the URL right about http vs https? For a certificate your system does not trust, install its CA (NODE_EXTRA_CA_CERTS).'
        : 'Check the URL, the port, the network/VPN and that the Odoo server is running.',
      cause: Object.assign(new Error(scrub(message, ctx)), { code }),
    });
  }
  // Anything else came from parsing the answer: it was not a well-formed XML-RPC response.
  return protocolError(ctx, message, e.body);
}
