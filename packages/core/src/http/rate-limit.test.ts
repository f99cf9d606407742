import { describe, expect, it } from 'vitest';
import { checkRateLimit, gcraReserve, LocalRateLimiter } from './rate-limit.js';

describe('rate limit (GCRA)', () => {
  it('spaces calls 1/rate apart when they come faster, and lets a burst through after a quiet period', () => {
    const limit = checkRateLimit({ requestsPerSecond: 4, burst: 2 });
    let tat = 0;
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const step = gcraReserve(tat, 1000, limit); // five calls at the same instant
      tat = step.tat;
      waits.push(step.waitMs);
    }
    expect(waits).toEqual([0, 0, 250, 500, 750]);
    // After a quiet second the bucket is full again: two go at once.
    expect(gcraReserve(tat, 3000, limit).waitMs).toBe(0);
  });

  it('makes callers of one process wait their turn (fake clock)', async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new LocalRateLimiter({ requestsPerSecond: 10 }, () => now, async (ms) => void slept.push(ms));
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(slept).toEqual([100, 200]);
    now = 10_000;
    await limiter.acquire();
    expect(slept).toEqual([100, 200]); // long after: no wait
  });

  it('refuses limits that make no sense, naming the field', () => {
    expect(() => checkRateLimit({ requestsPerSecond: -1 })).toThrow(/requestsPerSecond/);
    expect(() => checkRateLimit({ requestsPerSecond: Number.NaN })).toThrow(/requestsPerSecond/);
    expect(() => checkRateLimit({ requestsPerSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});
