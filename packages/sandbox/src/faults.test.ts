import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults, parseRateLimit } from './faults.js';
import { FAULT_STATS_PATH, type CesceEmulator } from './server.js';
import { APPS, C, call, getToken, postForm, saleBody, salesPath, start } from './test-support.js';

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

describe('chaos faults (seeded)', () => {
  const chaos = {
    seed: 42,
    error5xx: { rate: 0.1, afterProcessing: 0.5 },
    hang: { rate: 0.05, ms: 100 },
    reset: { rate: 0.05 },
    burst429: { rate: 0.02, length: 4, retryAfterSeconds: 2 },
  };
  const run = (seed: number) => {
    const f = new FaultInjector({ chaos: { ...chaos, seed } }, () => 0);
    return Array.from({ length: 400 }, () => {
      const d = f.check('sales.create') ?? f.chaos('sales.create');
      return d && 'kind' in d ? `${d.kind}-${d.phase}` : '-';
    });
  };

  it('gives the same faults for the same seed and request sequence, other faults for another seed', () => {
    expect(run(42)).toEqual(run(42));
    expect(run(43)).not.toEqual(run(42));
  });

  it('injects each kind at about its rate, in both phases, counts them, and a 429 burst lasts its length', () => {
    const f = new FaultInjector({ chaos }, () => 0);
    const seen: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const d = f.chaos('sales.create');
      seen.push(d ? (d.kind === '429' ? '429' : `${d.kind}-${d.phase}`) : '-');
      if (d?.kind === '429') expect(d.reply?.headers?.['retry-after']).toBe('2');
      if (d?.kind === 'hang') expect(d.delayMs).toBe(100);
    }
    const stats = f.stats();
    expect(stats.seed).toBe(42);
    expect(stats.requestsInScope).toBe(4000);
    for (const kind of ['5xx-before', '5xx-after', 'hang-before', 'hang-after', 'reset-before', 'reset-after', '429'] as const) {
      expect(stats.injected[kind]).toBe(seen.filter((s) => s === kind).length);
      expect(stats.injected[kind]).toBeGreaterThan(0);
    }
    const fives = stats.injected['5xx-before'] + stats.injected['5xx-after'];
    expect(fives).toBeGreaterThan(4000 * 0.1 * 0.6);
    expect(fives).toBeLessThan(4000 * 0.1 * 1.4);
    // Every burst is `length` 429s in a row (the last one may be cut by the end of the sequence).
    const runs: number[] = [];
    seen.forEach((s, i) => {
      if (s !== '429') return;
      if (i > 0 && seen[i - 1] === '429') runs[runs.length - 1]! += 1;
      else runs.push(1);
    });
    expect(runs.length).toBeGreaterThan(0);
    for (const length of seen.at(-1) === '429' ? runs.slice(0, -1) : runs) expect(length % 4).toBe(0);
  });

  it('leaves the token endpoint alone unless listed, and other operations when a list is given', () => {
    const f = new FaultInjector({ chaos: { seed: 1, error5xx: { rate: 1 } } }, () => 0);
    expect(f.chaos('token')).toBeUndefined();
    expect(f.chaos('sales.list')?.kind).toBe('5xx');
    const g = new FaultInjector({ chaos: { seed: 1, operations: ['token'], error5xx: { rate: 1 } } }, () => 0);
    expect(g.chaos('token')?.kind).toBe('5xx');
    expect(g.chaos('sales.list')).toBeUndefined();
  });

  it('validates the chaos section', () => {
    expect(() => parseFaults({ chaos: { error5xx: { rate: 0.1 } } })).toThrow(/chaos\.seed/);
    expect(() => parseFaults({ chaos: { seed: 1, hang: { rate: 0.1 } } })).toThrow(/chaos\.hang\.ms/);
    expect(() => parseFaults({ chaos: { seed: 1, reset: { rate: 1.5 } } })).toThrow(/chaos\.reset\.rate/);
    expect(() => parseFaults({ chaos: { seed: 1, nope: {} } })).toThrow();
  });
});

describe('chaos faults over HTTP', () => {
  const salesCount = (emu: CesceEmulator) => emu.state().policies.find((p) => p.contractNo === C.main)!.sales.length;
  const declare = (emu: CesceEmulator, token: string, invoiceNo: string) =>
    call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ invoiceNo }) });

  it('5xx before processing records nothing; 5xx after processing records the sale', async () => {
    for (const [afterProcessing, recorded] of [
      [0, 0],
      [1, 1],
    ] as const) {
      const emu = await start({ faults: { chaos: { seed: 3, operations: ['sales.create'], error5xx: { rate: 1, afterProcessing } } } });
      try {
        const token = await getToken(emu);
        const before = salesCount(emu);
        const r = await declare(emu, token, 'CH-5XX');
        expect(r.status).toBe(503);
        expect(salesCount(emu) - before).toBe(recorded);
        expect(emu.requestLog.at(-1)).toMatchObject({ status: 503, fault: afterProcessing ? '5xx-after' : '5xx-before' });
        expect(emu.faultStats().injected[afterProcessing ? '5xx-after' : '5xx-before']).toBe(1);
      } finally {
        await emu.close();
      }
    }
  });

  it('a reset cuts the connection before or after processing; a hang answers late (after) or 504 (before)', async () => {
    for (const afterProcessing of [0, 1]) {
      const emu = await start({ faults: { chaos: { seed: 5, operations: ['sales.create'], reset: { rate: 1, afterProcessing } } } });
      try {
        const token = await getToken(emu);
        const before = salesCount(emu);
        await expect(declare(emu, token, 'CH-RST')).rejects.toThrow();
        expect(salesCount(emu) - before).toBe(afterProcessing);
        expect(emu.requestLog.at(-1)).toMatchObject({ status: 0, fault: afterProcessing ? 'reset-after' : 'reset-before' });
      } finally {
        await emu.close();
      }
    }
    for (const afterProcessing of [0, 1]) {
      const emu = await start({ faults: { chaos: { seed: 5, operations: ['sales.create'], hang: { rate: 1, ms: 300, afterProcessing } } } });
      try {
        const token = await getToken(emu);
        const before = salesCount(emu);
        const t0 = Date.now();
        const r = await declare(emu, token, 'CH-HANG');
        expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
        expect(r.status).toBe(afterProcessing ? 201 : 504);
        expect(salesCount(emu) - before).toBe(afterProcessing);
        // A client that gave up earlier sees a timeout; the sale is recorded all the same.
        const aborted = await fetch(`${emu.url}${salesPath(C.main)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(saleBody({ invoiceNo: 'CH-HANG-2' })),
          signal: AbortSignal.timeout(50),
        }).catch((e: Error) => e);
        expect(aborted).toBeInstanceOf(Error);
        await new Promise((r) => setTimeout(r, 350));
        expect(salesCount(emu) - before).toBe(afterProcessing * 2);
      } finally {
        await emu.close();
      }
    }
  });

  it('a 429 burst answers Retry-After and records nothing; the stats endpoint counts it', async () => {
    const emu = await start({ faults: { chaos: { seed: 9, burst429: { rate: 1, length: 3, retryAfterSeconds: 4 } } } });
    try {
      const token = await getToken(emu);
      const r = await call(emu, 'GET', salesPath(C.main), { token });
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('4');
      const stats = await (await fetch(`${emu.url}${FAULT_STATS_PATH}`)).json();
      expect(stats).toMatchObject({ seed: 9, requestsInScope: 1, injected: { '429': 1 } });
    } finally {
      await emu.close();
    }
  });

  it('an early-expired token answers 401 before the expires_in it announced', async () => {
    let now = Date.parse('2026-05-15T10:00:00Z');
    const emu = await start({ clock: () => now, faults: { chaos: { seed: 2, earlyTokenExpiry: { rate: 1, afterSeconds: 5 } } } });
    try {
      const t = await postForm(`${emu.url}/oauth2/v1/token`, { grant_type: 'password', client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret });
      expect(t.body.expires_in).toBe(3600);
      const token = t.body.access_token as string;
      expect((await call(emu, 'GET', salesPath(C.main), { token })).status).toBe(200);
      now += 6000;
      const r = await call(emu, 'GET', salesPath(C.main), { token });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ httpCode: '401' });
      expect(emu.faultStats().injected['token-early-expiry']).toBe(1);
    } finally {
      await emu.close();
    }
  });
});
