import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import type { z } from 'zod';
import type { TokenProvider } from '../auth/token-provider.js';
import type { OperationId } from '../domains/common.js';
import { apiUrl, type ApiName, type Environment } from '../environments.js';
import { CesceApiError, CesceConnectError, CesceResponseError, NetworkError, redact, type ResponseProblem } from '../errors.js';
import { matchKnowledgeBase } from '../knowledge-base/matcher.js';
import { exchangeRecording, reportExchange } from './exchanges.js';
import type { RateLimiter } from './rate-limit.js';
import { describeTlsFailure } from './tls.js';
import { parseRetryAfter, rememberRetryAfter, retryAfterOf, retryDelayMs, retryPolicy, RETRYABLE_STATUSES, sleep, type RetryPolicy } from './retry.js';

export interface CesceHttpOptions {
  environment: Environment;
  tokens: TokenProvider;
  contractNo: string;
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /** Largest response body read, in bytes (default 5 MB); a larger one fails with `too-large`. */
  maxBodyBytes?: number | undefined;
  /** Secret values (client secret, password) never kept in an exchange record, wherever they appear. */
  secrets?: readonly string[] | undefined;
  /** Waited on before every API call (not token requests): the credential's rate limit. */
  rateLimiter?: RateLimiter | undefined;
}

export interface RequestSpec<S extends z.ZodType> {
  operation: OperationId;
  method: 'get' | 'post';
  api: ApiName;
  /** Path below `/contracts/{contractNo}/`, e.g. "sales". */
  path: string;
  searchParams?: Record<string, string | number | undefined> | undefined;
  json?: unknown;
  schema: S;
}

interface ErrorFields {
  code: string | undefined;
  message: string;
}

/** Cesce's fields as text: a string as is, anything else (an object, a number) as JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** Pulls Cesce's code and message from any of the known error body shapes. */
export function readErrorBody(body: unknown, fallback: string): ErrorFields {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (b.error && typeof b.error === 'object') {
      const e = b.error as Record<string, unknown>;
      const code = e.errorCode === undefined || e.errorCode === null ? undefined : asText(e.errorCode);
      return { code, message: asText(e.errorDescription) || fallback };
    }
    if (typeof b.error === 'string' && b.error) return { code: b.error, message: asText(b.error_description) || b.error };
    if (b.httpCode !== undefined && b.httpCode !== null) {
      return { code: asText(b.httpCode), message: asText(b.moreInformation) || asText(b.httpMessage) || fallback };
    }
  }
  return { code: undefined, message: fallback };
}

/** 5 MB: far above any Cesce answer (a sales page of 500 items is well under 1 MB). */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

export type BodyReading =
  | { ok: true; text: string; bytes: number }
  | { ok: false; problem: Extract<ResponseProblem, 'too-large' | 'interrupted' | 'timeout'>; detail: string; bytes: number; cause?: unknown };

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KB`;
  return `${n} bytes`;
}

/** "terminated: other side closed (UND_ERR_SOCKET)" from undici's nested errors. */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 3; depth++) {
    const { message, code } = e as { message?: unknown; code?: unknown };
    if (typeof message === 'string' && message && !parts.includes(message)) parts.push(message);
    if (typeof code === 'string' && code) parts.push(`(${code})`);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ').replace(/: \(/g, ' (') || String(error);
}

class BodyStalled extends Error {}

/**
 * Reads a response body as UTF-8 text without ever rejecting: stops at `maxBytes` (checking
 * Content-Length first), at a broken connection, or after `timeoutMs` without data, and says which.
 */
export async function readBodyText(response: Response, options: { maxBytes?: number | undefined; timeoutMs?: number | undefined } = {}): Promise<BodyReading> {
  const max = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const body = response.body;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    body?.cancel().catch(() => {});
    return { ok: false, problem: 'too-large', detail: `a body of ${formatBytes(declared)} (Content-Length), over the ${formatBytes(max)} limit`, bytes: 0 };
  }
  if (!body) return { ok: true, text: '', bytes: 0 };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const release = () => {
    reader.cancel().catch(() => {});
  };
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const step = options.timeoutMs
        ? Promise.race([
            reader.read(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new BodyStalled()), options.timeoutMs);
            }),
          ])
        : reader.read();
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await step;
      } finally {
        if (timer) clearTimeout(timer);
      }
      if (chunk.done) break;
      bytes += chunk.value.byteLength;
      if (bytes > max) {
        release();
        return { ok: false, problem: 'too-large', detail: `a body over the ${formatBytes(max)} limit (reading stopped after ${formatBytes(bytes)})`, bytes };
      }
      chunks.push(chunk.value);
    }
  } catch (error) {
    release();
    const name = (error as { name?: unknown } | null)?.name;
    if (error instanceof BodyStalled || name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, problem: 'timeout', detail: `a body that stalled after ${formatBytes(bytes)} (no data for ${options.timeoutMs ?? '?'} ms)`, bytes, cause: error };
    }
    return { ok: false, problem: 'interrupted', detail: `a body cut off after ${formatBytes(bytes)}: the connection broke (${describeCause(error)})`, bytes, cause: error };
  }
  return { ok: true, text: new TextDecoder('utf-8').decode(Buffer.concat(chunks)), bytes };
}

export type InterpretedBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'bad'; problem: Extract<ResponseProblem, 'html' | 'truncated' | 'not-json'>; detail: string };

function quote(text: string, max = 80): string {
  const flat = String(redact(text.replace(/\s+/g, ' ').trim()));
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

/**
 * Parses a body read as text. `quoteText: false` (the token endpoint) keeps the body out of the
 * description, apart from an HTML page's title.
 */
export function interpretBody(text: string, contentType: string | null, options: { quoteText?: boolean } = {}): InterpretedBody {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(trimmed) };
  } catch (error) {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const lie = type.includes('json') ? `, although its content-type says ${type}` : '';
    if (/^<\?xml/i.test(trimmed) && !/<html/i.test(trimmed)) {
      // e.g. a SOAP fault or a gateway's XML error.
      return { kind: 'bad', problem: 'not-json', detail: `an XML document instead of JSON${lie}` };
    }
    if (/^<(!doctype\s+html|html|head|body|title|h1)/i.test(trimmed) || type.includes('html')) {
      const title = /<title[^>]*>([^<]*)</i.exec(trimmed)?.[1] ?? /<h1[^>]*>([^<]*)</i.exec(trimmed)?.[1];
      return { kind: 'bad', problem: 'html', detail: `an HTML page instead of JSON${lie}${title?.trim() ? ` (${quote(title)})` : ''}` };
    }
    const message = error instanceof Error ? error.message : String(error);
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? Number.NaN);
    if (/^[[{]/.test(trimmed) && (/end of (JSON )?(input|data)|unterminated/i.test(message) || position >= trimmed.length)) {
      return { kind: 'bad', problem: 'truncated', detail: `truncated JSON (the body ends mid-value after ${trimmed.length} characters)` };
    }
    // JSON.parse's message quotes the body: keep it out, it may hold a secret at the token endpoint.
    const where = Number.isFinite(position) ? ` (invalid at character ${position})` : '';
    const sample = options.quoteText === false ? '' : `: ${quote(trimmed)}`;
    return { kind: 'bad', problem: 'not-json', detail: `a body that is not JSON${lie}${where}${sample}` };
  }
}

/** "an array", "a string", "null": what a non-object JSON body is. */
export function describeJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${value.length} items)`;
  return `a ${typeof value}`;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An error answer (4xx/5xx) whose body was read once, for the audit trail and the error. */
class ErrorAnswer extends Error {
  constructor(
    readonly response: Response,
    readonly read: BodyReading,
  ) {
    super(`HTTP ${response.status}`);
  }
}

/** Errors raised while getting a token inside an API call: never retried as the call itself. */
const tokenFailures = new WeakSet<object>();

/**
 * The one HTTP layer for Cesce: bearer token from the provider, one transparent retry after a 401
 * (expired or revoked token: the gateway refused the call, nothing was processed), the retry policy
 * for reads (GETs; see `RetryPolicy`), timeouts, error mapping to `CesceApiError` with its
 * knowledge-base entry, zod validation of every success body, and each exchange reported to the
 * active recorder (`recordExchanges`), redacted.
 */
export class CesceHttp {
  private readonly ky: KyInstance;
  /** Requests sent to the API (not counting token requests), for reports and benchmarks. */
  requests = 0;

  readonly retry: RetryPolicy;

  constructor(private readonly options: CesceHttpOptions) {
    this.retry = retryPolicy(options.retry);
    this.ky = ky.create({
      timeout: options.timeoutMs ?? 30_000,
      fetch: options.fetch,
      headers: { accept: 'application/json' },
      // Retries are this class's (reads) and the sync engine's (creates), under one RetryPolicy.
      retry: 0,
      hooks: {
        beforeRequest: [
          () => {
            this.requests += 1;
          },
        ],
      },
    });
  }

  get contractNo(): string {
    return this.options.contractNo;
  }

  /**
   * Sends one request. GETs are retried under the policy on network errors, timeouts, 408, 429
   * (after its Retry-After), 5xx and bodies cut off; POSTs never are here: a create may have taken
   * effect, so its caller checks at Cesce first (see the sync engine).
   */
  async request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.infer<S>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.requestOnce(spec);
      } catch (error) {
        if (spec.method !== 'get' || attempt >= this.retry.limit || !retryableRead(error)) throw error;
        const wait = retryDelayMs(this.retry, attempt + 1, retryAfterOf(error));
        if (wait === null) throw error;
        await sleep(wait);
      }
    }
  }

  private async requestOnce<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.infer<S>> {
    const url = apiUrl(this.options.environment, spec.api, `contracts/${encodeURIComponent(this.options.contractNo)}/${spec.path}`);
    const token = await this.token();
    try {
      return await this.send(spec, url, token);
    } catch (error) {
      if (error instanceof ErrorAnswer && error.response.status === 401) {
        // The token may have expired or been revoked early: the gateway refused the call without
        // processing it, so sending it again with a fresh token cannot duplicate anything.
        this.options.tokens.invalidate(token);
        const fresh = await this.token();
        try {
          return await this.send(spec, url, fresh);
        } catch (second) {
          throw await this.mapError(second, spec, url);
        }
      }
      throw await this.mapError(error, spec, url);
    }
  }

  private async token(): Promise<string> {
    try {
      return (await this.options.tokens.getToken()).value;
    } catch (error) {
      if (error && typeof error === 'object') tokenFailures.add(error);
      throw error;
    }
  }

  private async send<S extends z.ZodType>(spec: RequestSpec<S>, url: string, token: string): Promise<z.infer<S>> {
    const searchParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.searchParams ?? {})) if (v !== undefined && v !== '') searchParams[k] = String(v);
    await this.options.rateLimiter?.acquire();
    const recording = exchangeRecording();
    const at = new Date();
    const started = performance.now();
    const record = (status: number | null, body: string | null, problem: string | null) => {
      if (!recording) return;
      const query = new URLSearchParams(searchParams).toString();
      reportExchange(
        {
          at: at.toISOString(),
          operation: spec.operation,
          method: spec.method.toUpperCase(),
          url: query ? `${url}?${query}` : url,
          status,
          durationMs: Math.round(performance.now() - started),
          requestBody: spec.json === undefined ? null : JSON.stringify(spec.json),
          responseBody: body,
          error: problem,
        },
        [...(this.options.secrets ?? []), token],
      );
    };
    const limits = { maxBytes: this.options.maxBodyBytes, timeoutMs: this.options.timeoutMs ?? 30_000 };
    let response: Response;
    try {
      response = await this.ky(url, {
        method: spec.method,
        headers: { authorization: `Bearer ${token}` },
        searchParams,
        ...(spec.json === undefined ? {} : { json: spec.json }),
      });
    } catch (error) {
      if (error instanceof HTTPError) {
        const read = await readBodyText(error.response, limits);
        record(error.response.status, read.ok ? read.text : null, read.ok ? null : read.detail);
        throw new ErrorAnswer(error.response, read);
      }
      record(null, null, error instanceof TimeoutError ? `timed out after ${limits.timeoutMs} ms` : describeCause(error));
      throw error;
    }
    const status = response.status;
    const fail = (problem: ResponseProblem, detail: string, cause?: unknown) =>
      new CesceResponseError({ status, operation: spec.operation, problem, detail, url, cause });
    const read = await readBodyText(response, limits);
    record(status, read.ok ? read.text : null, read.ok ? null : read.detail);
    if (!read.ok) throw fail(read.problem, read.detail, read.cause);
    const got = interpretBody(read.text, response.headers.get('content-type'));
    if (got.kind === 'bad') throw fail(got.problem, got.detail);
    if (got.kind === 'empty') {
      // Some answers may legitimately be empty (a schema that accepts `undefined`); the rest are not.
      const none = spec.schema.safeParse(undefined);
      if (none.success) return none.data;
      throw fail('empty', status === 204 ? 'no content (204) where a JSON object was expected' : 'an empty body where a JSON object was expected');
    }
    const body = got.value;
    if (!isJsonObject(body)) {
      const other = spec.schema.safeParse(body);
      if (other.success) return other.data;
      throw fail('not-object', `JSON that is not an object: ${describeJsonKind(body)}`);
    }
    // An error envelope explains a failure better than the shape of what came with it.
    this.checkEnvelope(spec, status, body);
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unexpected shape';
      throw fail('shape', `an unexpected body at ${where}`);
    }
    return parsed.data;
  }

  /**
   * A success status whose envelope carries an `errorCode` other than "0" is a failure: the real
   * Movements client treats it so ([third-party-client]). It is explained as a 400 business error.
   */
  private checkEnvelope(spec: RequestSpec<z.ZodType>, status: number, body: unknown): void {
    if (!body || typeof body !== 'object') return;
    const envelope = (body as { error?: unknown }).error;
    if (!envelope || typeof envelope !== 'object') return;
    const raw = (envelope as { errorCode?: unknown }).errorCode;
    const code = raw === undefined || raw === null ? '' : String(raw).trim();
    if (code === '' || code === '0') return;
    const { message } = readErrorBody(body, `errorCode ${code}`);
    const entry = matchKnowledgeBase({ status: 400, message, code, operation: spec.operation, environment: this.options.environment.name });
    throw new CesceApiError({ status, operation: spec.operation, cesceCode: code, cesceMessage: message, entry });
  }

  private async mapError(error: unknown, spec: RequestSpec<z.ZodType>, url: string): Promise<Error> {
    if (error instanceof ErrorAnswer) {
      const status = error.response.status;
      const fallback = error.response.statusText || `HTTP ${status}`;
      const { code, message } = describeErrorText(error.read, error.response.headers.get('content-type'), fallback);
      const entry = matchKnowledgeBase({
        status,
        message,
        code,
        operation: spec.operation,
        environment: this.options.environment.name,
      });
      const mapped = new CesceApiError({ status, operation: spec.operation, cesceCode: code, cesceMessage: message, entry });
      rememberRetryAfter(mapped, parseRetryAfter(error.response.headers.get('retry-after')));
      return mapped;
    }
    if (error instanceof TimeoutError) return new NetworkError(url, `Cesce ${spec.operation} timed out`, { timedOut: true, cause: error });
    if (error instanceof CesceConnectError) return error;
    if (error instanceof TypeError) {
      // fetch hides the reason (ECONNREFUSED, ECONNRESET, ENOTFOUND...) in `cause`.
      const tls = describeTlsFailure(error);
      if (tls) return new NetworkError(url, `Cesce ${spec.operation} failed: ${tls}`, { cause: error });
      const code = (error.cause as { code?: string } | undefined)?.code;
      return new NetworkError(url, `Cesce ${spec.operation} failed: ${error.message}${code ? ` (${code})` : ''}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Cesce's code and message from an error answer (4xx/5xx) read within the limits. A body that is
 * not Cesce's JSON (a gateway's HTML page, truncated JSON, a broken connection) keeps the status
 * text and says what the body was, e.g. "Bad Gateway (an HTML page instead of JSON ("502 Bad Gateway"))".
 */
export async function describeErrorResponse(
  response: Response,
  fallback: string,
  options: { maxBytes?: number | undefined; timeoutMs?: number | undefined; quoteText?: boolean } = {},
): Promise<ErrorFields> {
  const read = await readBodyText(response, options);
  return describeErrorText(read, response.headers.get('content-type'), fallback, options);
}

/** `describeErrorResponse` for a body already read. */
export function describeErrorText(read: BodyReading, contentType: string | null, fallback: string, options: { quoteText?: boolean } = {}): ErrorFields {
  if (!read.ok) return { code: undefined, message: `${fallback} (${read.detail})` };
  const got = interpretBody(read.text, contentType, { quoteText: options.quoteText ?? true });
  if (got.kind === 'bad') return { code: undefined, message: `${fallback} (${got.detail})` };
  if (got.kind === 'empty') return { code: undefined, message: fallback };
  return readErrorBody(got.value, fallback);
}

/** Whether a failed read (GET) may work when sent again: never a token failure or a business answer. */
function retryableRead(error: unknown): boolean {
  if (error && typeof error === 'object' && tokenFailures.has(error)) return false;
  if (error instanceof CesceApiError) return RETRYABLE_STATUSES.has(error.status);
  if (error instanceof NetworkError) return true;
  if (error instanceof CesceResponseError) return error.problem === 'interrupted' || error.problem === 'timeout' || error.problem === 'truncated';
  return false;
}
