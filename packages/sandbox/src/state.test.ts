import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxDataSchema } from './data.js';
import type { CesceEmulator } from './server.js';
import { stateFileSchema } from './store.js';
import {
  C,
  call,
  classificationBody,
  classificationOpPath,
  classificationsPath,
  collectionBody,
  collectionsPath,
  fixtureData,
  getToken,
  saleBody,
  salePath,
  salesPath,
  start,
} from './test-support.js';

let dir: string;
let emu: CesceEmulator | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-sandbox-'));
});
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('state file', () => {
  it('survives a restart: classifications, sales, counters and tokens', async () => {
    const stateFile = join(dir, 'nested', 'state.json');
    emu = await start({ stateFile });
    expect(existsSync(stateFile)).toBe(true);
    const token = await getToken(emu);
    const cls = await call(emu, 'POST', classificationsPath(C.main), { token, json: classificationBody() });
    expect(cls.status).toBe(201);
    const endorsementNo = cls.body.debtor.endorsementNo as string;
    const sale = await call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ endorsementNo }) });
    expect(sale.status).toBe(201);
    const before = emu.state();
    await emu.close();

    // Written atomically: no temp file left behind, and the file validates.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
    const file = stateFileSchema.parse(JSON.parse(readFileSync(stateFile, 'utf8')));
    expect(file.lastRequestNo).toBe('6000004');
    expect(sandboxDataSchema.safeParse(file.data).success).toBe(true);

    // Restart with other seed data: the state file wins.
    const other = fixtureData();
    other.policies[0]!.classifications = [];
    emu = await start({ stateFile, data: other });
    const after = emu.state();
    expect(after.policies).toEqual(before.policies);
    expect(after.lastSaleCesceReferenceNo).toBe(before.lastSaleCesceReferenceNo);
    expect(after.tokensIssued).toBe(1);

    // The old token still works; the new records are served; numbering continues.
    const ref = sale.body.sale.saleCesceReferenceNo as string;
    const consult = await call(emu, 'GET', salePath(C.main, `?saleCesceReferenceNo=${ref}`), { token });
    expect(consult.status).toBe(200);
    expect(consult.body.sale).toEqual(sale.body.sale);
    const q = await call(emu, 'GET', classificationsPath(C.main, `?endorsementNo=${endorsementNo}`), { token });
    expect(q.body.debtor[0]).toEqual(cls.body.debtor);
    const next = await call(emu, 'POST', classificationsPath(C.main), { token, json: classificationBody({ taxCode: 'B2' }) });
    expect(next.body.debtor.requestNo).toBe('6000005');
    const nextSale = await call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ invoiceNo: 'F-2' }) });
    expect(BigInt(nextSale.body.sale.saleCesceReferenceNo)).toBe(BigInt(ref) + 1n);
  });

  it('keeps every recorded duplicate across a restart', async () => {
    const stateFile = join(dir, 'state.json');
    emu = await start({ stateFile });
    const token = await getToken(emu);
    await call(emu, 'POST', salesPath(C.main), { token, json: saleBody() });
    await call(emu, 'POST', salesPath(C.main), { token, json: saleBody() });
    await emu.close();
    emu = await start({ stateFile });
    const sales = emu.state().policies.find((p) => p.contractNo === C.main)!.sales;
    expect(sales.filter((s) => s.invoiceNo === 'F-2026-0001')).toHaveLength(2);
  });

  it('does not write rejected requests', async () => {
    const stateFile = join(dir, 'state.json');
    emu = await start({ stateFile });
    const token = await getToken(emu);
    const saved = readFileSync(stateFile, 'utf8');
    const r = await call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ currencyCode: 'USD' }) });
    expect(r.status).toBe(400);
    expect(readFileSync(stateFile, 'utf8')).toBe(saved);
  });

  it('refuses a corrupt state file, naming it', async () => {
    const stateFile = join(dir, 'state.json');
    writeFileSync(stateFile, '{"format":"cesce-sandbox-state","version":1}');
    await expect(start({ stateFile })).rejects.toThrow(stateFile);
    await expect(start({ stateFile })).rejects.toThrow('$.lastRequestNo');
  });

  it('state() is a deep copy', async () => {
    emu = await start();
    const s = emu.state();
    s.policies[0]!.classifications.length = 0;
    s.policies[0]!.sales.push({ ...s.policies[0]!.sales[0]! });
    expect(emu.state().policies[0]!.classifications).toHaveLength(fixtureData().policies[0]!.classifications.length);
    expect(emu.state().policies[0]!.sales).toHaveLength(1);
  });

  it('does not share the seed object it was given', async () => {
    const data = fixtureData();
    emu = await start({ data });
    const token = await getToken(emu);
    await call(emu, 'POST', salesPath(C.main), { token, json: saleBody() });
    expect(data.policies[0]!.sales).toHaveLength(1);
  });

  it('survives a restart: deactivation, cancellation, premium answers, prórrogas, collections and their numbering', async () => {
    const stateFile = join(dir, 'state.json');
    emu = await start({ stateFile });
    const token = await getToken(emu);
    const post = (path: string, json: unknown) => call(emu!, 'POST', path, { token, json });
    expect((await post(classificationOpPath(C.main, 'activate-deactivate'), { endorsementNo: '5000005', activeInd: 'N' })).status).toBe(200);
    expect((await post(classificationOpPath(C.main, 'cancel'), { requestNo: '5000002' })).status).toBe(200);
    expect((await post(classificationOpPath(C.main, 'accept-deny-premium'), { endorsementNo: '5000006', premiumAcceptedInd: 'S' })).status).toBe(200);
    const ext = await post(salePath(C.main), { saleCesceReferenceNo: '9000000100', extensionInd: 'S', dueDate: '20260610', maturityAmount: '500,00' });
    expect(ext.status).toBe(201);
    const first = await post(collectionsPath(C.main), collectionBody({ collectedAmount: '100,00' }));
    expect(first.body.collection.collectionReferenceNo).toBe('7000000001');
    const before = emu.state();
    await emu.close();

    expect(sandboxDataSchema.safeParse(stateFileSchema.parse(JSON.parse(readFileSync(stateFile, 'utf8'))).data).success).toBe(true);
    emu = await start({ stateFile });
    expect(emu.state().policies).toEqual(before.policies);
    const main = emu.state().policies[0]!;
    expect(main.classifications.find((c) => c.requestNo === '5000005')!.active).toBe(false);
    expect(main.classifications.find((c) => c.requestNo === '5000002')!.statusCode).toBe('66');
    expect(main.classifications.find((c) => c.requestNo === '5000006')!.premium!.status).toBe('accepted');
    expect(main.sales.find((s) => s.originalSaleCesceReferenceNo === '9000000100')!.maturityAmount).toBe('500.00');
    const token2 = await getToken(emu);
    // 1000 − 500 prorogued − 100 collected = 400 left; numbering goes on.
    const second = await call(emu, 'POST', collectionsPath(C.main), { token: token2, json: collectionBody({ collectedAmount: '400,00' }) });
    expect(second.body.collection).toMatchObject({ collectionReferenceNo: '7000000002', outstandingAmount: '0,00' });
  });

  it('serialises concurrent declarations: unique references, nothing lost', async () => {
    const stateFile = join(dir, 'state.json');
    emu = await start({ stateFile });
    const token = await getToken(emu);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(emu!, 'POST', salesPath(C.main), { token, json: saleBody({ invoiceNo: `P-${i}` }) }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const refs = new Set(results.map((r) => r.body.sale.saleCesceReferenceNo));
    expect(refs.size).toBe(40);
    await emu.close();
    emu = await start({ stateFile });
    expect(emu.state().policies[0]!.sales).toHaveLength(41);
  });
});
