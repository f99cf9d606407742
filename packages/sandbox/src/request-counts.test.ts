import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_COUNTS_PATH, type CesceEmulator } from './server.js';
import { C, call, classificationsPath, getToken, start } from './test-support.js';

let emu: CesceEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe(`GET ${REQUEST_COUNTS_PATH}`, () => {
  it('counts the requests answered so far by operation, not itself', async () => {
    emu = await start();
    const counts = async () => (await (await fetch(`${emu!.url}${REQUEST_COUNTS_PATH}`)).json()) as { total: number; byOperation: Record<string, number> };
    expect(await counts()).toEqual({ total: 0, byOperation: {} });
    const token = await getToken(emu);
    await call(emu, 'GET', classificationsPath(C.main, '?taxCode=B12345678&countryCode=ES'), { token });
    await fetch(`${emu.url}/no/such/path`);
    expect(await counts()).toEqual({ total: 3, byOperation: { token: 1, 'classifications.query': 1, other: 1 } });
  });
});
