import * as soap from 'soap';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSapDataset } from './dataset.js';
import { SAP_TEST_USER, sapTestDataset } from './fixture.js';
import { parsePitfallWords, startSoapErpEmulator } from '../emulator.js';
import { startSapEmulator, type SapEmulator, type SapEmulatorOptions } from './emulator.js';

const USER = SAP_TEST_USER;
const AUTH = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
const dataset = sapTestDataset;

let emulator: SapEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Omit<SapEmulatorOptions, 'data'> = {}): Promise<SapEmulator> {
  emulator = await startSapEmulator({ data: dataset(), ...options });
  return emulator;
}

/** A plain node-soap client on the function module's service, with basic auth and the endpoint override. */
async function client(emu: SapEmulator, fm: string, options: soap.IOptions = {}): Promise<soap.Client> {
  const endpoint = emu.url + emu.paths[fm]!;
  const c = await soap.createClientAsync(`${endpoint}?wsdl`, { disableCache: true, wsdl_headers: { Authorization: AUTH }, ...options });
  c.setSecurity(new soap.BasicAuthSecurity(USER.username, USER.password));
  c.setEndpoint(endpoint);
  return c;
}

async function call(c: soap.Client, fm: string, args: object): Promise<Record<string, any>> {
  const [result] = await (c as unknown as Record<string, (a: object) => Promise<[Record<string, any>]>>)[`${fm}Async`]!(args);
  return result;
}

describe('SAP emulator over real SOAP', () => {
  it('serves RFC-shaped WSDLs naming an internal host, so the endpoint must be overridden', async () => {
    const emu = await start();
    const path = emu.paths.BAPI_CUSTOMER_GETDETAIL2!;
    expect(path).toBe('/sap/bc/srt/rfc/sap/zbapi_customer_getdetail2/100/zbapi_customer_getdetail2/zbapi_customer_getdetail2_bind');
    const wsdl = await (await fetch(`${emu.url}${path}?wsdl`, { headers: { Authorization: AUTH } })).text();
    expect(wsdl).toContain('targetNamespace="urn:sap-com:document:sap:rfc:functions"');
    expect(wsdl).toContain('<xsd:element name="BAPI_CUSTOMER_GETDETAIL2">');
    expect(wsdl).toContain(`location="http://sapprd01.corp.local:8000${path}"`);

    const c = await soap.createClientAsync(`${emu.url}${path}?wsdl`, { disableCache: true, wsdl_headers: { Authorization: AUTH } });
    c.setSecurity(new soap.BasicAuthSecurity(USER.username, USER.password));
    await expect(call(c, 'BAPI_CUSTOMER_GETDETAIL2', { CUSTOMERNO: '100001' })).rejects.toThrow(/sapprd01\.corp\.local/);
    c.setEndpoint(emu.url + path);
    const detail = await call(c, 'BAPI_CUSTOMER_GETDETAIL2', { CUSTOMERNO: '100001', COMPANYCODE: '1000' });
    expect(detail.CUSTOMERADDRESS.CUSTOMER).toBe('0000100001');
    expect(detail.CUSTOMERGENERALDETAIL).toMatchObject({ STCD1: 'B26123455', ZZ_CESCE_LIMIT: '25000.00' });
    expect(detail.CUSTOMERCOMPANYDETAIL.PMNTTRMS).toBe('NT60');
    expect(detail.RETURN.TYPE ?? '').toBe('');
    expect(emu.calls.map((x) => x.operation)).toEqual(['BAPI_CUSTOMER_GETDETAIL2']);
  });

  it('refuses calls and WSDLs without valid basic auth (401, SAP logon page)', async () => {
    const emu = await start();
    const path = emu.paths.BAPI_CUSTOMER_GETLIST!;
    const noAuth = await fetch(`${emu.url}${path}?wsdl`);
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toMatch(/^Basic realm="SAP NetWeaver/);
    const c = await client(emu, 'BAPI_CUSTOMER_GETLIST');
    c.setSecurity(new soap.BasicAuthSecurity(USER.username, 'wrong-password'));
    const error = await call(c, 'BAPI_CUSTOMER_GETLIST', { MAXROWS: 0 }).then(
      () => null,
      (e: { response?: { status?: number } }) => e,
    );
    expect(error?.response?.status).toBe(401);
    expect(emu.calls).toHaveLength(0);
  });

  it('returns a one-row table as a single <item> (node-soap reads the WSDL\'s maxOccurs and still gives an array)', async () => {
    const emu = await start();
    const c = await client(emu, 'BAPI_BILLINGDOC_GETLIST');
    const one = await call(c, 'BAPI_BILLINGDOC_GETLIST', { BILLDATERANGE: { SIGN: 'I', OPTION: 'BT', BILL_DATE_LOW: '2026-09-10', BILL_DATE_HIGH: '2026-09-16' } });
    expect(c.lastResponse!.match(/<item>/g)).toHaveLength(1);
    expect(c.lastResponse).toContain('<BILLINGDOCUMENTDETAIL><item><BILLINGDOC>0090000002</BILLINGDOC>');
    expect(one.BILLINGDOCUMENTDETAIL.item).toHaveLength(1);
    expect(one.BILLINGDOCUMENTDETAIL.item[0]).toMatchObject({ BILLINGDOC: '0090000002', SD_DOC_CAT: 'M', BILL_DATE: '2026-09-15', GROSS_VALUE: '500.10', PAYER: '0000100002' });
    const all = await call(c, 'BAPI_BILLINGDOC_GETLIST', { BILLDATERANGE: { SIGN: 'I', OPTION: 'BT', BILL_DATE_LOW: '2026-09-01', BILL_DATE_HIGH: '2026-09-30' } });
    expect(all.BILLINGDOCUMENTDETAIL.item.map((b: { BILLINGDOC: string }) => b.BILLINGDOC)).toEqual(['0090000001', '0090000002', '0090000003']);
    expect(all.BILLINGDOCUMENTDETAIL.item[2]).toMatchObject({ SD_DOC_CAT: 'O', BILL_TYPE: 'G2', REF_BILL_DOC: '0090000001', GROSS_VALUE: '121.00' });
    const byNumber = await call(c, 'BAPI_BILLINGDOC_GETLIST', { REFDOCRANGE: { SIGN: 'I', OPTION: 'EQ', REF_DOC_LOW: '90000003' } });
    expect(byNumber.BILLINGDOCUMENTDETAIL.item.map((b: { BILLINGDOC: string }) => b.BILLINGDOC)).toEqual(['0090000003']);
  });

  it('sends xsi:nil on the baseline date with the nilDueDate pitfall', async () => {
    const emu = await start({ pitfalls: { nilDueDate: ['0090000001'] } });
    const c = await client(emu, 'BAPI_AR_ACC_GETOPENITEMS', { handleNilAsNull: true });
    const open = await call(c, 'BAPI_AR_ACC_GETOPENITEMS', { COMPANYCODE: '1000', CUSTOMER: '0000100001', KEYDATE: '2026-12-01' });
    expect(c.lastResponse).toMatch(/<BLINE_DATE xsi:nil="true"/);
    expect(c.lastResponse).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
    const items = open.LINEITEMS.item as Array<Record<string, unknown>>;
    expect(items.find((i) => i.BILL_DOC === '0090000001')).toMatchObject({ BLINE_DATE: null, NETTERMS: '60', AMT_DOCCUR: '1210.00' });
    expect(items.find((i) => i.BILL_DOC === '0090000003')).toMatchObject({ BLINE_DATE: '2026-09-20', DB_CRED_IND: 'H' });
  });

  it('separates open items (at the key date) from cleared ones', async () => {
    const emu = await start();
    const open = await call(await client(emu, 'BAPI_AR_ACC_GETOPENITEMS'), 'BAPI_AR_ACC_GETOPENITEMS', { COMPANYCODE: '1000', CUSTOMER: '100002', KEYDATE: '2026-12-01' });
    expect(open.LINEITEMS ?? '').toBe('');
    const earlier = await call(await client(emu, 'BAPI_AR_ACC_GETOPENITEMS'), 'BAPI_AR_ACC_GETOPENITEMS', { COMPANYCODE: '1000', CUSTOMER: '100002', KEYDATE: '2026-10-01' });
    expect(earlier.LINEITEMS.item[0]).toMatchObject({ BILL_DOC: '0090000002', CLEAR_DATE: '0000-00-00' });
    const cleared = await call(await client(emu, 'BAPI_AR_ACC_GETBALANCEDITEMS'), 'BAPI_AR_ACC_GETBALANCEDITEMS', { COMPANYCODE: '1000', CUSTOMER: '0000100002', DATE_FROM: '2026-01-01', DATE_TO: '2026-12-31' });
    expect(cleared.LINEITEMS.item[0]).toMatchObject({ BILL_DOC: '0090000002', CLEAR_DATE: '2026-10-10', CLR_DOC_NO: '1500000001', BLINE_DATE: '2026-09-15', NETTERMS: '30' });
  });

  it('answers business errors as RETURN rows of type E, never as faults', async () => {
    const emu = await start({ pitfalls: { returnError: { BAPI_BILLINGDOC_GETLIST: 'No authorization for sales organization 1000' } } });
    const detail = await call(await client(emu, 'BAPI_CUSTOMER_GETDETAIL2'), 'BAPI_CUSTOMER_GETDETAIL2', { CUSTOMERNO: '9999', COMPANYCODE: '1000' });
    expect(detail.RETURN).toMatchObject({ TYPE: 'E', ID: 'F2', NUMBER: '163', MESSAGE: 'Customer 0000009999 does not exist' });
    const list = await call(await client(emu, 'BAPI_BILLINGDOC_GETLIST'), 'BAPI_BILLINGDOC_GETLIST', { BILLDATERANGE: { SIGN: 'I', OPTION: 'BT', BILL_DATE_LOW: '2026-09-01', BILL_DATE_HIGH: '2026-09-30' } });
    expect(list.RETURN.item[0]).toMatchObject({ TYPE: 'E', MESSAGE: 'No authorization for sales organization 1000' });
    expect(list.BILLINGDOCUMENTDETAIL ?? '').toBe('');
    const open = await call(await client(emu, 'BAPI_AR_ACC_GETOPENITEMS'), 'BAPI_AR_ACC_GETOPENITEMS', { COMPANYCODE: '2000', CUSTOMER: '100001' });
    expect(open.RETURN).toMatchObject({ TYPE: 'E', CODE: 'FN001' });
  });

  it('answers unknown input with a SOAP 1.1 fault, and SOAP 1.2 envelopes and faults with the soap12 pitfall', async () => {
    const emu11 = await start();
    const c11 = await client(emu11, 'BAPI_AR_ACC_GETOPENITEMS');
    await expect(call(c11, 'BAPI_AR_ACC_GETOPENITEMS', { COMPANYCODE: '1000', CUSTOMER: '100001', KEYDATE: '01.12.2026' })).rejects.toThrow(/soap:Client: Deserialization failed: value '01.12.2026' of element KEYDATE/);
    await emu11.close();
    emulator = undefined;

    const emu = await start({ pitfalls: { soap12: true } });
    const c = await client(emu, 'BAPI_AR_ACC_GETOPENITEMS', { forceSoap12Headers: true });
    const ok = await call(c, 'BAPI_AR_ACC_GETOPENITEMS', { COMPANYCODE: '1000', CUSTOMER: '100001', KEYDATE: '2026-12-01' });
    expect(ok.LINEITEMS.item).toHaveLength(2);
    expect(c.lastResponse).toContain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
    expect(String(c.lastResponseHeaders?.['content-type'])).toMatch(/^application\/soap\+xml/);
    const failure = await call(c, 'BAPI_AR_ACC_GETOPENITEMS', { COMPANYCODE: '1000', CUSTOMER: '100001', KEYDATE: 'tomorrow' }).then(
      () => null,
      (e: { body?: string; response?: { status?: number } }) => e,
    );
    expect(failure?.response?.status).toBe(500);
    expect(failure?.body).toMatch(/<soap:Fault><soap:Code><soap:Value>soap:Sender<\/soap:Value><\/soap:Code><soap:Reason><soap:Text>Deserialization failed: value &apos;tomorrow&apos;/);
    expect(failure?.body).not.toContain('faultstring');
  });

  it('answers in ISO-8859-1 with the latin1 pitfall (a UTF-8 reader garbles "Peña Ibáñez, S.L.")', async () => {
    const emu = await start({ pitfalls: { latin1: true } });
    const c = await client(emu, 'BAPI_CUSTOMER_GETDETAIL2');
    const garbled = await call(c, 'BAPI_CUSTOMER_GETDETAIL2', { CUSTOMERNO: '100001', COMPANYCODE: '1000' });
    expect(garbled.CUSTOMERADDRESS.NAME).not.toBe('Peña Ibáñez, S.L.');
    // The same request, read as bytes: ISO-8859-1 declared in the header and the XML declaration.
    const res = await fetch(emu.url + emu.paths.BAPI_CUSTOMER_GETDETAIL2!, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"urn:sap-com:document:sap:rfc:functions:ZBAPI_CUSTOMER_GETDETAIL2:BAPI_CUSTOMER_GETDETAIL2Request"' },
      body: c.lastRequest!,
    });
    expect(res.headers.get('content-type')).toBe('text/xml; charset=ISO-8859-1');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.includes(Buffer.from('Pe\u00f1a Ib\u00e1\u00f1ez, S.L.', 'latin1'))).toBe(true);
    const body = bytes.toString('latin1');
    expect(body.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>')).toBe(true);
    expect(body).toContain('<NAME>Peña Ibáñez, S.L.</NAME>');
    expect(body).toContain('<CITY>Logroño</CITY>');
  });

  it('returns only the tables the request sent (requireOutputTables) and can leave out empty tables (omitEmptyTables)', async () => {
    const emu = await start({ pitfalls: { requireOutputTables: true } });
    const c = await client(emu, 'BAPI_BILLINGDOC_GETLIST');
    const range = { SIGN: 'I', OPTION: 'BT', BILL_DATE_LOW: '2026-09-01', BILL_DATE_HIGH: '2026-09-30' };
    const without = await call(c, 'BAPI_BILLINGDOC_GETLIST', { BILLDATERANGE: range });
    expect(without?.BILLINGDOCUMENTDETAIL).toBeUndefined();
    const withTables = await call(c, 'BAPI_BILLINGDOC_GETLIST', { BILLDATERANGE: range, BILLINGDOCUMENTDETAIL: '', RETURN: '' });
    expect(withTables.BILLINGDOCUMENTDETAIL.item).toHaveLength(3);
    await emu.close();
    emulator = undefined;

    const emu2 = await start({ pitfalls: { omitEmptyTables: true } });
    const c2 = await client(emu2, 'BAPI_BILLINGDOC_GETLIST');
    await call(c2, 'BAPI_BILLINGDOC_GETLIST', { BILLDATERANGE: range });
    expect(c2.lastResponse).not.toContain('<RETURN');
    expect(c2.lastResponse).toContain('<BILLINGDOCUMENTDETAIL><item>');
  });

  it('validates the dataset with errors naming each field', () => {
    const bad = dataset();
    bad.customers[0]!.KUNNR = '100001';
    bad.billingDocuments[1]!.PAYER = '0000100009';
    bad.arItems[0]!.BLINE_DATE = '01.09.2026';
    expect(() => parseSapDataset(bad)).toThrow(
      /customers\.0\.KUNNR: expected 10 digits[\s\S]*arItems\.0\.BLINE_DATE: expected a date YYYY-MM-DD/,
    );
    const unknownPayer = dataset();
    unknownPayer.billingDocuments[1]!.PAYER = '0000100009';
    expect(() => parseSapDataset(unknownPayer)).toThrow(/billingDocuments\.1\.PAYER: unknown customer 0000100009/);
  });

  it('starts through startSoapErpEmulator with command-line pitfall words, and refuses unknown pitfalls', async () => {
    const pitfalls = parsePitfallWords(['nilDueDate=0090000001,0090000003', 'returnError=BAPI_CUSTOMER_GETLIST:Keine Berechtigung']);
    expect(pitfalls).toEqual({ nilDueDate: ['0090000001', '0090000003'], returnError: { BAPI_CUSTOMER_GETLIST: 'Keine Berechtigung' } });
    const emu = await startSoapErpEmulator({ preset: 'sap-bapi', data: dataset(), pitfalls });
    try {
      const c = await soap.createClientAsync(`${emu.url}${'/sap/bc/srt/rfc/sap/zbapi_customer_getlist/100/zbapi_customer_getlist/zbapi_customer_getlist_bind'}?wsdl`, { disableCache: true, wsdl_headers: { Authorization: AUTH } });
      c.setSecurity(new soap.BasicAuthSecurity(USER.username, USER.password));
      c.setEndpoint(`${emu.url}/sap/bc/srt/rfc/sap/zbapi_customer_getlist/100/zbapi_customer_getlist/zbapi_customer_getlist_bind`);
      const list = await call(c, 'BAPI_CUSTOMER_GETLIST', { IDRANGE: { item: [{ SIGN: 'I', OPTION: 'CP', LOW: '*' }] } });
      expect(list.RETURN).toMatchObject({ TYPE: 'E', ID: 'ZCESCE', MESSAGE: 'Keine Berechtigung' });
    } finally {
      await emu.close();
    }
    await expect(startSoapErpEmulator({ preset: 'sap-bapi', data: dataset(), pitfalls: { gzip: true } })).rejects.toThrow(/invalid sap-bapi pitfalls.*known: nilDueDate, soap12, latin1/);
    expect(() => parsePitfallWords(['returnError=oops'])).toThrow(/returnError=OPERATION:message/);
  });

  it('lists customers by ID range (ALPHA-converted) and MAXROWS', async () => {
    const emu = await start();
    const c = await client(emu, 'BAPI_CUSTOMER_GETLIST');
    const all = await call(c, 'BAPI_CUSTOMER_GETLIST', { IDRANGE: { item: [{ SIGN: 'I', OPTION: 'BT', LOW: '1', HIGH: '9999999999' }] }, MAXROWS: 0 });
    expect(all.ADDRESSDATA.item.map((a: { CUSTOMER: string; NAME: string }) => [a.CUSTOMER, a.NAME])).toEqual([
      ['0000100001', 'Peña Ibáñez, S.L.'],
      ['0000100002', 'Société Lyonnaise de Distribution SAS'],
    ]);
    const first = await call(c, 'BAPI_CUSTOMER_GETLIST', { IDRANGE: { item: [{ SIGN: 'I', OPTION: 'CP', LOW: '*' }, { SIGN: 'E', OPTION: 'EQ', LOW: '100002' }] }, MAXROWS: 5 });
    expect(first.ADDRESSDATA.item.map((a: { CUSTOMER: string }) => a.CUSTOMER)).toEqual(['0000100001']);
  });
});
