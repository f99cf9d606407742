/**
 * Rate limits per credential: how many Cesce API calls one application (client id) may make per
 * second. Cesce does not publish its quotas; a 429 answer is honoured by the retry policy anyway,
 * but an installation that shares a credential between several processes (the multi-worker mode)
 * or that was given a quota by Cesce keeps under it with a limiter instead of hitting the 429s.
 *
 * The algorithm is GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp):
 * every call reserves the next free slot, `1 / requestsPerSecond` after the previous one, and
 * `burst` calls may go at once after a quiet period. The in-process limiter here serves one
 * process (`cesce sync`); `@cesce-connect/multi-worker` keeps the same timestamp in PostgreSQL so
 * that every worker on every machine shares one budget per credential.
 */
export interface RateLimiter {
  /** Resolves when the next call may be sent (at once when under the limit). */
  acquire(): Promise<void>;
}

export interface RateLimit {
  /** Calls per second allowed for the credential (may be fractional, e.g. 0.5 = one every 2 s). */
  requestsPerSecond: number;
  /** Calls that may go at once after a quiet period (default 1: evenly spaced). */
  burst?: number | undefined;
}

/** Checks a rate limit's numbers; throws a TypeError naming the bad one. */
export function checkRateLimit(limit: RateLimit): Required<RateLimit> {
  const { requestsPerSecond, burst = 1 } = limit;
  if (!(typeof requestsPerSecond === 'number' && Number.isFinite(requestsPerSecond) && requestsPerSecond > 0 && requestsPerSecond <= 10_000)) {
    throw new TypeError(`rateLimit.requestsPerSecond must be a number above 0 and at most 10000, not ${String(requestsPerSecond)}`);
  }
  if (!(Number.isInteger(burst) && burst >= 1 && burst <= 10_000)) throw new TypeError(`rateLimit.burst must be a whole number from 1 to 10000, not ${String(burst)}`);
  return { requestsPerSecond, burst };
}

/**
 * One GCRA step. `tat` is the theoretical arrival time kept by the limiter (ms), `now` the clock.
 * Returns the new `tat` to keep and how long this call must wait before it goes.
 */
export function gcraReserve(tat: number, now: number, limit: Required<RateLimit>): { tat: number; waitMs: number } {
  const interval = 1000 / limit.requestsPerSecond;
  const next = Math.max(tat, now) + interval;
  return { tat: next, waitMs: Math.max(0, next - limit.burst * interval - now) };
}

/** A limiter for the calls of one process. */
export class LocalRateLimiter implements RateLimiter {
  private readonly limit: Required<RateLimit>;
  private tat = 0;

  constructor(
    limit: RateLimit,
    private readonly clock: () => number = () => performance.now(),
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.limit = checkRateLimit(limit);
  }

  acquire(): Promise<void> {
    const step = gcraReserve(this.tat, this.clock(), this.limit);
    this.tat = step.tat;
    return step.waitMs > 0 ? this.wait(step.waitMs) : Promise.resolve();
  }
}
