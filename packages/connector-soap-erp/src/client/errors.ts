/**
 * Turns what goes wrong in a SOAP call into core `ErpError`s. Faults are parsed here from the
 * raw answer (node-soap's own fault parsing loses SOAP 1.2 `Code`/`Reason`/`Detail`), HTML and
 * other non-SOAP answers name the endpoint and the page title, and every server text is scrubbed
 * of the connection's secrets.
 */
import { ErpError, redact } from '@cesce-connect/core';
import type { SoapAuth } from './types.js';

export const SYSTEM = 'soap-erp';

/** The secret values of an auth configuration (to scrub out of any text we show). */
export function secretsOf(auth: SoapAuth): string[] {
  switch (auth.type) {
    case 'basic':
      // A server may echo the Authorization header: its Base64 form is as secret as the password.
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    case 'wsse':
    case 'ntlm':
      return [auth.password];
    case 'bearer':
      return [auth.token];
    case 'certificate':
      return auth.passphrase ? [auth.passphrase] : [];
    default:
      return [];
  }
}

/** A URL without user info (`https://user:pass@host` → `https://host`). Non-URLs are returned as they are. */
export function safeUrl(location: string): string {
  try {
    const url = new URL(location);
    if (!url.username && !url.password) return location;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return location;
  }
}

export function scrub(text: string, secrets: readonly string[]): string {
  return redact(text, secrets) as string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Text content of XML (tags removed, CDATA kept, whitespace collapsed). */
function textOf(xml: string): string {
  const cdata = xml.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, t: string) => t.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  return decodeEntities(cdata.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** Inner XML of the first element with this local name (any prefix), or undefined. */
function element(xml: string, localName: string): string | undefined {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${localName}\\s*>)`);
  const m = re.exec(xml);
  return m ? (m[1] ?? '') : undefined;
}

export interface SoapFault {
  version: '1.1' | '1.2';
  /** Fault code as written (`soap:Client`, `wsse:FailedAuthentication`), 1.2 subcodes joined by `/`. */
  code: string;
  reason: string;
  detail?: string | undefined;
}

/** Parses a SOAP 1.1 or 1.2 fault out of a raw answer; undefined when the body holds none. */
export function parseFault(body: string): SoapFault | undefined {
  const fault = element(body, 'Fault');
  if (fault === undefined) return undefined;
  const faultcode = element(fault, 'faultcode');
  if (faultcode !== undefined) {
    const detail = element(fault, 'detail');
    return { version: '1.1', code: textOf(faultcode), reason: textOf(element(fault, 'faultstring') ?? ''), detail: detail ? textOf(detail) || undefined : undefined };
  }
  const codeXml = element(fault, 'Code');
  const codes: string[] = [];
  // Code/Value, Code/Subcode/Value, Code/Subcode/Subcode/Value ...
  for (const m of (codeXml ?? '').matchAll(/<(?:[\w.-]+:)?Value(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?Value\s*>/g)) codes.push(textOf(m[1] ?? ''));
  const reasonXml = element(fault, 'Reason');
  const texts = [...(reasonXml ?? '').matchAll(/<(?:[\w.-]+:)?Text(\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?Text\s*>/g)];
  // prefer an English or Spanish text when several languages are given
  const pick = texts.find((t) => /xml:lang="(en|es)/i.test(t[1] ?? '')) ?? texts[0];
  const detail = element(fault, 'Detail');
  return {
    version: '1.2',
    code: codes.filter(Boolean).join('/'),
    reason: pick ? textOf(pick[2] ?? '') : textOf(reasonXml ?? ''),
    detail: detail ? textOf(detail) || undefined : undefined,
  };
}

const AUTH_FAULT = /FailedAuthentication|InvalidSecurity|FailedCheck|SecurityTokenUnavailable|Unauthori[sz]ed|NotAuthenticated|AuthenticationFailed/i;

export function faultKind(code: string, status: number | undefined): ErpError['kind'] {
  if (AUTH_FAULT.test(code) || status === 401) return 'access-denied';
  if (status === 403 || /AccessDenied|Forbidden/i.test(code)) return 'access';
  if (/(^|[:/])(Client|Sender)\b/.test(code)) return 'validation';
  return 'server';
}

/** `<title>` of an HTML page, or its first text. */
function pageTitle(body: string): string {
  const title = element(body, 'title');
  const text = textOf(title ?? element(body, 'h1') ?? body);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export interface ErrorContext {
  operation: string;
  endpoint: string;
  secrets: readonly string[];
  timeoutMs: number;
}

const TRANSPORT_CODES = /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE|EPROTO|ERR_SOCKET.*|ERR_TLS.*|ERR_SSL.*|CERT_.*|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_.*|HOSTNAME_MISMATCH|ERR_BAD_RESPONSE)$/;

interface AxiosishError {
  code?: string;
  message?: string;
  body?: unknown;
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
  cause?: { code?: string };
}

function bodyText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return undefined;
}

/**
 * Classifies an error thrown by node-soap (axios errors, parse errors carrying `body` and
 * `response`) into an `ErpError` naming the operation and endpoint.
 */
/** What to change for the faults whose fix is known: the SOAP version, the WS-Security timestamp. */
function faultHint(code: string | undefined, reason: string, status: number | undefined): string | undefined {
  if (/VersionMismatch/i.test(code ?? '') || status === 415) {
    return "the server expects another SOAP version: set soapVersion to '1.2' (or '1.1') in the profile or the connection";
  }
  if (/timestamp/i.test(reason)) return 'the server refuses the WS-Security timestamp: set auth.timestamp to false';
  return undefined;
}

export function toErpError(error: unknown, ctx: ErrorContext): ErpError {
  if (error instanceof ErpError) return error;
  const e = (error ?? {}) as AxiosishError;
  const where = `${ctx.operation} on ${safeUrl(ctx.endpoint)}`;
  const s = (text: string): string => scrub(text, ctx.secrets);
  const code = e.code ?? e.cause?.code;

  // ERR_CANCELED: the call's deadline signal fired (a server dripping bytes never trips the idle timeout).
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || /timeout of \d+ms exceeded/.test(e.message ?? '')) {
    return new ErpError(SYSTEM, 'timeout', `${where}: no answer within ${ctx.timeoutMs} ms`, {
      hint: 'the ERP did not answer in time; check it is up, or raise timeoutMs for slow operations',
      cause: undefined,
    });
  }
  const status = e.response?.status;
  const body = bodyText(e.body) ?? bodyText(e.response?.data);
  if (status === undefined && body === undefined && code !== undefined && TRANSPORT_CODES.test(code)) {
    return new ErpError(SYSTEM, 'transport', `${where}: cannot connect (${code})`, {
      hint: /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO/.test(code) ? 'TLS problem: check the server certificate and caFile' : 'check the ERP address (baseUrl, endpoint) and that the server is reachable',
    });
  }
  if (body !== undefined && body.trim() !== '') {
    const fault = parseFault(body);
    if (fault) {
      const reason = s(fault.reason || '(no reason given)');
      return new ErpError(SYSTEM, faultKind(fault.code, status), `${where}: ${reason}${fault.code ? ` (${s(fault.code)})` : ''}`, {
        details: fault.detail ? s(fault.detail) : undefined,
        hint: faultHint(fault.code, reason, status),
      });
    }
    if (!/^\s*(<\?xml[\s\S]*?\?>\s*)?(<!--[\s\S]*?-->\s*)*<(?:[\w.-]+:)?Envelope[\s>]/.test(body)) {
      const isHtml = /<html[\s>]|<!doctype html/i.test(body);
      const kind: ErpError['kind'] = status === 401 ? 'access-denied' : status === 403 ? 'access' : 'protocol';
      const what = isHtml ? `an HTML page "${s(pageTitle(body))}"` : `a non-SOAP answer "${s(pageTitle(body))}"`;
      return new ErpError(SYSTEM, kind, `${where}: answered ${what}${status ? ` (HTTP ${status})` : ''} instead of SOAP`, {
        hint: 'check the endpoint URL (a proxy, login page or wrong path answers HTML), and the credentials',
        details: s(body.slice(0, 2000)),
      });
    }
  }
  if (status !== undefined && status >= 400) {
    const kind: ErpError['kind'] = status === 401 ? 'access-denied' : status === 403 ? 'access' : status >= 500 ? 'server' : 'protocol';
    return new ErpError(SYSTEM, kind, `${where}: HTTP ${status}`, {
      hint: status === 401 ? 'the ERP refused the credentials: check the user and password (or token) and the auth type' : status === 404 ? 'check the endpoint URL' : undefined,
    });
  }
  // node-soap rejects some unparsable answers (cut short, not XML) with a plain object.
  const said = typeof e.message === 'string' ? e.message : error instanceof Error ? String(error) : 'an answer that could not be parsed (cut short, or not XML)';
  return new ErpError(SYSTEM, 'protocol', `${where}: ${s(said).split('\n')[0]}`, {
    details: body ? s(body.slice(0, 2000)) : undefined,
  });
}

/** A WSDL that cannot be loaded: names the location (without credentials), never a secret. */
export function wsdlError(error: unknown, location: string, secrets: readonly string[], timeoutMs: number): ErpError {
  const e = (error ?? {}) as AxiosishError;
  const where = `loading the WSDL ${safeUrl(location.trimStart().startsWith('<') ? '(inline XML)' : location)}`;
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new ErpError(SYSTEM, 'timeout', `${where}: no answer within ${timeoutMs} ms`);
  }
  if (code === 'ENOENT') {
    return new ErpError(SYSTEM, 'protocol', `${where}: no such file`, { hint: 'a relative WSDL path is resolved against the profile file (or the current directory for cesce soap describe)' });
  }
  if (code !== undefined && TRANSPORT_CODES.test(code)) return new ErpError(SYSTEM, 'transport', `${where}: cannot connect (${code})`);
  const message = scrub(String(e.message ?? error), secrets);
  const status = /Code: (\d{3})/.exec(message)?.[1];
  if (status) {
    const n = Number(status);
    return new ErpError(SYSTEM, n === 401 ? 'access-denied' : n === 403 ? 'access' : 'protocol', `${where}: HTTP ${status}`, {
      hint:
        n === 401
          ? 'the WSDL is protected: give the credentials (the connection auth; for cesce soap describe: --username and --password-env)'
          : "check the WSDL URL (services publish it at their address with '?wsdl')",
    });
  }
  // node-soap fails on documents that are not WSDLs with its own internal errors (a TypeError on a
  // page, "Cannot set properties of null"…): say what was wrong instead.
  if (error instanceof TypeError || /definitions|Cannot (set|read) propert/i.test(message)) {
    return new ErpError(SYSTEM, 'protocol', `${where}: the answer is not a WSDL`, {
      hint: location.includes('?wsdl') || location.trimStart().startsWith('<') || !/^https?:/i.test(location) ? 'check that the file or URL is a WSDL' : "services publish their WSDL at their address with '?wsdl' appended",
    });
  }
  return new ErpError(SYSTEM, 'protocol', `${where}: ${(message.split('\n')[0] ?? message).replace(/(https?:\/\/)[^/@\s]*@/gi, '$1')}`);
}
