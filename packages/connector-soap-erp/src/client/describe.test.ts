import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErpError } from '@cesce-connect/core';
import { describeWsdl, formatDescription } from './describe.js';
import { createSoapCaller } from './soap-caller.js';
import type { SoapErpProfile } from '../profile/schema.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const WSDL_FILE = join(FIXTURES, 'customers.wsdl');
const WSDL = readFileSync(WSDL_FILE, 'utf8');

// A WSDL behind basic auth, as SOAMANAGER publishes it.
const wsdlGets: string[] = [];
const server = createServer((req, res) => {
  wsdlGets.push(req.headers.authorization ?? '');
  if (req.headers.authorization !== `Basic ${Buffer.from('RFC_USER:Wsdl-Pass-2').toString('base64')}`) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="SAP"' });
    return res.end();
  }
  res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
  res.end(WSDL);
});
const ready = new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('describeWsdl / formatDescription', () => {
  it('describes services, ports, operations and element trees (types, repeated elements) of a WSDL file', async () => {
    const d = await describeWsdl({ wsdl: WSDL_FILE });
    expect(d.targetNamespace).toBe('urn:test:customers');
    expect(d.services.map((s) => s.name)).toEqual(['Customers_Service']);
    const port = d.services[0]!.ports[0]!;
    expect(port).toMatchObject({ name: 'Customers_Port', location: 'http://erp.internal.example:8080/ws/customers' });
    const list = port.operations.find((o) => o.name === 'ListCustomers')!;
    expect(list.input).toEqual([{ name: 'MaxRows', type: 'xs:int' }]);
    const customer = list.output[0]!;
    expect(customer).toMatchObject({ name: 'Customer', maxOccurs: 'unbounded', namespace: 'urn:test:customers' });
    expect(customer.children).toContainEqual({ name: 'Credit_Limit', type: 'xs:decimal' });
    expect(customer.children).toContainEqual({ name: 'Since', type: 'xs:date' });

    const text = formatDescription(d);
    expect(text).toContain('service Customers_Service');
    expect(text).toContain('  port Customers_Port  http://erp.internal.example:8080/ws/customers');
    expect(text).toContain('    operation ListCustomers\n      input\n        MaxRows: xs:int\n      output\n        Customer[]\n          No: xs:string');
  });

  it('downloads a protected WSDL with basic auth and shows the endpoint override', async () => {
    const base = await ready;
    const d = await describeWsdl({ wsdl: `${base}/zcust?wsdl`, auth: { type: 'basic', username: 'RFC_USER', password: 'Wsdl-Pass-2' }, endpoint: 'https://sap.example.com/sap/bc/srt/rfc/sap/zcust' });
    expect(d.services[0]!.ports.every((p) => p.location === 'https://sap.example.com/sap/bc/srt/rfc/sap/zcust')).toBe(true);
    expect(formatDescription(d)).toContain('operation ReadCustomer');
  });

  it('a refused WSDL download is access-denied, naming the location without the password', async () => {
    const base = await ready;
    const err = await describeWsdl({ wsdl: `${base}/other?wsdl`, auth: { type: 'basic', username: 'RFC_USER', password: 'Bad-Pass-4' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).kind).toBe('access-denied');
    expect((err as ErpError).message).toBe(`loading the WSDL ${base}/other?wsdl: HTTP 401`);
    expect(JSON.stringify(err)).not.toContain('Bad-Pass-4');
  });

  it('SoapCaller.describe describes a profile service', async () => {
    const profile = { soapVersion: '1.1', services: { customers: { wsdl: 'customers.wsdl' } } } as unknown as SoapErpProfile;
    const caller = createSoapCaller(profile, { baseUrl: 'http://unused', auth: { type: 'none' }, profileDir: FIXTURES });
    const d = (await caller.describe('customers')) as Awaited<ReturnType<typeof describeWsdl>>;
    expect(d.services[0]!.ports.map((p) => p.name)).toEqual(['Customers_Port', 'Customers_Port12']);
    caller.close();
  });
});
