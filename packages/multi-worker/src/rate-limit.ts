import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { checkRateLimit, type RateLimit, type RateLimiter } from '@cesce-connect/core';
import type { Pool } from 'pg';
import { SCHEMA } from './schema.js';

/**
 * The credential a rate limit belongs to: the token endpoint's host and the client id, hashed so
 * that the table shows no client id. Never the secret.
 */
export function credentialKey(baseUrl: string, clientId: string): string {
  return createHash('sha256').update(`${new URL(baseUrl).host}\u0000${clientId}`).digest('hex').slice(0, 32);
}

/**
 * A check a worker runs right before a call leaves (after its rate-limit slot has come): it throws
 * when the worker no longer holds the item the call is for (its lease was taken over while it
 * waited, e.g. a process paused past `--stale-after`), so that the call is not sent twice.
 */
export const beforeSend = new AsyncLocalStorage<() => Promise<void>>();

/** The last check before a create leaves: synchronous, run by `guardedFetch` as the request goes out. */
export const sendGuard = new AsyncLocalStorage<{ check(): void }>();

/**
 * A fetch for the workers' Cesce clients: a POST to the API (not a token request) made while a
 * worker declares an item runs that item's guard first, synchronously, as the request leaves, so a
 * worker paused after its lease check does not send what another worker may have taken over.
 */
export function guardedFetch(base: typeof globalThis.fetch = globalThis.fetch): typeof globalThis.fetch {
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const url = request?.url ?? String(input);
    if (method === 'POST' && !url.includes('/oauth2/')) sendGuard.getStore()?.check();
    return base(input, init);
  }) as typeof globalThis.fetch;
}

/**
 * A rate limit shared by every worker using one credential, on one or many machines: the GCRA
 * timestamp (see `@cesce-connect/core`'s rate-limit.ts) lives in one PostgreSQL row, advanced
 * atomically by each call with the database's clock, so the workers' clocks do not matter.
 */
export class PgRateLimiter implements RateLimiter {
  private readonly limit: Required<RateLimit>;
  /** Slots reserved so far (for tests and reports). */
  reserved = 0;

  constructor(
    private readonly pool: Pool,
    private readonly credential: string,
    limit: RateLimit,
  ) {
    this.limit = checkRateLimit(limit);
  }

  /** Reserves the next slot of the credential and resolves when it comes. */
  async acquire(): Promise<void> {
    const waitMs = await this.reserve();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    // The wait may have been long (or the process paused): check the item is still ours.
    await beforeSend.getStore()?.();
  }

  /** Reserves the next slot; resolves to the milliseconds to wait for it. */
  async reserve(): Promise<number> {
    return (await this.reserveSlot()).waitMs;
  }

  /** Reserves the next slot: how long to wait for it, and its theoretical time (database clock, ms since the epoch). */
  async reserveSlot(): Promise<{ waitMs: number; tatMs: number }> {
    const intervalMs = 1000 / this.limit.requestsPerSecond;
    const { rows } = await this.pool.query<{ wait_ms: string; tat_ms: string }>(
      `INSERT INTO ${SCHEMA}.rate_limits AS r (credential, tat)
         VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (credential) DO UPDATE
         SET tat = GREATEST(r.tat, clock_timestamp()) + make_interval(secs => $2::float8 / 1000)
       RETURNING GREATEST(0, EXTRACT(EPOCH FROM (tat - clock_timestamp())) * 1000 - $3::float8 * $2::float8) AS wait_ms,
                 EXTRACT(EPOCH FROM tat) * 1000 AS tat_ms`,
      [this.credential, intervalMs, this.limit.burst],
    );
    this.reserved += 1;
    return { waitMs: Number(rows[0]?.wait_ms ?? 0), tatMs: Number(rows[0]?.tat_ms ?? 0) };
  }
}
