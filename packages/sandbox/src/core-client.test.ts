import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CesceApiError, CesceClient } from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import { APPS, C, fixtureData, start } from './test-support.js';

/** Core's typed client against the emulator over real HTTP: the newer operations end to end. */
let emu: CesceEmulator;
let client: CesceClient;
beforeEach(async () => {
  emu = await start({ movementsPageSize: 2 });
  client = new CesceClient({
    environment: 'sandbox',
    baseUrl: emu.url,
    contractNo: C.main,
    credentials: { clientId: APPS.full.clientId, clientSecret: APPS.full.clientSecret },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
});
afterEach(async () => {
  await emu.close();
});

const eur = (amount: string) => ({ currency: 'EUR', amount });

describe('core client ↔ emulator', () => {
  it('classifications: deactivate, activate, cancel, answer a premium', async () => {
    const off = await client.classifications.deactivate({ endorsementNo: '5000001' });
    expect(off).toMatchObject({ endorsementNo: '5000001', deactivated: true, status: { state: 'classified', active: false } });
    const on = await client.classifications.activate({ requestNo: '5000001' });
    expect(on).toMatchObject({ deactivated: false, status: { active: true } });

    const cancelled = await client.classifications.cancel({ requestNo: '5000002' }, { reasonCode: 'ERR' });
    expect(cancelled).toMatchObject({ requestNo: '5000002', endorsementNo: null, status: { code: '66', state: 'cancelled' }, cancellationDate: '2026-05-15' });

    const accepted = await client.classifications.acceptPremium({ endorsementNo: '5000006' });
    expect(accepted.premium).toEqual({ amount: eur('350.00'), status: 'accepted', rawStatus: 'accepted' });
    const err = await client.classifications.denyPremium({ endorsementNo: '5000006' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CesceApiError);
    expect((err as CesceApiError).entry.id).toBe('cesce-400-classification-state');
    expect((err as CesceApiError).status).toBe(400);

    const unknown = await client.classifications.cancel({ endorsementNo: '5999999' }).catch((e: unknown) => e);
    expect((unknown as CesceApiError).entry.id).toBe('cesce-400-classification-required');
    await expect(client.classifications.cancel({ endorsementNo: '' } as never)).rejects.toThrow(/endorsementNo or its requestNo/);
  });

  it('movements: iterates every page over the cursor, parsed into typed records', async () => {
    const all = [];
    for await (const m of client.movements.list()) all.push(m);
    expect(all.map((m) => m.endorsementNo)).toEqual(['5000001', '5000004', '5000005', '5000006', '5000007', '5000008']);
    expect(all[0]).toMatchObject({ grantedLimit: eur('40000.00'), requestEntryDate: '2026-01-10', validityDate: null, comments: null });
    expect(all[1]).toMatchObject({ status: { state: 'cancelled' }, cancellationDate: '2026-03-01' });
    expect(all[3]!.premium).toMatchObject({ amount: eur('350.00'), status: 'offered' });
    expect(all[4]).toMatchObject({ deactivated: true, status: { active: false } });
    const pages = [];
    for await (const p of client.movements.pages()) pages.push([p.cursor, p.movements.length, p.nextEndorsementNo]);
    expect(pages).toEqual([
      [null, 2, '5000005'],
      ['5000005', 2, '5000007'],
      ['5000007', 2, null],
    ]);
    const resumed = [];
    for await (const m of client.movements.list({ startAt: '5000007' })) resumed.push(m.endorsementNo);
    expect(resumed).toEqual(['5000007', '5000008']);
    expect(client.requestCounts.api).toBe(7);
  });

  it('sales: correction, prórroga, subsidiaries', async () => {
    const corrected = await client.sales.modify('9000000100', { dueDate: '2026-05-01', amount: eur('990.50') });
    expect(corrected).toMatchObject({ saleCesceReferenceNo: '9000000100', dueDate: '2026-05-01', amount: eur('990.50'), modificationDate: '2026-05-15' });
    const extended = await client.sales.prorogue('9000000100', { dueDate: '2026-06-10', maturityAmount: eur('600.00') });
    expect(extended).toMatchObject({
      saleCesceReferenceNo: '9000000101',
      originalSaleCesceReferenceNo: '9000000100',
      maturityAmount: eur('600.00'),
      amount: eur('990.50'),
      dueDate: '2026-06-10',
    });
    const over = await client.sales.prorogue('9000000100', { dueDate: '2026-06-10', maturityAmount: eur('990.51') }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(CesceApiError);
    expect((over as CesceApiError).entry.id).toBe('cesce-400-sale-data');
    expect((over as CesceApiError).cesceCode).toBe('VEN012');
    await expect(client.sales.modify('9000000100', {})).rejects.toThrow(/at least one field/);
    expect(await client.sales.subsidiaries()).toEqual([
      { code: 'F01', name: 'Filial Norte SL', taxCode: 'B11111118' },
      { code: 'F03', name: 'Filial Sur SL', taxCode: null },
    ]);
  });

  it('collections: declares, and explains what cannot be collected', async () => {
    const c = await client.collections.declare({
      client: { endorsementNo: '5000001' },
      sale: { saleCesceReferenceNo: '9000000100' },
      collectionDate: '2026-04-10',
      amount: eur('999.99'),
    });
    expect(c).toEqual({
      collectionReferenceNo: '7000000001',
      saleCesceReferenceNo: '9000000100',
      endorsementNo: '5000001',
      invoiceNo: 'SEED-1',
      collectionDate: '2026-04-10',
      amount: eur('999.99'),
      outstanding: eur('0.01'),
      declarationDate: '2026-05-15',
    });
    const err = await client.collections
      .declare({ client: { taxCode: 'A08001851', countryCode: 'ES' }, sale: { invoiceNo: 'SEED-1' }, collectionDate: '2026-04-11', amount: eur('0.02') })
      .catch((e: unknown) => e);
    expect((err as CesceApiError).entry.id).toBe('cesce-400-sale-data');
    expect((err as CesceApiError).cesceMessage).toContain('(0,01)');
    await expect(
      client.collections.declare({ client: { endorsementNo: '5000001' }, sale: { saleCesceReferenceNo: '9000000100' }, collectionDate: '2026-04-10', amount: eur('0.00') }),
    ).rejects.toThrow(/greater than zero/);
    expect(emu.state().policies[0]!.collections).toHaveLength(1);
    expect(fixtureData().policies[0]!.collections).toBeUndefined();
  });
});
