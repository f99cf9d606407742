import { ErpError } from '@cesce-connect/core';
import type { Debtor, SaleDocument } from '@cesce-connect/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCaller, startSoapServer, type TestSoapServer } from './paging/test-kit.js';
import { parseProfile, type LoadedProfile } from './profile/load.js';
import { createSoapErpSource } from './source.js';

/** A tiny SAP-shaped dataset: what BAPI answers look like once node-soap has parsed them. */
const CUSTOMERS = [
  { CUSTOMER: '0000001000', NAME: 'Construcciones Norte SL', COUNTRY: 'ESP', CITY: 'Bilbao' },
  { CUSTOMER: '0000001001', NAME: 'Sin NIF SA', COUNTRY: 'ES', CITY: 'Madrid' },
  // Listed by GETLIST (all company codes) but not created in company code 1000: its detail and
  // its open items are refused with RETURN errors, which must not stop the run.
  { CUSTOMER: '0000001002', NAME: 'Otra Sociedad SL', COUNTRY: 'ES', CITY: 'Sevilla' },
];
const DETAILS: Record<string, unknown> = {
  '0000001000': {
    CUSTOMERGENERALDETAIL: { STCEG: 'es-b12.345.674' },
    CUSTOMERCOMPANYDETAIL: { CRED_LIMIT: '25000.00' },
    RETURN: { item: { TYPE: 'S', MESSAGE: 'ok' } },
  },
  // No VAT, no credit limit, and no RETURN table at all (an optional table left out).
  '0000001001': { CUSTOMERGENERALDETAIL: { STCEG: '' }, CUSTOMERCOMPANYDETAIL: null },
};
const BILLING = [
  // nil due date: the open item gives it; amount as an attribute-with-text value.
  { BILLINGDOC: '0090000001', SD_DOC_CAT: 'M', PAYER: '0000001000', BILL_DATE: '20260105', DUE_DATE: null, NET_VALUE: { attributes: { currency: 'EUR' }, $value: '1210.00' }, UPDATED: '2026-01-05' },
  { BILLINGDOC: '0090000002', SD_DOC_CAT: 'M', PAYER: '0000001000', BILL_DATE: '20260110', DUE_DATE: '2026-02-09', NET_VALUE: '500.5', CURRENCY: 'EUR', UPDATED: '2026-02-03' },
  // A credit memo with a negative amount.
  { BILLINGDOC: '0090000003', SD_DOC_CAT: 'O', PAYER: '0000001000', BILL_DATE: '20260112', DUE_DATE: '2026-01-12', NET_VALUE: '-121.00', CURRENCY: 'EUR', REF_DOC: '0090000001', UPDATED: '2026-01-12' },
  { BILLINGDOC: '0090000004', SD_DOC_CAT: 'N', PAYER: '0000001000', BILL_DATE: '20260113', NET_VALUE: '10.00', CURRENCY: 'EUR', UPDATED: '2026-01-13' },
  { BILLINGDOC: '0090000005', SD_DOC_CAT: 'M', PAYER: '0000001000', BILL_DATE: '20260114', NET_VALUE: '10.00', CURRENCY: 'EUR', CANCELLED: 'X', UPDATED: '2026-01-14' },
  // A customer whose open-item answer has no LINEITEMS table: no due date anywhere.
  { BILLINGDOC: '0090000006', SD_DOC_CAT: 'M', PAYER: '0000001001', BILL_DATE: '20260115', NET_VALUE: '99.99', CURRENCY: 'EUR', UPDATED: '2026-01-15' },
  // Paid already: only a cleared item (BAPI_AR_ACC_GETBALANCEDITEMS) gives its due date, baseline + terms.
  { BILLINGDOC: '0090000009', SD_DOC_CAT: 'M', PAYER: '0000001001', BILL_DATE: '20260118', NET_VALUE: '300.00', CURRENCY: 'EUR', UPDATED: '2026-01-18' },
  { BILLINGDOC: '0090000007', SD_DOC_CAT: 'Z', PAYER: '0000001000', BILL_DATE: '20260116', DUE_DATE: '2026-02-16', NET_VALUE: '1.00', CURRENCY: 'EUR', UPDATED: '2026-01-16' },
  { BILLINGDOC: '0090000008', SD_DOC_CAT: 'M', PAYER: '0000001000', BILL_DATE: '20261340', DUE_DATE: '2026-02-16', NET_VALUE: '1,5', CURRENCY: 'JPY', UPDATED: '2026-01-17' },
  { BILLINGDOC: '0090000011', SD_DOC_CAT: 'M', PAYER: '0000001002', BILL_DATE: '20260120', NET_VALUE: '10.00', CURRENCY: 'EUR', UPDATED: '2026-01-20' },
  // Yen have no decimals: 1234.56 JPY is a data error, never silently 1235.
  { BILLINGDOC: '0090000010', SD_DOC_CAT: 'M', PAYER: '0000001000', BILL_DATE: '20260119', DUE_DATE: '2026-02-19', NET_VALUE: '1234.56', CURRENCY: 'JPY', UPDATED: '2026-01-19' },
];
const OPEN_ITEMS: Record<string, unknown> = {
  // A one-row table: a bare item.
  '0000001000': { LINEITEMS: { item: { BILL_DOC: '0090000001', NETDUEDATE: '20260204' } }, RETURN: null },
  '0000001001': { RETURN: { item: [{ TYPE: 'I', MESSAGE: 'no open items' }, { TYPE: 'W', MESSAGE: 'key date in the future' }] } },
  '0000001002': { RETURN: { item: { TYPE: 'E', ID: 'F2', NUMBER: '165', MESSAGE: 'Customer 0000001002 has not been created for company code 1000' } } },
};

const CLEARED_ITEMS: Record<string, unknown> = {
  '0000001001': { LINEITEMS: { item: { BILL_DOC: '0090000009', BLINE_DATE: '2026-01-20', NETTERMS: '030' } } },
};

const state = { failCustomers: false };
let server: TestSoapServer;

const profileData = (wsdl: string) => ({
  name: 'test-sap',
  services: { sap: { wsdl } },
  customers: {
    service: 'sap',
    operation: 'BAPI_CUSTOMER_GETLIST',
    request: { MAXROWS: 0, COMPANYCODE: '{{company.id}}', RETURN: '' },
    recordsPath: 'ADDRESSDATA.item',
    arrayPaths: ['ADDRESSDATA.item', 'RETURN.item'],
    errors: { path: 'RETURN.item' },
    detail: {
      service: 'sap',
      operation: 'BAPI_CUSTOMER_GETDETAIL2',
      request: { CUSTOMERNO: '{{record.CUSTOMER}}', COMPANYCODE: '{{company.id}}' },
      errors: { path: 'RETURN.item' },
    },
    fields: {
      erpId: { path: 'CUSTOMER', transforms: ['alphaStrip'] },
      name: 'NAME',
      taxId: { path: 'detail.CUSTOMERGENERALDETAIL.STCEG', transforms: ['taxId'] },
      countryCode: { path: 'COUNTRY', transforms: ['country'] },
      city: 'CITY',
      customerReference: 'CUSTOMER',
      requestedCreditLimit: { path: 'detail.CUSTOMERCOMPANYDETAIL.CRED_LIMIT', transforms: [{ decimal: {} }] },
    },
  },
  invoices: {
    label: 'billing document',
    service: 'sap',
    operation: 'BAPI_BILLINGDOC_GETLIST',
    request: { CHANGED_SINCE: '{{since}}', RETURN: '' },
    recordsPath: 'BILLINGDOCUMENTDETAIL.item',
    arrayPaths: ['RETURN.item'],
    errors: { path: 'RETURN.item' },
    fields: {
      erpId: 'BILLINGDOC',
      number: { path: 'BILLINGDOC', transforms: ['alphaStrip'] },
      kind: { path: 'SD_DOC_CAT', transforms: [{ enum: { M: 'invoice', O: 'credit_note', N: 'ignore' } }] },
      debtorErpId: { path: 'PAYER', transforms: ['alphaStrip'] },
      invoiceDate: { path: 'BILL_DATE', transforms: [{ date: 'YYYYMMDD' }] },
      dueDate: { path: 'DUE_DATE', transforms: [{ date: 'YYYY-MM-DD' }] },
      amount: { path: 'NET_VALUE', transforms: [{ decimal: {} }] },
      currency: { path: ['NET_VALUE.attributes.currency', 'CURRENCY'] },
      originErpId: 'REF_DOC',
      originNumber: { path: 'REF_DOC', transforms: ['alphaStrip'] },
      updatedAt: 'UPDATED',
      cancelled: { path: 'CANCELLED', transforms: [{ bool: { true: ['X'], false: [''] } }] },
    },
    byId: {
      service: 'sap',
      operation: 'BAPI_BILLINGDOC_GETDETAIL',
      request: { BILLINGDOCUMENT: '{{id}}' },
      recordPath: 'BILLINGDOCUMENTDETAIL',
      arrayPaths: ['RETURN.item'],
      errors: { path: 'RETURN.item' },
    },
  },
  openItems: {
    service: 'sap',
    operation: 'BAPI_AR_ACC_GETOPENITEMS',
    request: { COMPANYCODE: '{{company.id}}', CUSTOMER: '{{customer.sourceId}}', MAPPED: '{{customer.erpId}}', KEYDATE: '{{today}}' },
    perCustomer: true,
    recordsPath: 'LINEITEMS.item',
    arrayPaths: ['LINEITEMS.item', 'RETURN.item'],
    errors: { path: 'RETURN.item' },
    join: { documentKey: 'BILLINGDOC', itemKey: 'BILL_DOC' },
    fields: { dueDate: { path: 'NETDUEDATE', transforms: [{ date: 'YYYYMMDD' }] } },
  },
  clearedItems: {
    service: 'sap',
    operation: 'BAPI_AR_ACC_GETBALANCEDITEMS',
    request: { COMPANYCODE: '{{company.id}}', CUSTOMER: '{{customer.sourceId}}', DATE_FROM: '2026-01-01', DATE_TO: '{{today}}' },
    perCustomer: true,
    recordsPath: 'LINEITEMS.item',
    arrayPaths: ['LINEITEMS.item'],
    join: { documentKey: 'BILLINGDOC', itemKey: 'BILL_DOC' },
    fields: { dueDate: { path: 'BLINE_DATE', transforms: [{ date: 'YYYY-MM-DD' }, { addDays: 'NETTERMS' }] } },
  },
  incremental: { fullSince: '2000-01-01' },
});

beforeAll(async () => {
  server = await startSoapServer({
    BAPI_CUSTOMER_GETLIST: () =>
      state.failCustomers
        ? { ADDRESSDATA: null, RETURN: { item: [{ TYPE: 'E', ID: 'F2', NUMBER: '153', MESSAGE: 'Company code 1000 is not defined' }, { TYPE: 'W', MESSAGE: 'ignored warning' }] } }
        : { ADDRESSDATA: { item: CUSTOMERS }, RETURN: null },
    BAPI_CUSTOMER_GETDETAIL2: (a) => DETAILS[String(a.CUSTOMERNO)] ?? { RETURN: { item: { TYPE: 'E', MESSAGE: 'no such customer' } } },
    BAPI_BILLINGDOC_GETLIST: (a) => ({
      BILLINGDOCUMENTDETAIL: { item: BILLING.filter((b) => b.UPDATED >= String(a.CHANGED_SINCE)) },
      RETURN: { item: { TYPE: 'W', MESSAGE: 'selection is wide' } },
    }),
    BAPI_BILLINGDOC_GETDETAIL: (a) => {
      const doc = BILLING.find((b) => b.BILLINGDOC === a.BILLINGDOCUMENT);
      return doc ? { BILLINGDOCUMENTDETAIL: doc, RETURN: null } : { RETURN: { item: { TYPE: 'E', MESSAGE: `Billing document ${String(a.BILLINGDOCUMENT)} does not exist` } } };
    },
    BAPI_AR_ACC_GETOPENITEMS: (a) => OPEN_ITEMS[String(a.CUSTOMER)] ?? {},
    BAPI_AR_ACC_GETBALANCEDITEMS: (a) => CLEARED_ITEMS[String(a.CUSTOMER)] ?? {},
  });
});
afterAll(() => server.close());

function source() {
  const loaded: LoadedProfile = { profile: parseProfile(profileData(server.wsdlUrl), 'test'), dir: '.', source: 'test' };
  return createSoapErpSource({
    profile: loaded,
    connection: { baseUrl: 'http://sap.example', auth: { type: 'none' } },
    company: { id: '1000', name: 'Demo SA', taxCode: 'A28123453', currency: 'EUR' },
    caller: testCaller({ sap: server.wsdlUrl }),
    today: () => '2026-03-01',
  });
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('SOAP ERP source over a SOAP server', () => {
  it('connects and describes itself; read-only, incremental, scoped', async () => {
    const src = source();
    expect(await src.connect()).toEqual({ system: 'test-sap', version: 'SOAP 1.1', company: { id: '1000', name: 'Demo SA', taxCode: 'A28123453', currency: 'EUR' }, url: 'http://sap.example' });
    expect(src.capabilities).toEqual({ incremental: true, scope: 'soap:test-sap:http://sap.example:1000', writeBack: false });
    await expect(src.writeSale({ documentErpId: '1', state: 'declared', saleCesceReferenceNo: 'X' })).rejects.toThrow(/write-back is not supported by SOAP profiles/);
  });

  it('reads debtors with their detail; a customer without VAT gets a blocking issue', async () => {
    const debtors = await all(source().debtors());
    const byId = new Map<string, Debtor>(debtors.map((d) => [d.erpId, d]));
    expect(byId.get('1000')).toMatchObject({
      ref: 'test-sap customer 1000 Construcciones Norte SL',
      name: 'Construcciones Norte SL',
      taxCode: 'B12345674',
      countryCode: 'ES',
      customerReference: '0000001000',
      address: { city: 'Bilbao', countryCode: 'ES', street: null },
      requestedCreditLimit: { currency: 'EUR', amount: '25000.00' },
      active: true,
      issues: [],
    });
    expect(byId.get('1001')!.taxCode).toBeNull();
    expect(byId.get('1001')!.requestedCreditLimit).toBeNull();
    expect(byId.get('1001')!.issues).toEqual([
      { record: 'test-sap customer 1001 Sin NIF SA', field: 'taxId (detail.CUSTOMERGENERALDETAIL.STCEG)', message: 'no tax id (VAT) is set', severity: 'blocking' },
    ]);
    // The customer the ERP refuses to detail is blocked with the ERP's message; the run goes on.
    expect(byId.get('1002')!.issues).toContainEqual(
      expect.objectContaining({ field: 'detail (BAPI_CUSTOMER_GETDETAIL2)', severity: 'blocking', message: expect.stringContaining('the ERP refused its detail') }),
    );
    const details = server.calls.filter((c) => c.operation === 'BAPI_CUSTOMER_GETDETAIL2').map((c) => c.args.CUSTOMERNO);
    expect(details).toEqual(expect.arrayContaining(['0000001000', '0000001001']));
  });

  it('turns a RETURN row of type E into an ErpError naming the operation; W rows are ignored', async () => {
    state.failCustomers = true;
    try {
      const error = await all(source().debtors()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErpError);
      expect((error as ErpError).message).toBe('test-sap customers (BAPI_CUSTOMER_GETLIST): BAPI_CUSTOMER_GETLIST returned an error: E: Company code 1000 is not defined');
      expect((error as ErpError).message).not.toMatch(/ignored warning/);
    } finally {
      state.failCustomers = false;
    }
  });

  it('reads documents: open-item due dates, credit memos, ignored and cancelled ones, issues naming record and field', async () => {
    const docs = await all(source().documents());
    const byId = new Map<string, SaleDocument>(docs.map((d) => [d.erpId, d]));
    expect([...byId.keys()].sort()).toEqual(['0090000001', '0090000002', '0090000003', '0090000006', '0090000007', '0090000008', '0090000009', '0090000010', '0090000011']);
    expect(byId.get('0090000011')!.issues).toEqual([
      {
        record: 'test-sap billing document 0090000011',
        field: expect.stringContaining('dueDate'),
        message: expect.stringContaining("the ERP refused its customer's items: "),
        severity: 'blocking',
      },
    ]);
    expect(byId.get('0090000011')!.issues[0]!.message).toContain('has not been created for company code 1000');
    expect(byId.get('0090000010')!.issues.map((i) => [i.field, i.message])).toEqual([
      ['amount (NET_VALUE)', 'the total 1234.56 has more decimals than JPY allows (0): it would be rounded; correct it in the ERP'],
    ]);
    expect(byId.get('0090000009')).toMatchObject({ dueDate: '2026-02-19', debtorErpId: '1001', issues: [] });

    expect(byId.get('0090000001')).toEqual({
      kind: 'invoice',
      erpId: '0090000001',
      number: '90000001',
      ref: 'test-sap billing document 0090000001 90000001',
      debtorErpId: '1000',
      invoiceDate: '2026-01-05',
      dueDate: '2026-02-04',
      total: { currency: 'EUR', amount: '1210.00' },
      originErpId: null,
      originNumber: null,
      updatedAt: '2026-01-05',
      issues: [],
    });
    expect(byId.get('0090000002')).toMatchObject({ dueDate: '2026-02-09', total: { currency: 'EUR', amount: '500.50' }, issues: [] });
    expect(byId.get('0090000003')).toMatchObject({ kind: 'credit_note', total: { currency: 'EUR', amount: '121.00' }, originErpId: '0090000001', originNumber: '90000001', issues: [] });

    expect(byId.get('0090000006')!.issues).toEqual([
      { record: 'test-sap billing document 0090000006', field: 'dueDate (DUE_DATE)', message: 'the document has no due date, and no open or cleared item joins it', severity: 'blocking' },
    ]);
    expect(byId.get('0090000007')!.issues).toEqual([
      { record: 'test-sap billing document 0090000007', field: 'kind (SD_DOC_CAT)', message: "enum: unknown code; expected one of M, O, N (value 'Z')", severity: 'blocking' },
    ]);
    const bad = byId.get('0090000008')!;
    expect(bad.issues.map((i) => [i.field, i.message])).toEqual([
      ['invoiceDate (BILL_DATE)', "date YYYYMMDD: 2026-13-40 is not a calendar date (value '20261340')"],
      ['amount (NET_VALUE)', "decimal (separator '.'): not a decimal number (value '1,5')"],
    ]);
    // Open items were read once per customer of the documents: the source's padded KUNNR and the mapped id.
    const oi = server.calls.filter((c) => c.operation === 'BAPI_AR_ACC_GETOPENITEMS').map((c) => [c.args.CUSTOMER, c.args.MAPPED, c.args.KEYDATE]);
    expect(oi.slice(-3)).toEqual([
      ['0000001000', '1000', '2026-03-01'],
      ['0000001001', '1001', '2026-03-01'],
      ['0000001002', '1002', '2026-03-01'],
    ]);
    // Cleared items only for customers with documents that no open item joins (all three here), once each.
    const cleared = server.calls.filter((c) => c.operation === 'BAPI_AR_ACC_GETBALANCEDITEMS').map((c) => c.args.CUSTOMER);
    expect(cleared.slice(-3)).toEqual(['0000001000', '0000001001', '0000001002']);
  });

  it('filters by fromDate and reads incrementally from the watermark', async () => {
    const first = server.calls.length;
    const from = await all(source().documents({ fromDate: '2026-01-11' }));
    expect(server.calls.slice(first).find((c) => c.operation === 'BAPI_BILLINGDOC_GETLIST')!.args.CHANGED_SINCE).toBe('2000-01-01');
    expect(from.map((d) => d.erpId).sort()).toEqual(['0090000003', '0090000006', '0090000007', '0090000008', '0090000009', '0090000010', '0090000011']);

    const before = server.calls.length;
    const changed = await all(source().documents({ changedSince: { updatedAt: '2026-02-01', erpId: '0090000001' } }));
    expect(changed.map((d) => d.erpId)).toEqual(['0090000002']);
    expect(server.calls.slice(before).find((c) => c.operation === 'BAPI_BILLINGDOC_GETLIST')!.args.CHANGED_SINCE).toBe('2026-02-01');
  });

  it('reads documents by id; an id the ERP does not know is absent', async () => {
    const before = server.calls.length;
    const docs = await all(source().documentsByIds!(['0090000001', '0090009999', '0090000003']));
    expect(server.calls.slice(before).filter((c) => c.operation === 'BAPI_BILLINGDOC_GETDETAIL').map((c) => c.args.BILLINGDOCUMENT)).toEqual(['0090000001', '0090009999', '0090000003']);
    expect(docs.map((d) => [d.erpId, d.kind, d.dueDate])).toEqual([
      ['0090000001', 'invoice', '2026-02-04'],
      ['0090000003', 'credit_note', '2026-01-12'],
    ]);
  });

  it('uses the package SoapCaller when none is given', async () => {
    const loaded: LoadedProfile = { profile: parseProfile(profileData(server.wsdlUrl), 'test'), dir: '.', source: 'test' };
    const src = createSoapErpSource({
      profile: loaded,
      connection: { baseUrl: server.url, auth: { type: 'none' }, timeoutMs: 5000 },
      company: { id: '1000', name: 'Demo SA', taxCode: null, currency: 'EUR' },
      today: () => '2026-03-01',
    });
    try {
      expect((await src.connect()).system).toBe('test-sap');
      const docs = await all(src.documents());
      expect(docs.find((d) => d.erpId === '0090000001')).toMatchObject({ dueDate: '2026-02-04', total: { currency: 'EUR', amount: '1210.00' }, issues: [] });
      expect(docs.find((d) => d.erpId === '0090000003')).toMatchObject({ kind: 'credit_note', total: { amount: '121.00' } });
      const debtors = await all(src.debtors());
      expect(debtors.find((d) => d.erpId === '1001')!.issues.map((i) => i.field)).toEqual(['taxId (detail.CUSTOMERGENERALDETAIL.STCEG)']);
    } finally {
      await src.close();
    }
  });
});
