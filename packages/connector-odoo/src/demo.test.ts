import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addDecimal, daysBetween, type Debtor, type SaleDocument } from '@cesce-connect/core';
import { DEMO, generateDemo, OUTPUT, readmeWithCounts } from '../../../examples/demo/generate.mjs';
import { startOdooEmulator, type OdooEmulator } from './testing/index.js';
import { createOdooSource } from './source.js';

const demo = generateDemo();
const s = demo.summary;

describe('examples/demo/generate.mjs', () => {
  test('the committed files are exactly what the generator writes (deterministic, up to date)', () => {
    expect(readFileSync(OUTPUT.odoo, 'utf8')).toBe(`${JSON.stringify(demo.odoo, null, 2)}\n`);
    expect(readFileSync(OUTPUT.sandbox, 'utf8')).toBe(`${JSON.stringify(demo.sandbox, null, 2)}\n`);
    const readme = readFileSync(OUTPUT.readme, 'utf8');
    expect(readmeWithCounts(readme, demo.countsMarkdown)).toBe(readme);
    expect(generateDemo().summary).toEqual(s);
  });
});

describe('the demo dataset read end to end through the connector', () => {
  let emulator: OdooEmulator;
  let debtors: Debtor[];
  let documents: SaleDocument[];
  let company: Awaited<ReturnType<ReturnType<typeof createOdooSource>['connect']>>;

  beforeAll(async () => {
    emulator = await startOdooEmulator({ dataFile: OUTPUT.odoo });
    const source = createOdooSource({ url: emulator.url, database: DEMO.database, username: DEMO.login, password: DEMO.password, companyId: DEMO.companyId, pageSize: 50 });
    company = await source.connect();
    debtors = [];
    for await (const d of source.debtors()) debtors.push(d);
    documents = [];
    for await (const d of source.documents()) documents.push(d);
    await source.close();
  });
  afterAll(async () => {
    await emulator.close();
  });

  test('company', () => {
    expect(company.company).toEqual({ id: '1', name: DEMO.companyName, taxCode: DEMO.companyTaxCode, currency: 'EUR' });
  });

  test('debtor counts match the generator', () => {
    expect(new Set(debtors.map((d) => d.erpId)).size).toBe(debtors.length);
    expect(debtors).toHaveLength(s.partners.debtors);
    expect(debtors.filter((d) => !d.active)).toHaveLength(s.partners.archivedDebtors);
    expect(debtors.filter((d) => d.taxCode === null)).toHaveLength(s.taxIds.blockedDebtors);
    expect(debtors.filter((d) => d.issues.some((i) => i.field === 'vat' && i.severity === 'blocking'))).toHaveLength(s.taxIds.missing + s.taxIds.invalidCheckDigit);
    expect(debtors.filter((d) => d.requestedCreditLimit !== null)).toHaveLength(s.flagged.total);
    for (const [cc, n] of Object.entries(s.taxIds.euVat)) expect(debtors.filter((d) => d.countryCode === cc && d.taxCode)).toHaveLength(n);
    expect(debtors.every((d) => d.requestedPaymentTermDays !== null && [30, 60, 90].includes(d.requestedPaymentTermDays))).toBe(true);
  });

  test('document counts and totals match the generator', () => {
    expect(new Set(documents.map((d) => d.erpId)).size).toBe(documents.length);
    expect(documents).toHaveLength(s.documentsToRead);
    expect(documents.filter((d) => d.kind === 'invoice')).toHaveLength(s.moves.postedInvoices);
    expect(documents.filter((d) => d.kind === 'credit_note')).toHaveLength(s.moves.postedCreditNotes);
    expect(documents.filter((d) => d.issues.some((i) => i.field === 'reversed_entry_id'))).toHaveLength(s.moves.creditNotesWithoutOrigin);
    expect(documents.filter((d) => d.total.currency === 'USD')).toHaveLength(s.moves.usdInvoices);
    expect(documents.filter((d) => d.dueDate && daysBetween(d.invoiceDate, d.dueDate) > 180)).toHaveLength(s.moves.termOver180Days);
    const eur = (kind: SaleDocument['kind']) =>
      documents.filter((d) => d.kind === kind && d.total.currency === 'EUR').reduce((sum, d) => addDecimal(sum, d.total.amount), '0.00');
    expect(eur('invoice')).toBe(s.moves.postedEurTotal);
    expect(eur('credit_note')).toBe(s.moves.postedEurCreditNotes);
    expect(documents.every((d) => d.invoiceDate >= DEMO.firstDate && d.invoiceDate <= DEMO.lastDate)).toBe(true);
  });

  test('every document belongs to a debtor the connector read; credit notes follow their origin', () => {
    const ids = new Set(debtors.map((d) => d.erpId));
    expect(documents.every((d) => ids.has(d.debtorErpId))).toBe(true);
    const byId = new Map(documents.map((d) => [d.erpId, d]));
    for (const cn of documents.filter((d) => d.originErpId)) {
      const origin = byId.get(cn.originErpId!)!;
      expect(origin.kind).toBe('invoice');
      expect(origin.debtorErpId).toBe(cn.debtorErpId);
      expect(origin.number).toBe(cn.originNumber);
      expect(origin.invoiceDate <= cn.invoiceDate).toBe(true);
    }
  });

  test('the Cesce seed names debtors exactly as the connector maps them', () => {
    const seed = JSON.parse(readFileSync(OUTPUT.sandbox, 'utf8')) as {
      applications: { clientId: string; policyholderTaxCode: string }[];
      policies: { contractNo: string; expiryDate: string; classificationRules: { deniedTaxCodes: string[] }; classifications: { taxCode: string; countryCode: string; customerReference: string; statusCode: string }[] }[];
    };
    expect(seed.applications[0]).toMatchObject({ clientId: DEMO.clientId, policyholderTaxCode: company.company.taxCode });
    const [main, expired] = seed.policies;
    expect(main!.contractNo).toBe(DEMO.contractNo);
    expect(expired).toMatchObject({ contractNo: DEMO.expiredContractNo, expiryDate: '2025-06-30', classifications: [] });
    expect(main!.classifications).toHaveLength(s.cesce.classifications);
    const byTax = new Map(debtors.map((d) => [`${d.countryCode}:${d.taxCode}`, d]));
    for (const c of main!.classifications) {
      const debtor = byTax.get(`${c.countryCode}:${c.taxCode}`);
      expect(debtor, `${c.countryCode}:${c.taxCode}`).toBeDefined();
      expect(c.customerReference).toBe(debtor!.customerReference);
    }
    const denied = main!.classificationRules.deniedTaxCodes;
    expect(denied).toHaveLength(1);
    const deniedDebtor = debtors.find((d) => d.taxCode === denied[0]);
    expect(deniedDebtor?.requestedCreditLimit).not.toBeNull();
    expect(main!.classifications.some((c) => c.taxCode === denied[0])).toBe(false);
    const archived = debtors.find((d) => !d.active)!;
    expect(main!.classifications.find((c) => c.taxCode === archived.taxCode)?.statusCode).toBe('2');
  });
});
