import { afterEach, describe, expect, it } from 'vitest';
import type { CesceEmulator } from './server.js';
import { C, call, classificationBody, classificationsPath, getToken, saleBody, salesPath, start } from './test-support.js';

let emu: CesceEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('latency injection', () => {
  it('delays answers after the request has taken effect', async () => {
    emu = await start({ latencyMs: 150 });
    const token = await getToken(emu);
    const cls = await call(emu, 'POST', classificationsPath(C.main), { token, json: classificationBody() });
    const endorsementNo = cls.body.debtor.endorsementNo as string;
    const salesBefore = emu.state().policies.find((p) => p.contractNo === C.main)!.sales.length;

    const started = Date.now();
    const pending = call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ endorsementNo }) });
    await new Promise((r) => setTimeout(r, 60));
    // Recorded before the client has its answer.
    expect(emu.state().policies.find((p) => p.contractNo === C.main)!.sales.length).toBe(salesBefore + 1);
    const answer = await pending;
    expect(answer.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
