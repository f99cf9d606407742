import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CesceClient, type ErpSource } from '@cesce-connect/core';
import { createOdooSource } from '@cesce-connect/connector-odoo';
import type { OdooDataset } from '@cesce-connect/connector-odoo/testing';
import { clearWsdlCache, createSoapErpSource, loadProfile } from '@cesce-connect/connector-soap-erp';
import { startSoapErpEmulator, type SoapErpEmulator } from '@cesce-connect/connector-soap-erp/testing';
import { Ledger, runSync, type SyncReport } from '@cesce-connect/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../runner.js';
import { demoDir, odooHooks, resultOf, SECRETS, startDemoSetup, type DemoSetup } from '../test-support.js';
import type { CheckDefinition, DiagnosisOutcome, ErpHooks } from '../types.js';
import { CONFIG_CHECKS } from './config.js';
import { ERP_CHECKS } from './erp.js';

/**
 * Stands in for the Cesce checks (auth.token sets ctx.client): a real client with the configured
 * credentials against the Cesce emulator, so these tests depend on the ERP checks only.
 */
const cesceClient: CheckDefinition = {
  id: 'auth.token',
  group: 'auth',
  title: 'Cesce client',
  needs: ['config.required', 'contract.format'],
  async run(ctx) {
    const c = ctx.cesce!;
    ctx.client = new CesceClient({
      environment: ctx.environment!.name,
      baseUrl: ctx.environment!.baseUrl,
      contractNo: c.contractNo,
      credentials: { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password },
      scope: c.scope,
    });
    return { status: 'pass', observed: 'client ready' };
  },
};

const CHECKS = [...CONFIG_CHECKS, cesceClient, ...ERP_CHECKS];

function runChecks(setup: DemoSetup, options: { patch?: Parameters<DemoSetup['writeConfig']>[0]; erp?: ErpHooks } = {}): Promise<DiagnosisOutcome> {
  return diagnose({ configFile: setup.writeConfig(options.patch), env: setup.env, erp: options.erp ?? odooHooks }, CHECKS);
}

/** ERP hooks of the demo's Odoo section with a ledger file (sync.ledger). */
function hooksWithLedger(ledgerFile: string): ErpHooks {
  return { ...odooHooks, load: (resolved) => ({ ...(odooHooks.load(resolved) as { ok: true; source: ErpSource }), ledgerFile }) };
}

/** What `cesce sync --dry-run` plans on the same emulators: the engine straight on the Odoo source. */
async function directDryRun(setup: DemoSetup, ledgerFile = ':memory:'): Promise<SyncReport> {
  const source = createOdooSource({ url: setup.odoo.url, database: 'demo', username: 'cesce-bot', password: SECRETS.ODOO_PASSWORD, companyId: 1 });
  const client = new CesceClient({
    environment: 'sandbox',
    baseUrl: setup.cesce.url,
    contractNo: '34109150331',
    credentials: { clientId: 'demo-client-id', clientSecret: SECRETS.CESCE_CLIENT_SECRET },
  });
  const ledger = new Ledger(ledgerFile, { readonly: true });
  try {
    return await runSync({ source, client, ledger, dryRun: true });
  } finally {
    ledger.close();
    await source.close();
  }
}

function expectNoSecrets(outcome: DiagnosisOutcome, extra: string[] = []): void {
  const text = JSON.stringify(outcome.report);
  for (const secret of [...Object.values(SECRETS), ...extra]) expect(text).not.toContain(secret);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function demoDataset(): OdooDataset {
  return JSON.parse(readFileSync(join(demoDir, 'odoo-dataset.json'), 'utf8')) as OdooDataset;
}

describe('ERP checks on the demo Odoo dataset', () => {
  let setup: DemoSetup;
  let outcome: DiagnosisOutcome;
  beforeAll(async () => {
    setup = await startDemoSetup();
    outcome = await runChecks(setup);
  });
  afterAll(() => setup?.close());

  it('connects and names the Odoo version, protocol and URL, never the API key', () => {
    const r = resultOf(outcome, 'erp.connection');
    expect(r.status).toBe('pass');
    expect(r.observed).toContain('odoo');
    expect(r.observed).toContain(setup.odoo.url);
    expect(r.data?.protocol).toMatch(/JSON-RPC|XML-RPC|JSON-2/);
    expectNoSecrets(outcome);
  });

  it('shows the company, its tax code and currency', () => {
    const r = resultOf(outcome, 'erp.company');
    expect(r.status).toBe('pass');
    expect(r.observed).toContain('Industrias Demo Levante SL');
    expect(r.data).toMatchObject({ taxCode: 'B65410011', currency: 'EUR' });
  });

  it('warns about the flagged customers without a VAT and with a wrong check digit, naming record and field', () => {
    const r = resultOf(outcome, 'erp.customers');
    expect(r.status).toBe('warn');
    const lines = r.details ?? [];
    expect(lines.some((l) => /^res\.partner,\d+ Panificadora Albacete SL: vat: no tax id/.test(l))).toBe(true);
    expect(lines.some((l) => /^res\.partner,\d+ Recambios Automoción Navarra SL: vat: .*check character/.test(l))).toBe(true);
    expect(r.data).toMatchObject({ flagged: 12, blocked: 2, archived: 1 });
    // Names and tax ids are registered as personal data, for the Markdown report to mask.
    expect(outcome.redaction.personal).toContain('Panificadora Albacete SL');
    const badVat = /'([^']+)' has a wrong check character/.exec(lines.join('\n'))?.[1];
    expect(outcome.redaction.personal).toContain(badVat);
  });

  it('reads the posted customer documents only (no drafts, cancelled or vendor bills) and warns about the USD invoice', () => {
    const moves = (demoDataset().records['account.move'] ?? []) as Record<string, unknown>[];
    const posted = moves.filter((m) => m.state === 'posted' && (m.move_type === 'out_invoice' || m.move_type === 'out_refund'));
    expect(posted.length).toBeLessThan(moves.length);
    const r = resultOf(outcome, 'erp.invoices');
    expect(r.status).toBe('warn');
    expect(r.data).toMatchObject({ read: posted.length, foreignCurrency: 1, currencies: { USD: 1 } });
    expect(r.details?.some((l) => /^account\.move,\d+ \S+: currency: in USD/.test(l))).toBe(true);
    expect(r.kb?.id).toBe('cesce-400-adjust-to-policy');
  });

  it('warns about the credit note without origin', () => {
    const r = resultOf(outcome, 'erp.credit-notes');
    expect(r.status).toBe('warn');
    expect(r.data).toMatchObject({ withoutOrigin: 1, datedBeforeInvoice: 0 });
    expect(r.details?.[0]).toMatch(/^account\.move,\d+ RINV\/\S+: no origin invoice/);
    expect(r.fix).toContain('reversed_entry_id');
    expect(r.kb?.id).toBe('cesce-400-credit-note-order');
  });

  it('groups the documents left out by reason, with the customers blocked by their VAT', () => {
    const r = resultOf(outcome, 'erp.ignored');
    expect(r.status).toBe('warn');
    expect(r.details?.some((l) => l.startsWith('customer without a usable tax id (vat):') && l.includes('Panificadora Albacete SL'))).toBe(true);
    expect(r.details?.some((l) => l.startsWith('reversed_entry_id (credit note): 1 document'))).toBe(true);
    expect(r.data?.ofCustomersNotFlagged).toBeGreaterThan(0);
  });

  it('plans the first sync exactly as `cesce sync --dry-run` does on the same data', async () => {
    const r = resultOf(outcome, 'erp.first-sync');
    const direct = await directDryRun(setup);
    expect(r.status).toBe('pass');
    expect(r.data).toMatchObject({
      ledger: 'first',
      classificationsToRequest: direct.classificationsRequested,
      invoicesToDeclare: direct.salesDeclared,
      creditNotesToDeclare: direct.creditNotesDeclared,
      alreadyDeclared: direct.alreadyDeclared,
      foundAtCesce: direct.adopted,
      skipped: direct.skipped.length,
    });
    expect(direct.classificationsRequested + direct.salesDeclared).toBeGreaterThan(0);
    expect(r.observed).toContain('first sync');
    expect(r.observed).toContain(`request ${direct.classificationsRequested} classifications`);
    expect(r.data?.waitingForClassification).toBe(direct.skipped.filter((s) => s.reason.includes('waits for the classification')).length);
    // Nothing was written into Odoo by the dry run.
    expect(setup.odoo.records('res.partner').every((p) => !p.x_cesce_status)).toBe(true);
  });

  it('reads from sync.fromDate, plans with it, and leaves no ledger behind when the configured one does not exist yet', async () => {
    const fromDate = '2026-11-01';
    const file = setup.writeConfig();
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), sync: { fromDate } }));
    const ledgerFile = join(setup.dir, 'not-yet', 'ledger.sqlite');
    const o = await diagnose({ configFile: file, env: setup.env, erp: hooksWithLedger(ledgerFile) }, CHECKS);
    const moves = (demoDataset().records['account.move'] ?? []) as Record<string, unknown>[];
    const expected = moves.filter((m) => m.state === 'posted' && (m.move_type === 'out_invoice' || m.move_type === 'out_refund') && (m.invoice_date as string) >= fromDate);
    expect(resultOf(o, 'erp.invoices').data).toMatchObject({ read: expected.length, fromDate });
    const r = resultOf(o, 'erp.first-sync');
    expect(r.observed).toContain(`first sync: ledger ${ledgerFile} does not exist yet`);
    const source = createOdooSource({ url: setup.odoo.url, database: 'demo', username: 'cesce-bot', password: SECRETS.ODOO_PASSWORD, companyId: 1 });
    const client = new CesceClient({ environment: 'sandbox', baseUrl: setup.cesce.url, contractNo: '34109150331', credentials: { clientId: 'demo-client-id', clientSecret: SECRETS.CESCE_CLIENT_SECRET } });
    const ledger = new Ledger(':memory:', { readonly: true });
    const direct = await runSync({ source, client, ledger, dryRun: true, fromDate }).finally(() => ledger.close());
    await source.close();
    expect(r.data).toMatchObject({ invoicesToDeclare: direct.salesDeclared, creditNotesToDeclare: direct.creditNotesDeclared, skipped: direct.skipped.length });
    expect(existsSync(ledgerFile)).toBe(false);
  });

  it('skips the plan with a reason when there is no Cesce client', async () => {
    const o = await diagnose({ configFile: setup.writeConfig(), env: setup.env, erp: odooHooks }, [...CONFIG_CHECKS, ...ERP_CHECKS]);
    const r = resultOf(o, 'erp.first-sync');
    expect(r.status).toBe('skipped');
    expect(r.observed).toContain('auth.token');
  });
});

describe('erp.connection failures', () => {
  let setup: DemoSetup;
  beforeAll(async () => {
    setup = await startDemoSetup();
  });
  afterAll(() => setup?.close());

  it('Odoo not reachable: fails with the URL/port fix and skips the reads', async () => {
    const port = await closedPort();
    const o = await runChecks(setup, { patch: { odoo: { url: `http://127.0.0.1:${port}` } } });
    const r = resultOf(o, 'erp.connection');
    expect(r.status).toBe('fail');
    expect(r.data?.kind).toBe('transport');
    expect(r.observed).toContain(String(port));
    expect(r.fix).toMatch(/odoo\.url/);
    expect(r.fix).toMatch(/port/);
    expect(resultOf(o, 'erp.customers')).toMatchObject({ status: 'skipped', skippedBecause: 'erp.connection' });
    expect(resultOf(o, 'erp.first-sync').status).toBe('skipped');
  });

  it('wrong Odoo password: fails with the user/API key fix, without printing the password', async () => {
    const o2 = await diagnose(
      { configFile: setup.writeConfig({ odoo: { password: 'env:WRONG_KEY' } }), env: { ...setup.env, WRONG_KEY: 'wrong-odoo-key-42' }, erp: odooHooks },
      CHECKS,
    );
    const r = resultOf(o2, 'erp.connection');
    expect(r.status).toBe('fail');
    expect(r.data?.kind).toBe('access-denied');
    expect(r.fix).toMatch(/API key/);
    expect(r.fix).toMatch(/odoo\.username/);
    expectNoSecrets(o2, ['wrong-odoo-key-42']);
  });

  it('wrong database: fails and names odoo.database', async () => {
    const o = await runChecks(setup, { patch: { odoo: { database: 'no_such_db' } } });
    const r = resultOf(o, 'erp.connection');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('no_such_db');
    expect(r.fix).toContain('odoo.database');
  });

  it('a URL that answers a web page (proxy 502): fails with the protocol fix', async () => {
    setup.odoo.htmlAnswer = 'proxy-502';
    try {
      const o = await runChecks(setup);
      const r = resultOf(o, 'erp.connection');
      expect(r.status).toBe('fail');
      expect(r.data?.kind).toBe('protocol');
      expect(r.fix).toMatch(/not a web page/);
    } finally {
      setup.odoo.htmlAnswer = undefined;
    }
  });
});

describe('erp.credit-notes on a dataset variant', () => {
  let setup: DemoSetup;
  let creditNote: { id: number; name: string };
  beforeAll(async () => {
    const dataset = demoDataset();
    const moves = dataset.records['account.move'] as Record<string, unknown>[];
    const note = moves.find((m) => m.move_type === 'out_refund' && m.state === 'posted' && typeof m.reversed_entry_id === 'number')!;
    const origin = moves.find((m) => m.id === note.reversed_entry_id)!;
    const day = new Date(`${origin.invoice_date as string}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() - 1);
    note.invoice_date = day.toISOString().slice(0, 10);
    note.date = note.invoice_date;
    creditNote = { id: note.id as number, name: note.name as string };
    setup = await startDemoSetup({ odoo: { dataset } });
  });
  afterAll(() => setup?.close());

  it('warns about a credit note dated before its invoice, and the plan skips it', async () => {
    const o = await runChecks(setup);
    const r = resultOf(o, 'erp.credit-notes');
    expect(r.status).toBe('warn');
    expect(r.data).toMatchObject({ withoutOrigin: 1, datedBeforeInvoice: 1 });
    expect(r.details?.some((l) => l.startsWith(`account.move,${creditNote.id} ${creditNote.name}: dated `) && l.includes('before its invoice'))).toBe(true);
    const ignored = resultOf(o, 'erp.ignored');
    expect(ignored.details?.some((l) => l.startsWith('credit note dated before its invoice: 1 document'))).toBe(true);
    // The engine's own rule agrees: the plan skips it for its date.
    const plan = resultOf(o, 'erp.first-sync');
    expect(plan.data?.skippedByReason).toMatchObject({ 'document data (invoiceDate)': 1 });
    expect(plan.details?.some((l) => l.startsWith('skipped, document data (invoiceDate)') && l.includes(`account.move,${creditNote.id}`))).toBe(true);
  });
});

describe('erp.company on a company without tax code, in USD', () => {
  let setup: DemoSetup;
  beforeAll(async () => {
    const dataset = demoDataset();
    const companies = dataset.records['res.company'] as Record<string, unknown>[];
    const currencies = dataset.records['res.currency'] as Record<string, unknown>[];
    companies[0]!.vat = false;
    companies[0]!.currency_id = currencies.find((c) => c.name === 'USD')!.id;
    setup = await startDemoSetup({ odoo: { dataset } });
  });
  afterAll(() => setup?.close());

  it('warns that Cesce identifies the policyholder by its tax code, and what a non-EUR currency means', async () => {
    const o = await runChecks(setup);
    const r = resultOf(o, 'erp.company');
    expect(r.status).toBe('warn');
    expect(r.observed).toContain('no tax code');
    expect(r.observed).toContain('currency is USD');
    expect(r.fix).toMatch(/Tax ID/);
    expect(r.fix).toMatch(/policyholder/);
    expect(r.fix).toMatch(/in USD are refused/);
    expect(r.kb?.id).toBe('cesce-400-adjust-to-policy');
  });
});

describe('erp.first-sync with an existing ledger', () => {
  let setup: DemoSetup;
  beforeAll(async () => {
    setup = await startDemoSetup();
  });
  afterAll(() => setup?.close());

  it('says "next sync", counts what is already declared, and matches the dry run on that ledger', async () => {
    const file = join(setup.dir, 'ledger.sqlite');
    // A real first sync, as `cesce sync` would run it.
    const source = createOdooSource({ url: setup.odoo.url, database: 'demo', username: 'cesce-bot', password: SECRETS.ODOO_PASSWORD, companyId: 1 });
    const client = new CesceClient({ environment: 'sandbox', baseUrl: setup.cesce.url, contractNo: '34109150331', credentials: { clientId: 'demo-client-id', clientSecret: SECRETS.CESCE_CLIENT_SECRET } });
    const ledger = new Ledger(file);
    const first = await runSync({ source, client, ledger });
    ledger.close();
    await source.close();
    expect(first.salesDeclared).toBeGreaterThan(0);

    const o = await runChecks(setup, { erp: hooksWithLedger(file) });
    const r = resultOf(o, 'erp.first-sync');
    const direct = await directDryRun(setup, file);
    expect(r.observed).toContain('next sync');
    expect(r.observed).toContain(file);
    expect(r.data).toMatchObject({
      ledger: 'next',
      mode: direct.mode,
      alreadyDeclared: direct.alreadyDeclared,
      invoicesToDeclare: direct.salesDeclared,
      creditNotesToDeclare: direct.creditNotesDeclared,
      classificationsToRequest: direct.classificationsRequested,
    });
    expect(r.data?.alreadyDeclared).toBeGreaterThan(0);
    // What Cesce refused in the first run (the USD invoice, the 210-day term) is not sent again: named, with the KB entry.
    expect(first.rejected.length).toBeGreaterThan(0);
    expect(r.status).toBe('warn');
    expect(r.data?.stillRejected).toBe(direct.stillRejected.length);
    for (const x of direct.stillRejected) expect(r.details?.some((l) => l.startsWith(`${x.erpRef}: still rejected by Cesce [${x.kbId}]`))).toBe(true);
    expect(r.kb?.id).toBe(direct.stillRejected[0]?.kbId);
  });
});

describe('ERP checks on a SOAP ERP (SAP BAPIs)', () => {
  let setup: DemoSetup;
  let sap: SoapErpEmulator;
  beforeAll(async () => {
    setup = await startDemoSetup();
    sap = await startSoapErpEmulator({ preset: 'sap-bapi', dataFile: join(demoDir, 'sap-dataset.json') });
  });
  afterAll(async () => {
    await sap?.close();
    await setup?.close();
  });

  /** What apps/cli/src/erp-source.ts builds from a soapErp section. */
  const soapHooks: ErpHooks = {
    secretPaths: ['soapErp.auth.password'],
    load(resolved) {
      const s = resolved.soapErp as {
        profile: string;
        baseUrl: string;
        auth: { type: 'basic'; username: string; password: string };
        company: { id: string; name: string; taxCode?: string; currency: string };
      };
      const source = createSoapErpSource({
        profile: loadProfile(s.profile),
        connection: { baseUrl: s.baseUrl, auth: s.auth },
        company: { id: s.company.id, name: s.company.name, taxCode: s.company.taxCode ?? null, currency: s.company.currency },
      });
      return { ok: true, source };
    },
  };

  it('connects, reads customers and documents, and plans the sync', async () => {
    const file = setup.writeConfig();
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete config.odoo;
    config.soapErp = {
      profile: 'sap-bapi',
      baseUrl: sap.url,
      auth: { type: 'basic', username: 'CESCE_RFC', password: 'env:SAP_PASSWORD' },
      company: { id: '1000', name: 'Industrias Demo Levante SL', taxCode: 'B65410011', currency: 'EUR' },
    };
    const soapFile = join(setup.dir, 'sap.json');
    writeFileSync(soapFile, JSON.stringify(config));
    const o = await diagnose({ configFile: soapFile, env: { ...setup.env, SAP_PASSWORD: 'demo-sap-password' }, erp: soapHooks }, CHECKS);
    const conn = resultOf(o, 'erp.connection');
    expect(conn.status).toBe('pass');
    expect(conn.data).toMatchObject({ system: 'sap-bapi', protocol: expect.stringMatching(/^SOAP 1\.[12]$/) });
    const customers = resultOf(o, 'erp.customers');
    expect(customers.status).not.toBe('fail');
    expect(customers.data?.read).toBeGreaterThan(0);
    const invoices = resultOf(o, 'erp.invoices');
    expect(invoices.status).not.toBe('fail');
    expect(invoices.data?.read).toBeGreaterThan(0);
    // SOAP profiles name their fields (SAP paths): the record and the field are listed.
    expect(customers.details?.some((l) => /Panificadora Albacete SL: taxId .*: no tax id/.test(l))).toBe(true);
    const section = config.soapErp as Record<string, unknown>;
    const resolved = { soapErp: { ...section, auth: { type: 'basic', username: 'CESCE_RFC', password: 'demo-sap-password' } } };
    const source = soapHooks.load(resolved) as { ok: true; source: ErpSource };
    const client = new CesceClient({ environment: 'sandbox', baseUrl: setup.cesce.url, contractNo: '34109150331', credentials: { clientId: 'demo-client-id', clientSecret: SECRETS.CESCE_CLIENT_SECRET } });
    const ledger = new Ledger(':memory:', { readonly: true });
    const direct = await runSync({ source: source.source, client, ledger, dryRun: true }).finally(() => ledger.close());
    await source.source.close();
    expect(resultOf(o, 'erp.first-sync').data).toMatchObject({
      ledger: 'first',
      classificationsToRequest: direct.classificationsRequested,
      invoicesToDeclare: direct.salesDeclared,
      creditNotesToDeclare: direct.creditNotesDeclared,
      skipped: direct.skipped.length,
    });
    expect(direct.salesDeclared).toBeGreaterThan(0);
    expectNoSecrets(o, ['demo-sap-password']);
  });

  it('a wrong SAP password: fails with the soapErp.auth fix', async () => {
    clearWsdlCache(); // the WSDLs the test before loaded with the right password
    const file = setup.writeConfig();
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete config.odoo;
    config.soapErp = {
      profile: 'sap-bapi',
      baseUrl: sap.url,
      auth: { type: 'basic', username: 'CESCE_RFC', password: 'env:SAP_PASSWORD' },
      company: { id: '1000', name: 'Industrias Demo Levante SL', currency: 'EUR' },
    };
    const soapFile = join(setup.dir, 'sap-wrong.json');
    writeFileSync(soapFile, JSON.stringify(config));
    const o = await diagnose({ configFile: soapFile, env: { ...setup.env, SAP_PASSWORD: 'not-the-sap-password' }, erp: soapHooks }, CHECKS);
    const r = resultOf(o, 'erp.connection');
    expect(r.status).toBe('fail');
    expect(r.data?.kind).toBe('access-denied');
    expect(r.fix).toContain('soapErp.auth');
    expectNoSecrets(o, ['not-the-sap-password']);
  });
});
