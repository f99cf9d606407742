import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_FILE, loadSandboxData, parseSandboxData, SandboxDataError, sandboxDataSchema } from './data.js';
import { startCesceEmulator } from './server.js';
import { fixtureData } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'cesce-sandbox-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadSandboxData', () => {
  it('loads a valid file', () => {
    const file = write('ok.json', fixtureData());
    const data = loadSandboxData(file);
    expect(data.policies).toHaveLength(4);
    expect(data.applications[0]!.clientId).toBe('app-full');
  });

  it('names the file and the JSON path of each problem', () => {
    const bad = fixtureData() as any;
    bad.policies[1].expiryDate = '31/12/2030';
    bad.policies[0].classifications[2].creditLimitGranted = '1.000,00';
    bad.applications[0].scopes = ['read', 'admin'];
    const file = write('bad.json', bad);
    let error: unknown;
    try {
      loadSandboxData(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SandboxDataError);
    const e = error as SandboxDataError;
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
    expect(e.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        '$.policies[1].expiryDate',
        '$.policies[0].classifications[2].creditLimitGranted',
        '$.applications[0].scopes[1]',
      ]),
    );
    expect(e.message).toContain('$.policies[1].expiryDate: expected a date as YYYY-MM-DD');
  });

  it('reports unreadable files, bad JSON, bad contract numbers and duplicates', () => {
    expect(() => loadSandboxData(join(dir, 'missing.json'))).toThrow(/missing\.json[\s\S]*cannot read the file/);
    expect(() => loadSandboxData(write('broken.json', '{"applications": ['))).toThrow(/broken\.json[\s\S]*not valid JSON/);
    const data = fixtureData() as any;
    data.policies[1].contractNo = '341 09150331';
    data.policies[2].contractNo = data.policies[0].contractNo;
    data.applications[1].clientId = 'app-full';
    const file = write('dups.json', data);
    expect(() => loadSandboxData(file)).toThrow(/\$\.policies\[1\]\.contractNo: contract number/);
    expect(() => loadSandboxData(file)).toThrow(/\$\.policies\[2\]\.contractNo: duplicate contractNo '34109150331'/);
    expect(() => loadSandboxData(file)).toThrow(/\$\.applications\[1\]\.clientId: duplicate clientId/);
  });

  it('validates options.data too', async () => {
    const data = fixtureData() as any;
    data.policies[0].currencies = ['euro'];
    expect(() => parseSandboxData(data)).toThrow('$.policies[0].currencies[0]');
    await expect(startCesceEmulator({ data })).rejects.toThrow('(options.data)');
  });

  it('accepts the minimal documented shape (optional fields left out)', () => {
    const minimal = {
      applications: [{ clientId: 'a', clientSecret: 'b', scopes: ['read'], products: ['oauth'], policyholderTaxCode: 'B65410011' }],
      policies: [
        {
          contractNo: '38100029218',
          policyholderTaxCode: 'B65410011',
          policyholderName: 'X',
          effectiveDate: '2026-01-01',
          expiryDate: '2026-12-31',
          currencies: ['EUR'],
          options: { creditNotes: false, endorsements: false, maxPaymentTermDays: 60 },
          classificationRules: { autoGrantUpTo: '0.00', deniedTaxCodes: [], inProgressTaxCodes: [] },
          classifications: [],
        },
      ],
    };
    expect(sandboxDataSchema.safeParse(minimal).success).toBe(true);
  });

  it('checks the optional fields of the newer operations', () => {
    const data = fixtureData() as any;
    data.movementsPageSize = 0;
    data.policies[0].classifications[0].premium = { amount: '0.00', currency: 'EUR', status: 'pending' };
    data.policies[0].classifications[1].active = 'no';
    data.policies[0].subsidiaries.push({ code: 'F01', name: 'Otra' });
    data.policies[0].sales.push({ ...data.policies[0].sales[0], saleCesceReferenceNo: '9000000101', originalSaleCesceReferenceNo: '1' });
    const collection = {
      collectionReferenceNo: '7000000001',
      saleCesceReferenceNo: '9000000100',
      endorsementNo: '5000001',
      collectionDate: '2026-03-01',
      collectedAmount: '10.00',
      currencyCode: 'EUR',
      declarationDate: '2026-03-01',
    };
    data.policies[0].collections = [collection, { ...collection, collectedAmount: '0' }];
    data.policies[1].collections = [{ ...collection, collectionReferenceNo: '7000000002' }];
    let error: SandboxDataError | undefined;
    try {
      parseSandboxData(data);
    } catch (e) {
      error = e as SandboxDataError;
    }
    expect(error?.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        '$.movementsPageSize',
        '$.policies[0].classifications[0].premium.amount',
        '$.policies[0].classifications[0].premium.status',
        '$.policies[0].classifications[1].active',
      ]),
    );
    // Cross-record checks run once the shapes are valid.
    const shapes = fixtureData() as any;
    shapes.policies[0].subsidiaries.push({ code: 'F01', name: 'Otra' });
    shapes.policies[0].sales.push({ ...shapes.policies[0].sales[0], saleCesceReferenceNo: '9000000101', originalSaleCesceReferenceNo: '1' });
    shapes.policies[0].collections = [collection, collection];
    shapes.policies[1].collections = [{ ...collection, collectionReferenceNo: '7000000002' }];
    expect(() => parseSandboxData(shapes)).toThrow(
      /\$\.policies\[0\]\.sales\[1\]\.originalSaleCesceReferenceNo: no sale '1' on this policy[\s\S]*\$\.policies\[0\]\.collections\[1\]\.collectionReferenceNo: duplicate collectionReferenceNo '7000000001'[\s\S]*\$\.policies\[0\]\.subsidiaries\[3\]\.code: duplicate subsidiary code 'F01'[\s\S]*\$\.policies\[1\]\.collections\[0\]\.saleCesceReferenceNo: no sale '9000000100' on this policy/,
    );
  });

  it('DEFAULT_DATA_FILE points at a valid data/demo.json', async () => {
    expect(DEFAULT_DATA_FILE).toMatch(/packages[\\/]sandbox[\\/]data[\\/]demo\.json$/);
    expect(() => loadSandboxData(DEFAULT_DATA_FILE)).not.toThrow();
    const emu = await startCesceEmulator();
    try {
      expect(emu.state().policies.length).toBeGreaterThan(0);
    } finally {
      await emu.close();
    }
  });
});
