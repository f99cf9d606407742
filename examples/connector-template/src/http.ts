import { ErpError, redact } from '@cesce-connect/core';

export interface AcmeHttpOptions {
  /** Base URL of the Acme API, e.g. "https://acme.example.com" (paths are appended). */
  url: string;
  /** Bearer token. Sent only in the Authorization header; never in a URL, message or log. */
  token: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
}

export interface AcmeRequest {
  method: 'GET' | 'PATCH';
  /** Path under the base URL, e.g. "/api/invoices". */
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  /** Answer null instead of failing on HTTP 404 (a record that does not exist). */
  allowNotFound?: boolean | undefined;
}

export type AcmeHttp = <T>(request: AcmeRequest) => Promise<T | null>;

/** Which `ErpError` kind an HTTP status is. */
function kindOf(status: number): ErpError['kind'] {
  if (status === 401) return 'access-denied';
  if (status === 403 || status === 404) return 'access';
  if (status === 400 || status === 409 || status === 422) return 'validation';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  return 'protocol';
}

const HINTS: Partial<Record<ErpError['kind'], string>> = {
  'access-denied': 'Check the Acme API token (Settings → API tokens); it may have expired or been revoked.',
  access: 'Check that the API token has the scopes customers:read, invoices:read and, for write-back, customers:write and invoices:write.',
  server: 'Acme ERP failed on its side; try again later, and ask the ERP administrator if it persists.',
  timeout: 'Acme ERP did not answer in time: raise timeoutMs or lower pageSize.',
  transport: 'Check the URL, the network path and the TLS certificate of the Acme server.',
};

/**
 * A small JSON-over-HTTP client on Node's global `fetch`, with a timeout per request. Every
 * failure is an `ErpError('acme', kind, ...)` naming the method and URL; the token is never in
 * it (it travels in a header, and the ERP's answer is redacted before it is kept as details).
 */
export function createAcmeHttp(options: AcmeHttpOptions): { base: string; request: AcmeHttp } {
  const base = options.url.replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new ErpError('acme', 'validation', `'${base}' is not a URL (expected e.g. https://acme.example.com)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ErpError('acme', 'validation', `Acme URL ${base} must be http:// or https://`);
  if (parsed.username || parsed.password) throw new ErpError('acme', 'validation', 'The Acme URL must not carry credentials; give the token in the `token` option');

  async function request<T>(req: AcmeRequest): Promise<T | null> {
    const url = new URL(base + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const where = `${req.method} ${url.href}`;
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      body = await response.text();
    } catch (err) {
      const name = (err as { name?: string } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ErpError('acme', 'timeout', `Acme ERP did not answer ${where} within ${options.timeoutMs} ms`, { hint: HINTS.timeout, cause: err });
      }
      const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
      const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
      throw new ErpError('acme', 'transport', `Cannot reach Acme ERP for ${where}: ${reason}`, { hint: HINTS.transport, cause: err });
    }
    if (response.status === 404 && req.allowNotFound) return null;
    const details = body ? String(redact(body, [options.token])).slice(0, 2000) : undefined;
    if (!response.ok) {
      const kind = kindOf(response.status);
      let said = '';
      try {
        const parsedBody = JSON.parse(body) as { message?: unknown; error?: unknown };
        const m = typeof parsedBody.message === 'string' ? parsedBody.message : typeof parsedBody.error === 'string' ? parsedBody.error : '';
        if (m) said = `: ${String(redact(m, [options.token]))}`;
      } catch {
        // not JSON: the body is kept in details only
      }
      throw new ErpError('acme', kind, `Acme ERP answered ${where} with HTTP ${response.status}${said}`, { hint: HINTS[kind], details });
    }
    try {
      return JSON.parse(body) as T;
    } catch (err) {
      throw new ErpError('acme', 'protocol', `Acme ERP answered ${where} with a body that is not JSON`, { details, cause: err });
    }
  }

  return { base, request };
}
