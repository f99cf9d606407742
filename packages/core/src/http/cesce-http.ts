import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import type { z } from 'zod';
import type { TokenProvider } from '../auth/token-provider.js';
import type { OperationId } from '../domains/common.js';
import { apiUrl, type ApiName, type Environment } from '../environments.js';
import { CesceApiError, CesceConnectError, NetworkError } from '../errors.js';
import { matchKnowledgeBase } from '../knowledge-base/matcher.js';

export interface RetryPolicy {
  /** Retries for GETs on network errors, 408, 429, 5xx (POSTs that create are never retried blindly). */
  limit: number;
  /** First backoff delay in ms; doubles per attempt, capped at `maxDelayMs`, full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { limit: 3, baseDelayMs: 300, maxDelayMs: 8_000 };

export interface CesceHttpOptions {
  environment: Environment;
  tokens: TokenProvider;
  contractNo: string;
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  fetch?: typeof globalThis.fetch | undefined;
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

/** Pulls Cesce's code and message from any of the known error body shapes. */
export function readErrorBody(body: unknown, fallback: string): ErrorFields {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (b.error && typeof b.error === 'object') {
      const e = b.error as Record<string, unknown>;
      return { code: e.errorCode === undefined ? undefined : String(e.errorCode), message: String(e.errorDescription ?? fallback) };
    }
    if (typeof b.error === 'string') return { code: b.error, message: String(b.error_description ?? b.error) };
    if (b.httpCode !== undefined) {
      return { code: String(b.httpCode), message: String(b.moreInformation ?? b.httpMessage ?? fallback) };
    }
  }
  return { code: undefined, message: fallback };
}

/**
 * The one HTTP layer for Cesce: bearer token from the provider, one transparent retry after a 401
 * (expired or revoked token), ky's retry for idempotent GETs, timeouts, error mapping to
 * `CesceApiError` with its knowledge-base entry, and zod validation of every success body.
 */
export class CesceHttp {
  private readonly ky: KyInstance;
  /** Requests sent to the API (not counting token requests), for reports and benchmarks. */
  requests = 0;

  constructor(private readonly options: CesceHttpOptions) {
    const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.ky = ky.create({
      timeout: options.timeoutMs ?? 30_000,
      fetch: options.fetch,
      headers: { accept: 'application/json' },
      retry: {
        limit: retry.limit,
        methods: ['get'],
        statusCodes: [408, 429, 500, 502, 503, 504],
        afterStatusCodes: [429, 503],
        maxRetryAfter: 60_000,
        delay: (attempt) => retry.baseDelayMs * 2 ** (attempt - 1),
        backoffLimit: retry.maxDelayMs,
        jitter: true,
      },
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

  async request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.infer<S>> {
    const url = apiUrl(this.options.environment, spec.api, `contracts/${encodeURIComponent(this.options.contractNo)}/${spec.path}`);
    const token = await this.options.tokens.getToken();
    try {
      return await this.send(spec, url, token.value);
    } catch (error) {
      if (error instanceof HTTPError && error.response.status === 401) {
        // The token may have expired or been revoked early: renew once and try again.
        this.options.tokens.invalidate(token.value);
        const fresh = await this.options.tokens.getToken();
        try {
          return await this.send(spec, url, fresh.value);
        } catch (second) {
          throw await this.mapError(second, spec, url);
        }
      }
      throw await this.mapError(error, spec, url);
    }
  }

  private async send<S extends z.ZodType>(spec: RequestSpec<S>, url: string, token: string): Promise<z.infer<S>> {
    const searchParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.searchParams ?? {})) if (v !== undefined && v !== '') searchParams[k] = String(v);
    const response = await this.ky(url, {
      method: spec.method,
      headers: { authorization: `Bearer ${token}` },
      searchParams,
      ...(spec.json === undefined ? {} : { json: spec.json }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CesceConnectError('cesce_response', `Cesce ${spec.operation} answered HTTP ${response.status} with a body that is not JSON (${url})`);
    }
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unexpected shape';
      throw new CesceConnectError('cesce_response', `Cesce ${spec.operation} answered with an unexpected body at ${where} (${url})`);
    }
    this.checkEnvelope(spec, response.status, body);
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
    if (error instanceof HTTPError) {
      const status = error.response.status;
      let body: unknown;
      try {
        body = await error.response.json();
      } catch {
        body = undefined;
      }
      const { code, message } = readErrorBody(body, error.response.statusText || `HTTP ${status}`);
      const entry = matchKnowledgeBase({
        status,
        message,
        code,
        operation: spec.operation,
        environment: this.options.environment.name,
      });
      return new CesceApiError({ status, operation: spec.operation, cesceCode: code, cesceMessage: message, entry });
    }
    if (error instanceof TimeoutError) return new NetworkError(url, `Cesce ${spec.operation} timed out`, { timedOut: true, cause: error });
    if (error instanceof CesceConnectError) return error;
    if (error instanceof TypeError) {
      // fetch hides the reason (ECONNREFUSED, ECONNRESET, ENOTFOUND...) in `cause`.
      const code = (error.cause as { code?: string } | undefined)?.code;
      return new NetworkError(url, `Cesce ${spec.operation} failed: ${error.message}${code ? ` (${code})` : ''}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
