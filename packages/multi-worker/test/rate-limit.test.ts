import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { credentialKey, migrate, PgRateLimiter } from '../src/index.js';
import { startPostgres, type RunningPostgres } from '../src/testing/postgres.js';

describe('rate limit shared through PostgreSQL', () => {
  let server: RunningPostgres;
  const pools: pg.Pool[] = [];
  const pool = () => {
    const p = new pg.Pool({ connectionString: server.url, max: 4 });
    p.on('error', () => {});
    pools.push(p);
    return p;
  };
  beforeAll(async () => {
    server = await startPostgres();
    await migrate(pool());
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await server?.stop();
  });

  it('gives workers on separate connections one budget per credential: slots 1/rate apart, never two at once', async () => {
    const credential = credentialKey('http://127.0.0.1:4010', 'shared-client');
    // Two "workers" (own pools) reserving at once, 20 calls per second between them.
    const a = new PgRateLimiter(pool(), credential, { requestsPerSecond: 20 });
    const b = new PgRateLimiter(pool(), credential, { requestsPerSecond: 20 });
    const slots = (await Promise.all([...Array(30)].map((_, i) => (i % 2 ? a : b).reserveSlot()))).map((s) => s.tatMs).sort((x, y) => x - y);
    const gaps = slots.slice(1).map((t, i) => t - slots[i]!);
    // Reserved faster than 20/s: every slot is exactly one interval after the previous one.
    for (const gap of gaps) expect(gap).toBeCloseTo(50, 0);
    // The two limiters together waited for the whole budget, not half each.
    expect(a.reserved + b.reserved).toBe(30);
  });

  it('keeps other credentials apart, and lets a burst go at once after a quiet period', async () => {
    const one = new PgRateLimiter(pool(), credentialKey('http://127.0.0.1:4010', 'client-one'), { requestsPerSecond: 1, burst: 3 });
    const two = new PgRateLimiter(pool(), credentialKey('http://127.0.0.1:4010', 'client-two'), { requestsPerSecond: 1, burst: 3 });
    const waits = [await one.reserve(), await one.reserve(), await one.reserve(), await one.reserve()];
    expect(waits.slice(0, 3).every((w) => w === 0)).toBe(true);
    expect(waits[3]).toBeGreaterThan(900); // the fourth waits for the next second
    expect(await two.reserve()).toBe(0); // another credential has its own budget
  });

  it('refuses nonsense limits with the field named', () => {
    expect(() => new PgRateLimiter(pool(), 'x', { requestsPerSecond: 0 })).toThrow(/requestsPerSecond must be a number above 0/);
    expect(() => new PgRateLimiter(pool(), 'x', { requestsPerSecond: 5, burst: 1.5 })).toThrow(/burst must be a whole number/);
  });
});
