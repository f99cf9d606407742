import { CesceApiError, CesceResponseError, NetworkError } from '../errors.js';

/**
 * The one retry policy for Cesce calls: CesceHttp applies it to reads (GETs), and the sync engine
 * to creates (whose outcome it checks at Cesce before any resend). Backoff is capped exponential
 * with full jitter; a `Retry-After` is honoured up to `maxRetryAfterMs`.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0: never retry). A create gets at most `limit + 1` attempts. */
  limit: number;
  /** First backoff ceiling in ms; doubles per retry, capped at `maxDelayMs`; the wait is random below it (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest `Retry-After` honoured (default 60 s); a longer one is not waited for: the call fails for a later run. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { limit: 3, baseDelayMs: 300, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

export function retryPolicy(overrides: Partial<RetryPolicy> | undefined = {}): RetryPolicy {
  const out = { ...DEFAULT_RETRY_POLICY };
  for (const [k, v] of Object.entries(overrides ?? {})) if (v !== undefined) (out as Record<string, number>)[k] = v as number;
  return out;
}

/** Full-jitter backoff before retry number `retry` (1 for the first retry). */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** A `Retry-After` header (seconds or an HTTP date) in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `retry`: the server's `Retry-After` when it gave one (null when it
 * asks for longer than `maxRetryAfterMs`: do not retry in this run), else the jittered backoff.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, retryAfterMs?: number | undefined): number | null {
  if (retryAfterMs !== undefined) return retryAfterMs > policy.maxRetryAfterMs ? null : retryAfterMs;
  return backoffMs(policy, retry);
}

const retryAfterByError = new WeakMap<object, number>();

/** Remembers the `Retry-After` (ms) a 429 or 503 answer carried, for whoever retries the call. */
export function rememberRetryAfter(error: object, ms: number | undefined): void {
  if (ms !== undefined) retryAfterByError.set(error, ms);
}

/** The `Retry-After` (ms) of the answer behind this error, if it had one. */
export function retryAfterOf(error: unknown): number | undefined {
  return error && typeof error === 'object' ? retryAfterByError.get(error) : undefined;
}

/** HTTP statuses after which the same request may work later: 408, 429 and the gateway/server 5xx. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * What a failed call says about its effect at Cesce.
 * - `refused`: Cesce (its gateway) turned it away before processing it (429): sending it again is safe.
 * - `unknown`: the call may or may not have taken effect (network error, timeout, a body cut off or
 *   unusable, 408, 5xx): for a create, look it up at Cesce before sending it again.
 * - `final`: a business answer (4xx) or anything else: sending it again would not help.
 */
export function failureKind(error: unknown): 'refused' | 'unknown' | 'final' {
  if (error instanceof CesceApiError) {
    if (error.status === 429) return 'refused';
    return RETRYABLE_STATUSES.has(error.status) ? 'unknown' : 'final';
  }
  if (error instanceof NetworkError) return 'unknown';
  if (error instanceof CesceResponseError) return error.operation === 'token' ? 'final' : 'unknown';
  return 'final';
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, ms));
}
