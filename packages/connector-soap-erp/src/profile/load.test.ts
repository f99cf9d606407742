import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@cesce-connect/core';
import { loadProfile, parseProfile } from './load.js';

const minimal = {
  name: 'tiny',
  services: { erp: { wsdl: '{{baseUrl}}/erp?wsdl' } },
  customers: {
    service: 'erp',
    operation: 'ListCustomers',
    recordsPath: 'Customers.Customer',
    fields: { erpId: 'No', name: { path: 'Name', transforms: ['trim'] }, taxId: 'VAT' },
  },
  invoices: {
    service: 'erp',
    operation: 'ListInvoices',
    recordsPath: 'Invoices.Invoice',
    paging: { type: 'bookmark', pageSize: 100 },
    fields: {
      erpId: 'No',
      number: 'No',
      kind: { path: 'Type', transforms: [{ enum: { I: 'invoice', C: 'credit_note' } }] },
      debtorErpId: 'Customer',
      invoiceDate: { path: 'Date', transforms: [{ date: 'YYYYMMDD' }] },
      amount: { path: 'Total', transforms: [{ decimal: { decimalSeparator: ',' } }] },
      currency: { const: 'EUR' },
    },
  },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'soap-profile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SOAP ERP profiles', () => {
  it('fills defaults (SOAP 1.1, no paging, empty transforms) and keeps what was given', () => {
    const p = parseProfile(minimal, 'inline');
    expect(p.soapVersion).toBe('1.1');
    expect(p.customers.paging).toEqual({ type: 'none' });
    expect(p.invoices.paging).toEqual({ type: 'bookmark', pageSize: 100, keyPath: 'Key' });
    expect(p.invoices.fields.amount).toEqual({ path: 'Total', transforms: [{ decimal: { decimalSeparator: ',' } }] });
  });

  it('names every field at fault', () => {
    const bad = structuredClone(minimal) as Record<string, any>;
    bad.invoices.fields.invoiceDate = { path: 'Date', transforms: [{ date: 'MM-DD-YY' }] };
    bad.invoices.fields.currency = { path: 'Cur', const: 'EUR' };
    delete bad.customers.fields.name;
    bad.customers.recordsPath = 'a..b';
    const err = (() => {
      try {
        parseProfile(bad, 'my-erp.json');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['customers.fields.name', 'customers.recordsPath', 'invoices.fields.currency']));
    expect(paths.some((p) => p.startsWith('invoices.fields.invoiceDate'))).toBe(true);
    expect(err.message).toContain('my-erp.json');
  });

  it('names a misspelt transform and lists the valid ones, at the transform itself', () => {
    const bad = structuredClone(minimal) as Record<string, any>;
    bad.customers.fields.name = { path: 'Name', transforms: ['trimm'] };
    expect(() => parseProfile(bad, 'p.json')).toThrow(/customers\.fields\.name\.transforms\.0: not a transform \("trimm"\): use one of trim, upper/);
  });

  it('loads JSON and YAML files, and says what to give when the file is missing', () => {
    writeFileSync(join(dir, 'p.json'), JSON.stringify(minimal));
    writeFileSync(
      join(dir, 'p.yaml'),
      `name: tiny\nservices:\n  erp: { wsdl: "{{baseUrl}}/erp?wsdl" }\ncustomers:\n  service: erp\n  operation: ListCustomers\n  recordsPath: Customers.Customer\n  fields: { erpId: No, name: Name }\ninvoices:\n  service: erp\n  operation: ListInvoices\n  recordsPath: Invoices.Invoice\n  fields: { erpId: No, number: No, debtorErpId: Customer, invoiceDate: Date, amount: Total, currency: { const: EUR } }\n`,
    );
    expect(loadProfile('p.json', dir).profile.name).toBe('tiny');
    const yaml = loadProfile(join(dir, 'p.yaml'));
    expect(yaml.profile.invoices.fields.currency).toEqual({ const: 'EUR', transforms: [] });
    expect(yaml.dir).toBe(dir);
    expect(() => loadProfile('nope.json', dir)).toThrow(/cannot read .*nope\.json.*sap-bapi, dynamics-nav/);
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');
    expect(() => loadProfile('broken.json', dir)).toThrow(/not valid JSON/);
  });
});
