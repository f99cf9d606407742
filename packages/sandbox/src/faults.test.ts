import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults, parseRateLimit } from './faults.js';
import type { CesceEmulator } from './server.js';
import { C, call, getToken, salesPath, start } from './test-support.js';

describe('FaultInjector (deterministic)', () => {
  it('status5xxRate 0.25 fails API calls 4, 8, 12 and never the token', () => {
    const f = new FaultInjector({ status5xxRate: 0.25 }, () => 0);
    expect(f.check('token')).toBeUndefined();
    const failed = Array.from({ length: 12 }, (_, i) => i + 1).filter(() => f.check('sales.list')?.status === 503);
    expect(failed).toEqual([4, 8, 12]);
  });

  it('rateLimit answers 429 past N requests in the window, with Retry-After, and resets with the window', () => {
    let now = 0;
    const f = new FaultInjector({ rateLimit: { requests: 2, perSeconds: 10 } }, () => now);
    expect(f.check('token')).toBeUndefined();
    now = 1000;
    expect(f.check('sales.list')).toBeUndefined();
    now = 2500;
    const r = f.check('sales.list');
    expect(r?.status).toBe(429);
    expect(r?.headers?.['retry-after']).toBe('8');
    now = 10_000;
    expect(f.check('sales.list')).toBeUndefined();
  });

  it('failOperations answers the configured error for the named operation only', () => {
    const f = new FaultInjector({ failOperations: { 'sales.create': { status: 400, code: 'X1', message: 'La póliza 1 no es válida.' } } }, () => 0);
    expect(f.check('sales.list')).toBeUndefined();
    expect(f.check('sales.create')).toEqual({
      status: 400,
      body: { error: { errorCode: 'X1', errorDescription: 'La póliza 1 no es válida.' } },
      headers: {},
    });
  });

  it('validates its input', () => {
    expect(() => parseFaults({ status5xxRate: 2 })).toThrow(/status5xxRate/);
    expect(() => parseFaults({ nope: 1 })).toThrow();
    expect(parseRateLimit('10/1')).toEqual({ requests: 10, perSeconds: 1 });
    expect(() => parseRateLimit('10')).toThrow(/N\/S/);
    expect(() => parseRateLimit('0/1')).toThrow(/N\/S/);
  });
});

describe('faults over HTTP', () => {
  let emu: CesceEmulator;
  beforeAll(async () => {
    emu = await start({ faults: { status5xxRate: 0.5, failOperations: { 'sales.subsidiaries': { status: 429, message: 'slow down', retryAfterSeconds: 7 } } } });
  });
  afterAll(() => emu.close());

  it('alternates 200 / 503 and a named 429 carries Retry-After', async () => {
    const token = await getToken(emu);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(emu, 'GET', salesPath(C.main), { token })).status);
    expect(statuses).toEqual([200, 503, 200, 503]);
    const r = await call(emu, 'GET', `/sales/v1/contracts/${C.main}/subsidiaries`, { token });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(emu.requestLog.at(-1)).toMatchObject({ status: 429, operation: 'sales.subsidiaries' });
  });
});
