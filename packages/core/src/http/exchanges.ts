import { AsyncLocalStorage } from 'node:async_hooks';
import { redact } from '../errors.js';

/**
 * One request/response pair with Cesce, as kept for support: redacted (no Authorization header,
 * token, client secret or password), bodies cut to `MAX_EXCHANGE_BODY` characters.
 */
export interface Exchange {
  /** ISO time the request was sent. */
  at: string;
  /** Operation id, e.g. `sales.create`; `token` for a token request (kept without bodies). */
  operation: string;
  method: string;
  url: string;
  /** HTTP status; null when no answer came (network error, timeout). */
  status: number | null;
  durationMs: number;
  requestBody: string | null;
  responseBody: string | null;
  /** Why the exchange failed, when it did without a usable answer (e.g. "ECONNRESET"). */
  error: string | null;
}

export type ExchangeSink = (exchange: Exchange) => void;

/** Bodies kept per exchange: enough for any single Cesce answer about one item. */
export const MAX_EXCHANGE_BODY = 16 * 1024;

interface Context {
  sink: ExchangeSink;
  secrets: readonly string[];
}

const storage = new AsyncLocalStorage<Context>();

/**
 * Runs `fn` with every Cesce exchange it makes (directly or through awaited calls) reported to
 * `sink`, e.g. to keep them with a ledger item. Nested calls report to the innermost sink only.
 */
export function recordExchanges<T>(sink: ExchangeSink, fn: () => T, options: { secrets?: readonly string[] } = {}): T {
  return storage.run({ sink, secrets: options.secrets ?? [] }, fn);
}

/** Whether an exchange recorder is active here (so the HTTP layer keeps the bodies only then). */
export function exchangeRecording(): boolean {
  return storage.getStore() !== undefined;
}

/** A body as kept: redacted, then cut to `max` characters with a note of the full length. */
export function auditText(text: string | null | undefined, secrets: readonly string[] = [], max = MAX_EXCHANGE_BODY): string | null {
  if (text === null || text === undefined || text === '') return null;
  const clean = String(redact(text, secrets));
  return clean.length > max ? `${clean.slice(0, max)}… [cut: ${clean.length} characters in all]` : clean;
}

/** Reports an exchange to the active recorder, redacting every text field first. Never throws. */
export function reportExchange(exchange: Exchange, secrets: readonly string[] = []): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  const all = [...secrets, ...ctx.secrets];
  try {
    ctx.sink({
      ...exchange,
      url: String(redact(exchange.url, all)),
      requestBody: auditText(exchange.requestBody, all),
      responseBody: auditText(exchange.responseBody, all),
      error: exchange.error === null ? null : String(redact(exchange.error, all)),
    });
  } catch {
    // An audit sink that fails must never change the outcome of a Cesce call.
  }
}
