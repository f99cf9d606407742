import * as soap from 'soap';
import { afterEach, describe, expect, it } from 'vitest';
import { NavDatasetError, validateNavDataset, type NavPitfalls } from './dataset.js';
import { startNavEmulator, type NavAuthMode, type NavEmulator } from './emulator.js';
import { navFixture } from './fixture.js';

const USER = 'WS-USER';
const PASSWORD = 'Secret-123';
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

let emu: NavEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(pitfalls: NavPitfalls = {}, auth?: NavAuthMode): Promise<NavEmulator> {
  emu = await startNavEmulator({ data: navFixture(), pitfalls, ...(auth ? { auth } : {}) });
  return emu;
}

async function client(page: string, options: { soap12?: boolean; auth?: 'basic' | 'none' } = {}): Promise<soap.Client> {
  const c = await soap.createClientAsync(`${emu!.pageUrl(page)}?wsdl`, {
    wsdl_headers: options.auth === 'none' ? {} : { Authorization: basic },
    forceSoap12Headers: options.soap12 ?? false,
    handleNilAsNull: true,
  });
  if (options.auth !== 'none') c.setSecurity(new soap.BasicAuthSecurity(USER, PASSWORD));
  return c;
}

type Page = { ReadMultiple_Result?: Record<string, Record<string, unknown>[]> | null };
const records = (r: Page, entity: string) => r.ReadMultiple_Result?.[entity] ?? [];

describe('NAV page web services emulator', () => {
  it('publishes each page at /<instance>/WS/<company>/Page/<Name> with a NAV-shaped WSDL', async () => {
    await start();
    expect(emu!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/DynamicsNAV110\/WS\/CRONUS%20Espa%C3%B1a%20S\.A\.$/);
    const res = await fetch(`${emu!.pageUrl('Customer')}?wsdl`, { headers: { Authorization: basic } });
    const wsdl = await res.text();
    expect(wsdl).toContain('targetNamespace="urn:microsoft-dynamics-schemas/page/customer"');
    expect(wsdl).toContain('<service name="Customer_Service"><port name="Customer_Port" binding="tns:Customer_Binding">');
    expect(wsdl).toMatch(/<xsd:simpleType name="Blocked">.*<xsd:enumeration value="_blank_"\/>/s);
    expect(wsdl).toContain('name="Cesce_Requested_Limit" type="xsd:decimal"');
    const c = await client('CustomerLedgerEntries');
    const ops = (c.describe() as Record<string, Record<string, Record<string, unknown>>>).CustomerLedgerEntries_Service!.CustomerLedgerEntries_Port!;
    expect(Object.keys(ops).sort()).toEqual(['IsUpdated', 'Read', 'ReadMultiple']);
    // a client may encode the company differently: the page is still found
    const other = await fetch(`${emu!.serverUrl}/DynamicsNAV110/WS/CRONUS%20Espa%c3%b1a%20S%2EA%2E/Page/Customer?wsdl`, { headers: { Authorization: basic } });
    expect(other.status).toBe(200);
    expect((await fetch(`${emu!.url}/Page/Vendor?wsdl`, { headers: { Authorization: basic } })).status).toBe(404);
  });

  it('pages with bookmarks until the empty result wrapper, double-wrapped like NAV', async () => {
    await start();
    const c = await client('Customer');
    const seen: string[] = [];
    let bookmarkKey: string | null = null;
    for (let i = 0; i < 5; i++) {
      const [r] = (await c.ReadMultipleAsync({ filter: [], bookmarkKey, setSize: 2 })) as [Page];
      const page = records(r, 'Customer');
      if (page.length === 0) {
        expect(c.lastResponse).toMatch(/<ReadMultiple_Result[^>]*>(<ReadMultiple_Result\/>|<ReadMultiple_Result><\/ReadMultiple_Result>)<\/ReadMultiple_Result>/);
        break;
      }
      expect(c.lastResponse).toContain('<ReadMultiple_Result><Customer><Key>');
      seen.push(...page.map((x) => String(x.No)));
      bookmarkKey = String(page[page.length - 1]!.Key);
    }
    expect(seen).toEqual(['10000', '20000', '30000']);
    const calls = emu!.calls.filter((x) => x.operation === 'ReadMultiple');
    expect(calls).toHaveLength(3);
    expect(calls.every((x) => x.user === USER)).toBe(true);
    expect(JSON.stringify(emu!.calls)).not.toContain(PASSWORD);
  });

  it('reads negative setSize backwards, Read by No and IsUpdated by Key', async () => {
    await start();
    const c = await client('PostedSalesInvoices');
    const [back] = (await c.ReadMultipleAsync({ filter: [], setSize: -2 })) as [Page];
    expect(records(back, 'PostedSalesInvoices').map((x) => x.No)).toEqual(['FV-0003', 'FV-0002']);
    const [one] = (await c.ReadAsync({ No: 'FV-0001' })) as [{ PostedSalesInvoices: Record<string, unknown> }];
    expect(one.PostedSalesInvoices).toMatchObject({ No: 'FV-0001', Bill_to_Customer_No: '10000', Bill_to_Name: 'Peña Ibáñez, S.L.', Closed: false });
    expect(c.lastResponse).toContain('<Amount_Including_VAT>1210.00</Amount_Including_VAT><Remaining_Amount>1089.00</Remaining_Amount>');
    const [missing] = (await c.ReadAsync({ No: 'NOPE' })) as [Record<string, unknown> | null];
    expect(missing?.PostedSalesInvoices).toBeUndefined();
    const key = String(one.PostedSalesInvoices.Key);
    expect(((await c.IsUpdatedAsync({ Key: key })) as [{ IsUpdated_Result: boolean }])[0].IsUpdated_Result).toBe(false);
    const stale = key.replace(/;1;$/, ';0;');
    expect(((await c.IsUpdatedAsync({ Key: stale })) as [{ IsUpdated_Result: boolean }])[0].IsUpdated_Result).toBe(true);
  });

  it.each([
    ['No', 'FV-0001|FV-0003', ['FV-0001', 'FV-0003']],
    ['No', 'FV-0001..FV-0002', ['FV-0001', 'FV-0002']],
    ['Posting_Date', '>=2026-09-15', ['FV-0002', 'FV-0003']],
    ['Posting_Date', '>2026-09-15', ['FV-0003']],
    ['Posting_Date', '<2026-09-15', ['FV-0001']],
    ['Posting_Date', '2026-09-01..2026-09-30', ['FV-0001', 'FV-0002']],
    ['Currency_Code', "''", ['FV-0001', 'FV-0002']],
    ['Currency_Code', 'USD', ['FV-0003']],
    ['Amount_Including_VAT', '>1000', ['FV-0001']],
    ['Amount_Including_VAT', '<1', ['FV-0002']],
    ['Closed', 'true', ['FV-0002']],
    ['Sell_to_Customer_No', '<>10000', ['FV-0002', 'FV-0003']],
    ['No', 'FV-000*', ['FV-0001', 'FV-0002', 'FV-0003']],
  ])('filters %s with %s', async (field, criteria, expected) => {
    await start();
    const c = await client('PostedSalesInvoices');
    const [r] = (await c.ReadMultipleAsync({ filter: [{ Field: field, Criteria: criteria }], setSize: 0 })) as [Page];
    expect(records(r, 'PostedSalesInvoices').map((x) => x.No)).toEqual(expected);
  });

  it('combines filters (AND) and faults on an unknown field or a malformed date', async () => {
    await start();
    const c = await client('CustomerLedgerEntries');
    const [r] = (await c.ReadMultipleAsync({
      filter: [
        { Field: 'Open', Criteria: 'true' },
        { Field: 'Document_Type', Criteria: 'Invoice|Credit_Memo' },
      ],
      setSize: 0,
    })) as [Page];
    expect(records(r, 'CustomerLedgerEntries').map((x) => x.Document_No)).toEqual(['FV-0001', 'FV-0003']);
    await expect(c.ReadMultipleAsync({ filter: [{ Field: 'Posting_Date', Criteria: '01/09/26' }], setSize: 0 })).rejects.toThrow(/not a valid date/);
    expect(c.lastResponse).toContain('a:Microsoft.Dynamics.Nav.Types.Exceptions.NavNCLInvalidFilterExpressionException');
  });

  it('answers a single-record page with singleRecordPages, whatever setSize asks', async () => {
    await start({ singleRecordPages: true });
    const c = await client('Customer');
    const [r] = (await c.ReadMultipleAsync({ filter: [], setSize: 500 })) as [Page];
    expect(records(r, 'Customer').map((x) => x.No)).toEqual(['10000']);
    expect(c.lastResponse!.match(/<Customer>/g)).toHaveLength(1);
    const [next] = (await c.ReadMultipleAsync({ filter: [], bookmarkKey: records(r, 'Customer')[0]!.Key, setSize: 500 })) as [Page];
    expect(records(next, 'Customer').map((x) => x.No)).toEqual(['20000']);
  });

  it('sends xsi:nil or the blank date 0001-01-01 in Due_Date with nilDueDate / blankDates', async () => {
    await start({ nilDueDate: ['FV-0001'], blankDates: ['FV-0002'] });
    const c = await client('PostedSalesInvoices');
    const [r] = (await c.ReadMultipleAsync({ filter: [], setSize: 0 })) as [Page];
    expect(c.lastResponse).toMatch(/<No>FV-0001<\/No>.*?<Due_Date xsi:nil="true"/);
    expect(c.lastResponse).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
    expect(c.lastResponse).toMatch(/<No>FV-0002<\/No>.*?<Due_Date>0001-01-01<\/Due_Date>/);
    expect(c.lastResponse).toMatch(/<No>FV-0003<\/No>.*?<Due_Date>2026-12-01<\/Due_Date>/);
    expect(records(r, 'PostedSalesInvoices')[0]!.Due_Date).toBeNull();
    // the ledger entry still has the due date (the preset's fallback join)
    const l = await client('CustomerLedgerEntries');
    await l.ReadMultipleAsync({ filter: [{ Field: 'Document_No', Criteria: 'FV-0001' }], setSize: 0 });
    expect(l.lastResponse).toContain('<Due_Date>2026-10-01</Due_Date>');
  });

  it('answers SOAP 1.2 envelopes and a SOAP 1.2 fault on the faulting page', async () => {
    await start({ soap12: true, faultPage: 'CustomerLedgerEntries' });
    const ok = await client('Customer', { soap12: true });
    await ok.ReadMultipleAsync({ filter: [], setSize: 1 });
    expect(ok.lastResponse).toContain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
    const c = await client('CustomerLedgerEntries', { soap12: true });
    const error = await c.ReadMultipleAsync({ filter: [], setSize: 0 }).then(
      () => null,
      (e: unknown) => e as { response?: { status: number }; root?: unknown },
    );
    expect(error).not.toBeNull();
    expect(error!.response?.status).toBe(500);
    expect(c.lastResponse).toContain('http://www.w3.org/2003/05/soap-envelope');
    expect(c.lastResponse).toMatch(/<soap:Fault><soap:Code><soap:Value>soap:Sender<\/soap:Value><\/soap:Code><soap:Reason><soap:Text>You do not have the following permissions on page CustomerLedgerEntries: Read<\/soap:Text>/);
  });

  it('answers a SOAP 1.1 fault (NAV faultcode) on the faulting page', async () => {
    await start({ faultPage: 'Customer' });
    const c = await client('Customer');
    await expect(c.ReadMultipleAsync({ filter: [], setSize: 0 })).rejects.toThrow(/permissions on page Customer/);
    expect(c.lastResponse).toContain('<faultcode xmlns:a="urn:microsoft-dynamics-schemas/error">a:Microsoft.Dynamics.Nav.Types.Exceptions.NavPermissionException</faultcode>');
  });

  it('answers in ISO-8859-1 with latin1: "Peña Ibáñez, S.L." arrives as Latin-1 bytes', async () => {
    await start({ latin1: true });
    const envelope =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      '<Read xmlns="urn:microsoft-dynamics-schemas/page/customer"><No>10000</No></Read></soap:Body></soap:Envelope>';
    const res = await fetch(emu!.pageUrl('Customer'), {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'urn:microsoft-dynamics-schemas/page/customer:Read' },
      body: envelope,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/charset=ISO-8859-1/i);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.includes(Buffer.from('Pe\u00f1a Ib\u00e1\u00f1ez, S.L.', 'latin1'))).toBe(true);
    expect(bytes.toString('latin1')).toMatch(/^<\?xml version="1.0" encoding="ISO-8859-1"\?>.*<Name>Peña Ibáñez, S.L.<\/Name>/s);
    expect(bytes.toString('utf8')).not.toContain('Peña Ibáñez'); // the trap for a client decoding UTF-8
  });

  it('refuses wrong or missing basic credentials with 401', async () => {
    await start();
    const wrong = `Basic ${Buffer.from(`${USER}:nope`).toString('base64')}`;
    const res = await fetch(`${emu!.pageUrl('Customer')}?wsdl`, { headers: { Authorization: wrong } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    await expect(client('Customer', { auth: 'none' })).rejects.toThrow(/401/);
    const c = await client('Customer');
    c.setSecurity(new soap.BasicAuthSecurity(USER, 'wrong'));
    await expect(c.ReadMultipleAsync({ filter: [], setSize: 1 })).rejects.toMatchObject({ response: { status: 401 } });
    // DOMAIN\user is accepted like NAV does
    const domain = `Basic ${Buffer.from(`CRONUS\\${USER}:${PASSWORD}`).toString('base64')}`;
    expect((await fetch(`${emu!.pageUrl('Customer')}?wsdl`, { headers: { Authorization: domain } })).status).toBe(200);
  });

  it('checks a WS-Security UsernameToken: digest and text accepted, wrong password refused', async () => {
    await start({}, 'wsse');
    const c = await client('Customer', { auth: 'none' });
    c.setSecurity(new soap.WSSecurity(USER, PASSWORD, { passwordType: 'PasswordDigest', hasNonce: true }));
    const [r] = (await c.ReadMultipleAsync({ filter: [], setSize: 1 })) as [Page];
    expect(records(r, 'Customer')).toHaveLength(1);
    expect(c.lastRequest).toContain('#PasswordDigest');
    c.setSecurity(new soap.WSSecurity(USER, PASSWORD, { passwordType: 'PasswordText' }));
    await c.ReadMultipleAsync({ filter: [], setSize: 1 });
    c.setSecurity(new soap.WSSecurity(USER, 'wrong', { passwordType: 'PasswordDigest', hasNonce: true }));
    await expect(c.ReadMultipleAsync({ filter: [], setSize: 1 })).rejects.toThrow(/FailedAuthentication/);
    c.setSecurity(new soap.BasicAuthSecurity(USER, PASSWORD));
    await expect(c.ReadMultipleAsync({ filter: [], setSize: 1 })).rejects.toThrow(/no WS-Security header/);
    expect(emu!.calls.map((x) => x.user)).toEqual([USER, USER]);
  });

  it('rejects a wsu:Timestamp with rejectTimestamp, and accepts the same token without it', async () => {
    await start({ rejectTimestamp: true }, 'wsse');
    const c = await client('Customer', { auth: 'none' });
    c.setSecurity(new soap.WSSecurity(USER, PASSWORD, { passwordType: 'PasswordDigest', hasNonce: true })); // hasTimeStamp defaults to true
    await expect(c.ReadMultipleAsync({ filter: [], setSize: 1 })).rejects.toThrow(/wsu:Timestamp is not accepted/);
    expect(c.lastRequest).toContain('Timestamp');
    c.setSecurity(new soap.WSSecurity(USER, PASSWORD, { passwordType: 'PasswordDigest', hasNonce: true, hasTimeStamp: false }));
    const [r] = (await c.ReadMultipleAsync({ filter: [], setSize: 1 })) as [Page];
    expect(records(r, 'Customer')).toHaveLength(1);
  });
});

describe('NAV dataset validation', () => {
  it('names every record and field at fault', () => {
    const bad = navFixture() as Record<string, any>;
    bad.customers.push({ ...bad.customers[0] });
    bad.postedSalesInvoices[0].Bill_to_Customer_No = '99999';
    bad.postedSalesInvoices[1].Posting_Date = '15/09/2026';
    bad.postedSalesCreditMemos[0].Applies_to_Doc_No = 'FV-9999';
    expect(() => validateNavDataset(bad, 'bad.json')).toThrow(/bad\.json[\s\S]*postedSalesInvoices\.1\.Posting_Date: expected a date/);
    delete bad.postedSalesInvoices[1].Posting_Date;
    bad.postedSalesInvoices[1].Posting_Date = '2026-09-15';
    let err: NavDatasetError | undefined;
    try {
      validateNavDataset(bad, 'bad.json');
    } catch (e) {
      err = e as NavDatasetError;
    }
    expect(err).toBeInstanceOf(NavDatasetError);
    expect(err!.issues).toEqual([
      'customers.3.No: duplicate No "10000"',
      'postedSalesInvoices.0.Bill_to_Customer_No: customer "99999" is not in customers',
      'postedSalesCreditMemos.0.Applies_to_Doc_No: invoice "FV-9999" is not in postedSalesInvoices',
    ]);
  });

  it('rejects a document number longer than NAV Code[20]', () => {
    const bad = navFixture() as Record<string, any>;
    bad.postedSalesInvoices[0].No = 'X'.repeat(21);
    expect(() => validateNavDataset(bad)).toThrow(/postedSalesInvoices\.0\.No: longer than 20 characters/);
  });
});
