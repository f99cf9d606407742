import { ErpError, ValidationError } from '@cesce-connect/core';
import { mapCallError, protocolError, timeoutError, type CallContext } from './errors.js';
import type { OdooTransportOptions } from './types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

export const USER_AGENT = 'cesce-connect';

/** `options.timeoutMs`, or the default; refuses anything but a positive number. */
export function resolveTimeout(options: Pick<OdooTransportOptions, 'timeoutMs'>): number {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ValidationError('timeoutMs', `must be a positive number of milliseconds (got ${String(options.timeoutMs)})`);
  }
  return timeoutMs;
}

export interface JsonAnswer {
  status: number;
  /** The parsed JSON body. */
  json: unknown;
}

/** Maps a failure of `fetch` (timeout, refused connection, TLS, reset) to an `ErpError`. */
function fetchError(err: unknown, ctx: CallContext, timeoutMs: number): ErpError {
  if (err instanceof ErpError) return err;
  const e = err as { name?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (e?.name === 'TimeoutError') return timeoutError(ctx, timeoutMs);
  // undici reports "fetch failed" and puts the system error (ECONNREFUSED, cert problems) in `cause`.
  const cause = e?.cause;
  if (cause && typeof cause === 'object' && cause.message === 'bad port') {
    // The WHATWG fetch spec blocks some ports (1, 6000, ...): a plain refusal, not a protocol problem.
    return new ErpError('odoo', 'transport', `Cannot reach Odoo at ${ctx.endpoint}: Node's fetch refuses this port (a port blocked by the fetch standard) on ${ctx.label}`, {
      hint: 'Serve Odoo on another port, or force protocol: xmlrpc.',
    });
  }
  if (cause && typeof cause === 'object') {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    return mapCallError({ code, message: typeof cause.message === 'string' ? cause.message : String(err) }, { ...ctx, status: undefined });
  }
  return mapCallError(err, { ...ctx, status: undefined });
}

/**
 * One HTTP request whose answer must be JSON, on Node's `fetch`, with a timeout covering the
 * body. Redirects are not followed (an http → https redirect would turn a POST into a GET): a 3xx
 * answer, and any answer that is not JSON (a proxy's error page, Odoo's login page), is a
 * protocol error naming the URL. Any HTTP status with a JSON body is returned to the caller.
 */
export async function requestJson(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown },
  ctx: CallContext,
  timeoutMs: number,
): Promise<JsonAnswer> {
  let status: number | undefined;
  let text: string;
  let contentType: string;
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: {
        'User-Agent': USER_AGENT,
        Accept: 'application/json',
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    contentType = response.headers.get('content-type') ?? '';
    if (status >= 300 && status < 400) {
      void response.body?.cancel();
      throw protocolError({ ...ctx, status, redirect: response.headers.get('location') ?? '(no Location)' }, 'redirect not followed');
    }
    text = await response.text();
  } catch (err) {
    throw fetchError(err, status === undefined ? ctx : { ...ctx, status }, timeoutMs);
  }
  const looksJson = /json/i.test(contentType) || /^\s*[[{"\d-]|^\s*(true|false|null)\s*$/.test(text);
  if (looksJson) {
    try {
      return { status, json: JSON.parse(text) };
    } catch {
      // fall through: not JSON after all
    }
  }
  throw protocolError({ ...ctx, status }, status === 200 ? 'the answer is not JSON' : 'unexpected status', text);
}
