/**
 * ERP readiness: the ERP answers, its company is the policyholder, the data the first sync reads
 * is usable, and what that sync would send (the real engine in dry-run over what was read).
 */
import { existsSync } from 'node:fs';
import {
  CesceApiError,
  CesceConnectError,
  ErpError,
  compareWatermarks,
  findEntry,
  isIsoDate,
  isValidSpanishTaxId,
  normalizeTaxId,
  spanishTaxIdKind,
  type ChangeWatermark,
  type Debtor,
  type DocumentQuery,
  type ErpDescription,
  type ErpSource,
  type MappingIssue,
  type SaleDocument,
} from '@cesce-connect/core';
import { Ledger, documentProblem, runSync, type SkippedItem, type SyncReport } from '@cesce-connect/sync';
import { kbReference, type CheckDefinition, type CheckOutcome, type DiagnosticContext } from '../types.js';
import { valueAt } from './config.js';

/** Records listed under a check before "…and N more". */
const MAX_LISTED = 10;
/** Examples shown per group of ignored or skipped documents. */
const MAX_EXAMPLES = 3;
/** Cesce policies declare sales in euros (the demo policy covers EUR only). */
const POLICY_CURRENCY = 'EUR';

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function bounded(lines: readonly string[], max = MAX_LISTED): string[] {
  return lines.length > max ? [...lines.slice(0, max), `…and ${lines.length - max} more`] : [...lines];
}

/** The config section of the ERP, for fixes that name config paths. */
function erpSection(ctx: DiagnosticContext): 'odoo' | 'soapErp' | undefined {
  if (ctx.resolved?.odoo) return 'odoo';
  if (ctx.resolved?.soapErp) return 'soapErp';
  return undefined;
}

/** A URL without user name and password (`https://user:pw@host` → `https://host`). */
export function withoutUserinfo(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.href.replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url.replace(/(\w+:\/\/)[^/@\s]*@/, '$1');
  }
}

/** The wire protocol named in a description's version, e.g. "17.0 over JSON-RPC" → "JSON-RPC". */
function protocolOf(d: ErpDescription): string | null {
  const over = /\bover (XML-RPC|JSON-RPC|JSON-2)\b/.exec(d.version);
  if (over) return over[1]!;
  const soap = /\bSOAP (1\.[12])\b/.exec(d.version);
  return soap ? `SOAP ${soap[1]}` : null;
}

/** What to do about an ERP error, concrete for its kind and the ERP section of the config. */
function erpFix(ctx: DiagnosticContext, error: ErpError): string {
  const odoo = erpSection(ctx) === 'odoo' || error.system === 'odoo';
  const url = odoo ? 'odoo.url' : 'soapErp.baseUrl';
  let advice: string;
  switch (error.kind) {
    case 'access-denied':
      advice = odoo
        ? 'Check odoo.username (the login of the Odoo user the connector uses) and odoo.password: an API key of that user (Odoo: Preferences → Account Security → New API Key), required when the user has two-factor authentication. API keys can be revoked or expire: create a new one and give it as env:NAME. Also check odoo.database.'
        : 'Check soapErp.auth: the user name and password of the ERP service user (SAP: the RFC/communication user; NAV: the web service access key). Give the password as env:NAME.';
      break;
    case 'access':
      advice = odoo
        ? 'The Odoo user logs in but may not read what the connector needs: give it Invoicing/Accounting read access and access to the company in odoo.companyId (Settings → Users → the user → Allowed Companies).'
        : 'The ERP user logs in but may not call the services of the profile: have the ERP administrator grant it the services (SAP: authorisations for the BAPIs; NAV: the pages published as web services).';
      break;
    case 'transport':
      advice = `Nothing answered at ${url}: check the scheme (http or https), the host and the port, that the ERP server is running, and that this machine reaches it (firewall, VPN, proxy). For https with a certificate of a private CA, give its CA with NODE_EXTRA_CA_CERTS.`;
      break;
    case 'timeout':
      advice = `The ERP did not answer in time: check that it is not overloaded and that no proxy holds the request; raise ${odoo ? 'odoo.timeoutMs (and lower odoo.pageSize)' : 'soapErp.timeoutMs'} if it is just slow.`;
      break;
    case 'protocol':
      advice = odoo
        ? 'odoo.url must be the base URL of the Odoo server (e.g. https://erp.example.com), not a web page: a login page, a reverse proxy error page or an http → https redirect all mean the URL (scheme, host, port or path) points somewhere else.'
        : 'soapErp.baseUrl must point at the ERP’s SOAP services: an HTML page, a login page or a proxy error means the URL (scheme, host, port or path) points somewhere else; check the SOAP version (soapErp.soapVersion) too.';
      break;
    case 'validation':
      advice = odoo
        ? 'Correct the database, company or fields named (odoo.database, odoo.companyId); missing x_cesce fields are created by `cesce odoo setup`.'
        : 'Correct the profile or the company named (soapErp.profile, soapErp.company).';
      break;
    case 'server':
      advice = 'The ERP failed internally on the connector’s request: its server log has the details (the traceback); have the ERP administrator look at it, then run diagnose again.';
      break;
  }
  const hint = error.hint?.trim();
  // The connectors' hints for these kinds are generic (the advice above says it for this config),
  // except those about TLS or the SOAP version.
  const generic = ['transport', 'protocol', 'access-denied'].includes(error.kind) && !/TLS|certificate|SOAP 1\.[12]|soapVersion/i.test(hint ?? '');
  if (!hint || generic) return advice;
  return `${/[.!?]$/.test(hint) ? hint : `${hint}.`} ${advice}`;
}

/** A failed ERP call as a check outcome: its message observed, the fix for its kind. */
function erpFailure(ctx: DiagnosticContext, error: unknown, doing: string): CheckOutcome {
  if (error instanceof ErpError) {
    const [first, ...rest] = error.message.split('\n');
    const details = rest.map((l) => l.trim()).filter((l) => l.length > 0);
    return {
      status: 'fail',
      observed: `${doing}: ${first}`,
      ...(details.length > 0 ? { details: bounded(details) } : {}),
      fix: erpFix(ctx, error),
      data: { kind: error.kind, system: error.system },
    };
  }
  if (error instanceof CesceConnectError) {
    return {
      status: 'fail',
      observed: `${doing}: ${error.message}`,
      fix: error.hint ?? 'Correct the ERP settings named in the message.',
      data: { code: error.code },
    };
  }
  throw error;
}

const blocking = (issues: readonly MappingIssue[]): MappingIssue | undefined => issues.find((i) => i.severity === 'blocking');

/** Registers the values quoted in a tax-id message ("tax id 'B1234' has …") as personal data. */
function registerQuoted(ctx: DiagnosticContext, message: string): void {
  for (const m of message.matchAll(/'([^']{3,})'/g)) ctx.personal(m[1]);
}

// ---------------------------------------------------------------------------------------------

const erpConnection: CheckDefinition = {
  id: 'erp.connection',
  group: 'erp',
  title: 'ERP connection',
  needs: ['config.erp'],
  async run(ctx) {
    // The ERP user names appear in the connectors' messages ("login failed for user …").
    for (const path of ['odoo.username', 'soapErp.auth.username']) {
      const v = valueAt(ctx.resolved, path);
      if (typeof v === 'string') ctx.personal(v);
    }
    let d: ErpDescription;
    try {
      d = await ctx.erp.source!.connect();
    } catch (error) {
      return erpFailure(ctx, error, 'connecting to the ERP failed');
    }
    ctx.erp.description = d;
    const url = withoutUserinfo(d.url);
    const protocol = protocolOf(d);
    return {
      status: 'pass',
      observed: `connected to ${d.system} ${d.version} at ${url}`,
      data: { system: d.system, version: d.version, protocol, url },
    };
  },
};

const erpCompany: CheckDefinition = {
  id: 'erp.company',
  group: 'erp',
  title: 'ERP company',
  needs: ['erp.connection'],
  async run(ctx) {
    const c = ctx.erp.description!.company;
    ctx.personal(c.taxCode);
    const where = erpSection(ctx) === 'odoo' ? 'in Odoo (Settings → Companies → the company → Tax ID)' : 'in soapErp.company.taxCode';
    const observed = `company ${c.id} "${c.name}", tax code ${c.taxCode ?? 'none'}, currency ${c.currency}`;
    const data = { id: c.id, name: c.name, taxCode: c.taxCode, currency: c.currency };
    const problems: string[] = [];
    const fixes: string[] = [];
    let kb: CheckOutcome['kb'];
    if (!c.taxCode) {
      problems.push('the company has no tax code');
      fixes.push(`Set the company's tax code (CIF) ${where}: Cesce identifies the policyholder by it, and support needs it to match this installation to your policy.`);
    } else {
      const compact = c.taxCode.toUpperCase().replace(/^ES/, '');
      if (spanishTaxIdKind(compact) && !isValidSpanishTaxId(compact)) {
        problems.push(`the company's tax code ${c.taxCode} has a wrong check character`);
        fixes.push(`Correct the company's tax code ${where}: it must be the policyholder's CIF as on the Cesce policy.`);
      }
    }
    if (c.currency !== POLICY_CURRENCY) {
      problems.push(`the company currency is ${c.currency}, not ${POLICY_CURRENCY}`);
      fixes.push(
        `Cesce policies declare sales and grant limits in ${POLICY_CURRENCY}: invoices in ${c.currency} are refused unless your policy covers that currency, requested limits are read in ${c.currency}, and granted limits (in ${POLICY_CURRENCY}) cannot be written into fields that hold ${c.currency} amounts. Check the company selected (${erpSection(ctx) === 'odoo' ? 'odoo.companyId' : 'soapErp.company'}) and your policy's currency with your Cesce agent.`,
      );
      const entry = findEntry('cesce-400-adjust-to-policy');
      if (entry) kb = kbReference(entry);
    }
    if (problems.length === 0) return { status: 'pass', observed, data };
    return { status: 'warn', observed: `${observed}: ${problems.join('; ')}`, fix: fixes.join(' '), kb, data };
  },
};

// ---------------------------------------------------------------------------------------------

const erpCustomers: CheckDefinition = {
  id: 'erp.customers',
  group: 'erp',
  title: 'Customers',
  needs: ['erp.connection'],
  async run(ctx) {
    const debtors: Debtor[] = [];
    try {
      for await (const d of ctx.erp.source!.debtors()) {
        debtors.push(d);
        ctx.personal(d.name);
        ctx.personal(d.taxCode);
      }
    } catch (error) {
      return erpFailure(ctx, error, `reading customers failed after ${plural(debtors.length, 'customer')}`);
    }
    ctx.erp.debtors = debtors;
    const lines: string[] = [];
    let flagged = 0;
    let blocked = 0;
    let otherWithIssues = 0;
    let archived = 0;
    for (const d of debtors) {
      if (!d.active) archived += 1;
      for (const i of d.issues) if (i.field === 'vat' || /tax id/i.test(i.message)) registerQuoted(ctx, i.message);
      if (d.requestedCreditLimit === null) {
        if (blocking(d.issues)) otherWithIssues += 1;
        // Warnings on customers not flagged: usually a requested limit that was ignored.
        for (const i of d.issues) if (i.severity === 'warning') lines.push(`${d.ref}: ${i.field}: ${i.message}`);
        continue;
      }
      flagged += 1;
      const problems: { field: string; message: string }[] = d.issues.filter((i) => i.severity === 'blocking').map((i) => ({ field: i.field, message: i.message }));
      if (problems.length === 0 && !d.taxCode) problems.push({ field: 'vat', message: 'no usable tax id' });
      if (problems.length === 0 && !d.countryCode) problems.push({ field: 'country_id', message: 'no country: Cesce needs the country of the tax id' });
      if (problems.length === 0 && d.taxCode && d.countryCode) {
        // The connector's mapping already checks tax ids; the same rules again, for any connector.
        const again = normalizeTaxId(d.taxCode, d.countryCode);
        if (!again.ok) {
          registerQuoted(ctx, again.reason);
          problems.push({ field: 'vat', message: again.reason });
        }
      }
      if (problems.length > 0) blocked += 1;
      for (const p of problems) lines.push(`${d.ref}: ${p.field}: ${p.message}`);
      for (const i of d.issues) if (i.severity === 'warning') lines.push(`${d.ref}: ${i.field}: ${i.message} (warning)`);
    }
    const counts = { read: debtors.length, archived, flagged, blocked, notFlaggedWithIssues: otherWithIssues };
    const observed =
      `${plural(debtors.length, 'customer')} read${archived > 0 ? ` (${archived} archived)` : ''}; ${flagged} flagged for a classification` +
      (blocked > 0 ? `, ${blocked} of them blocked by their data` : '') +
      (otherWithIssues > 0 ? `; ${plural(otherWithIssues, 'other customer')} without a usable tax id` : '');
    if (debtors.length === 0) {
      return {
        status: 'warn',
        observed: 'the ERP returned no customers',
        fix:
          erpSection(ctx) === 'soapErp'
            ? 'Check the customer read of the profile (customers.recordsPath, the company code): without customers no classification is requested and every invoice is skipped.'
            : 'Check odoo.companyId and that the customers are marked as customers (customer rank): without customers no classification is requested and every invoice is skipped.',
        data: counts,
      };
    }
    if (lines.length === 0) return { status: 'pass', observed, data: counts };
    return {
      status: 'warn',
      observed,
      details: bounded(lines),
      fix:
        (erpSection(ctx) === 'odoo'
          ? 'Correct the field named on each customer in Odoo (Contacts → the customer: Tax ID, Country; the requested limit in x_cesce_requested_limit). '
          : 'Correct the field named on each customer in the ERP. ') +
        'A flagged customer without a usable tax id gets no classification request, and none of its invoices can be declared; the other customers go on.',
      data: counts,
    };
  },
};

function isoDateAt(ctx: DiagnosticContext, path: string): string | undefined {
  const v = valueAt(ctx.resolved, path);
  return isIsoDate(v) ? v : undefined;
}

const erpInvoices: CheckDefinition = {
  id: 'erp.invoices',
  group: 'erp',
  title: 'Invoices and credit notes',
  needs: ['erp.connection'],
  async run(ctx) {
    const fromDate = isoDateAt(ctx, 'sync.fromDate');
    const documents: SaleDocument[] = [];
    try {
      // A full read, as the first sync does (never incremental).
      for await (const d of ctx.erp.source!.documents({ fromDate })) documents.push(d);
    } catch (error) {
      return erpFailure(ctx, error, `reading invoices failed after ${plural(documents.length, 'document')}`);
    }
    ctx.erp.documents = documents;
    const counts = { invoices: 0, creditNotes: 0, noDueDate: 0, foreignCurrency: 0, blocking: 0 };
    const currencies = new Map<string, number>();
    const lines: string[] = [];
    for (const d of documents) {
      if (d.kind === 'invoice') counts.invoices += 1;
      else counts.creditNotes += 1;
      const issue = blocking(d.issues) ?? documentProblem(d);
      if (issue) {
        counts.blocking += 1;
        lines.push(`${d.ref}: ${issue.field}: ${issue.message}`);
      }
      if (d.kind === 'invoice' && d.dueDate === null) {
        counts.noDueDate += 1;
        if (!issue) lines.push(`${d.ref}: dueDate: the invoice has no due date`);
      }
      if (d.total.currency !== POLICY_CURRENCY) {
        counts.foreignCurrency += 1;
        currencies.set(d.total.currency, (currencies.get(d.total.currency) ?? 0) + 1);
        lines.push(`${d.ref}: currency: in ${d.total.currency} (${d.total.amount} ${d.total.currency})`);
      }
    }
    const since = fromDate ? ` dated from ${fromDate} (sync.fromDate)` : '';
    const found = [
      counts.blocking > 0 ? `${counts.blocking} with data that blocks them` : null,
      counts.noDueDate > 0 ? `${plural(counts.noDueDate, 'invoice')} without a due date` : null,
      counts.foreignCurrency > 0 ? `${counts.foreignCurrency} in a currency other than ${POLICY_CURRENCY} (${[...currencies.keys()].join(', ')})` : null,
    ].filter((x): x is string => x !== null);
    const observed = `${plural(documents.length, 'posted document')}${since}: ${plural(counts.invoices, 'invoice')}, ${plural(counts.creditNotes, 'credit note')}${found.length > 0 ? `; ${found.join(', ')}` : ''}`;
    const data = { read: documents.length, fromDate: fromDate ?? null, ...counts, currencies: Object.fromEntries(currencies) };
    if (documents.length === 0) {
      return {
        status: 'warn',
        observed: `no posted customer invoice or credit note${since}`,
        fix: fromDate
          ? `Check sync.fromDate (${fromDate}) and the company selected: the first sync would declare nothing.`
          : 'Check the company selected and that its customer invoices are posted: the first sync would declare nothing.',
        data,
      };
    }
    if (lines.length === 0) return { status: 'pass', observed, data };
    const fixes = [
      counts.blocking + counts.noDueDate > 0 ? 'Correct the field named on each document in the ERP; until then it is not declared.' : null,
      counts.noDueDate > 0 ? 'An invoice is declared with its due date: set its payment terms or due date.' : null,
      counts.foreignCurrency > 0
        ? `Invoices in a currency other than ${POLICY_CURRENCY} are sent as they are, and Cesce refuses those your policy does not cover: check your policy's currencies with your Cesce agent, or invoice insured customers in ${POLICY_CURRENCY}.`
        : null,
    ].filter((x): x is string => x !== null);
    const entry = counts.foreignCurrency > 0 ? findEntry('cesce-400-adjust-to-policy') : undefined;
    return { status: 'warn', observed, details: bounded(lines), fix: fixes.join(' '), ...(entry ? { kb: kbReference(entry) } : {}), data };
  },
};

const erpCreditNotes: CheckDefinition = {
  id: 'erp.credit-notes',
  group: 'erp',
  title: 'Credit notes linked to their invoices',
  needs: ['erp.invoices'],
  async run(ctx) {
    const documents = ctx.erp.documents!;
    const byId = new Map(documents.map((d) => [d.erpId, d]));
    const notes = documents.filter((d) => d.kind === 'credit_note');
    const lines: string[] = [];
    let withoutOrigin = 0;
    let datedBefore = 0;
    let originNotRead = 0;
    for (const n of notes) {
      if (n.originErpId === null) {
        withoutOrigin += 1;
        lines.push(`${n.ref}: no origin invoice: it is not declared until it is linked to the invoice it corrects`);
        continue;
      }
      const origin = byId.get(n.originErpId);
      if (!origin) {
        originNotRead += 1;
        continue;
      }
      if (isIsoDate(n.invoiceDate) && isIsoDate(origin.invoiceDate) && n.invoiceDate < origin.invoiceDate) {
        datedBefore += 1;
        lines.push(`${n.ref}: dated ${n.invoiceDate}, before its invoice ${origin.number} (${origin.invoiceDate})`);
      }
    }
    const data = { creditNotes: notes.length, withoutOrigin, datedBeforeInvoice: datedBefore, originNotRead };
    const notRead = originNotRead > 0 ? `; ${originNotRead} correct an invoice not read (before sync.fromDate or not posted): declared only if an earlier run declared it` : '';
    if (lines.length === 0) {
      return { status: 'pass', observed: `${plural(notes.length, 'credit note')}, each linked to an invoice${notRead}`, data };
    }
    const entry = findEntry('cesce-400-credit-note-order');
    const odoo = erpSection(ctx) === 'odoo';
    return {
      status: 'warn',
      observed: `${plural(notes.length, 'credit note')}: ${[withoutOrigin > 0 ? `${withoutOrigin} without an origin invoice` : null, datedBefore > 0 ? `${datedBefore} dated before the invoice they correct` : null].filter(Boolean).join(', ')}${notRead}`,
      details: bounded(lines),
      fix:
        (odoo
          ? "Link each credit note to the invoice it corrects (Odoo: create it with 'Credit Note' from the invoice, which fills 'Reversal of' / reversed_entry_id), "
          : 'Link each credit note to the invoice it corrects in the ERP, ') +
        'and date it on or after that invoice: Cesce accepts a credit note only after the positive sale it offsets. Until then it is not declared.',
      ...(entry ? { kb: kbReference(entry) } : {}),
      data,
    };
  },
};

interface Group {
  label: string;
  count: number;
  /** Example → how many items it stands for (a customer's problem stands for its documents). */
  examples: Map<string, number>;
}

function addTo(groups: Map<string, Group>, key: string, label: string, example: string): void {
  const g = groups.get(key) ?? { label, count: 0, examples: new Map<string, number>() };
  g.count += 1;
  const seen = g.examples.get(example);
  if (seen !== undefined) g.examples.set(example, seen + 1);
  else if (g.examples.size < MAX_EXAMPLES) g.examples.set(example, 1);
  groups.set(key, g);
}

/** One line per group, largest first: "label: 16 documents, e.g. A (8); B (8)". */
function groupLines(groups: Map<string, Group>, unit: string): string[] {
  return [...groups.values()]
    .sort((a, b) => b.count - a.count)
    .map((g) => {
      const shown = [...g.examples].map(([example, n]) => (n > 1 ? `${example} (${n})` : example));
      const listed = [...g.examples.values()].reduce((a, b) => a + b, 0);
      return `${g.label}: ${plural(g.count, unit)}, e.g. ${shown.join('; ')}${g.count > listed ? '; …' : ''}`;
    });
}

const erpIgnored: CheckDefinition = {
  id: 'erp.ignored',
  group: 'erp',
  title: 'Documents the sync will leave out',
  needs: ['erp.invoices', 'erp.customers'],
  async run(ctx) {
    const documents = ctx.erp.documents!;
    const debtors = new Map(ctx.erp.debtors!.map((d) => [d.erpId, d]));
    const byId = new Map(documents.map((d) => [d.erpId, d]));
    const problems = new Map<string, Group>();
    let dataProblems = 0;
    let notFlagged = 0;
    const notFlaggedCustomers = new Set<string>();
    let flaggedWaiting = 0;
    /** `example`: the document and what is wrong with it, or (for its customer's problems) the customer. */
    const problem = (field: string, label: string, example: string) => {
      dataProblems += 1;
      addTo(problems, `${field}|${label}`, label, example);
    };
    for (const d of documents) {
      const issue = blocking(d.issues) ?? documentProblem(d);
      if (issue) {
        problem(issue.field, `${issue.field} (${d.kind === 'invoice' ? 'invoice' : 'credit note'})`, `${d.ref}: ${issue.message}`);
        continue;
      }
      if (d.kind === 'credit_note') {
        const origin = d.originErpId ? byId.get(d.originErpId) : undefined;
        if (d.originErpId === null) problem('origin', 'credit note without an origin invoice', d.ref);
        else if (origin && d.invoiceDate < origin.invoiceDate) {
          problem('invoiceDate', 'credit note dated before its invoice', `${d.ref} (${d.invoiceDate}; invoice ${origin.number} ${origin.invoiceDate})`);
        }
        continue;
      }
      const debtor = debtors.get(d.debtorErpId);
      if (!debtor) {
        problem('customer', 'customer not among the company’s customers', `${d.ref} (customer id ${d.debtorErpId || 'none'})`);
        continue;
      }
      const debtorIssue = blocking(debtor.issues);
      if (debtorIssue || !debtor.taxCode) {
        const field = debtorIssue?.field ?? 'vat';
        problem(field, `customer without a usable tax id (${field})`, `customer ${debtor.ref}: ${debtorIssue?.message ?? 'no usable tax id'}`);
        continue;
      }
      if (!d.dueDate) {
        problem('dueDate', 'invoice without a due date', d.ref);
        continue;
      }
      if (d.dueDate === d.invoiceDate) {
        problem('dueDate', 'cash sale (due on the invoice date): not a sale on credit', d.ref);
        continue;
      }
      if (debtor.requestedCreditLimit === null) {
        notFlagged += 1;
        notFlaggedCustomers.add(debtor.erpId);
      } else flaggedWaiting += 1;
    }
    const data = {
      documents: documents.length,
      dataProblems,
      byReason: Object.fromEntries([...problems.values()].map((g) => [g.label, g.count])),
      ofCustomersNotFlagged: notFlagged,
      customersNotFlagged: notFlaggedCustomers.size,
      ofFlaggedCustomers: flaggedWaiting,
    };
    const waiting =
      notFlagged > 0
        ? `${plural(notFlagged, 'invoice')} of ${plural(notFlaggedCustomers.size, 'customer')} not flagged for a classification: declared only for those Cesce has already classified, the others wait for a classification (erp.first-sync asks Cesce which)`
        : null;
    const observed = [
      dataProblems > 0 ? `${plural(dataProblems, 'document')} left out for their data (${plural(problems.size, 'reason')})` : 'no document left out for its data',
      waiting,
    ]
      .filter(Boolean)
      .join('; ');
    if (dataProblems === 0) return { status: 'pass', observed, data };
    return {
      status: 'warn',
      observed,
      details: bounded(groupLines(problems, 'document')),
      fix: 'Each reason names the field to correct in the ERP (on the document, or on its customer); the documents are declared by the first sync after the correction. The rest of the sync goes on without them.',
      data,
    };
  },
};

// ---------------------------------------------------------------------------------------------

/**
 * An ErpSource over what erp.customers and erp.invoices read: the sync engine plans on the same
 * data without reading the ERP twice, and never writes into it.
 */
export class ReplaySource implements ErpSource {
  readonly capabilities: ErpSource['capabilities'];

  constructor(
    private readonly description: ErpDescription,
    private readonly debtorList: readonly Debtor[],
    private readonly documentList: readonly SaleDocument[],
    real: ErpSource['capabilities'],
  ) {
    // The same capabilities as the real source, so the engine reads as a real run would.
    this.capabilities = real ? { incremental: real.incremental, scope: real.scope, writeBack: real.writeBack } : undefined;
  }

  async connect(): Promise<ErpDescription> {
    return this.description;
  }

  async *debtors(): AsyncIterable<Debtor> {
    yield* this.debtorList;
  }

  async *documents(query: DocumentQuery = {}): AsyncIterable<SaleDocument> {
    const since: ChangeWatermark | undefined = this.capabilities?.incremental ? query.changedSince : undefined;
    const found = this.documentList.filter(
      (d) =>
        (!query.fromDate || d.invoiceDate >= query.fromDate) &&
        (!since || (d.updatedAt !== null && compareWatermarks({ updatedAt: d.updatedAt, erpId: d.erpId }, since) > 0)),
    );
    if (since) found.sort((a, b) => compareWatermarks({ updatedAt: a.updatedAt!, erpId: a.erpId }, { updatedAt: b.updatedAt!, erpId: b.erpId }));
    yield* found;
  }

  async *documentsByIds(erpIds: readonly string[]): AsyncIterable<SaleDocument> {
    const wanted = new Set(erpIds);
    yield* this.documentList.filter((d) => wanted.has(d.erpId));
  }

  async writeClassification(): Promise<void> {
    throw new Error('diagnose never writes into the ERP');
  }

  async writeSale(): Promise<void> {
    throw new Error('diagnose never writes into the ERP');
  }

  async close(): Promise<void> {}
}

/** A reason the engine skipped an item, without the record: what the report groups by. */
export function skipCategory(s: SkippedItem): string {
  const r = s.reason;
  if (/waits for the classification this run would request/.test(r)) return 'waits for the classification this run would request';
  if (/has no Cesce classification/.test(r)) return 'customer not classified by Cesce and not flagged';
  if (/classification is .*no cover/.test(r)) return 'customer classification gives no cover (in progress, denied or cancelled)';
  if (/^cannot request a classification/.test(r)) return `classification not requested: customer data (${s.field ?? 'vat'})`;
  if (/^customer .*: /.test(r) && s.field) return `customer data (${s.field})`;
  if (/waits for its invoice/.test(r)) return 'credit note waits for its invoice';
  if (/classification look-up .*failed/.test(r)) return 'classification look-up failed';
  if (/same number as/.test(r)) return 'duplicate document number';
  if (/cash sale/.test(r)) return 'cash sale';
  if (/requested earlier .*no longer returns it/.test(r)) return 'classification requested earlier (ledger) but not found at Cesce now';
  if (s.kind === 'classification') return `classification not requested (${s.field ?? r})`;
  return `document data (${s.field ?? r})`;
}

const firstSync: CheckDefinition = {
  id: 'erp.first-sync',
  group: 'erp',
  title: 'What the next sync would send',
  needs: ['erp.invoices', 'erp.customers', 'policy.access'],
  skipWhen: (ctx) => (ctx.client ? undefined : 'no Cesce client to plan with: the Cesce credentials were not checked (auth.token)'),
  async run(ctx) {
    const client = ctx.client!;
    const file = ctx.erp.ledgerFile;
    const exists = file !== undefined && existsSync(file);
    let ledger: Ledger;
    try {
      ledger = new Ledger(file ?? ':memory:', { readonly: true });
    } catch (error) {
      if (error instanceof CesceConnectError) {
        return { status: 'fail', observed: error.message, fix: error.hint ?? 'Point sync.ledger at the ledger of earlier runs, or at a new file.' };
      }
      throw error;
    }
    const items = exists ? ledger.all(client.contract.value).length : 0;
    const which = exists ? 'next' : 'first';
    const ledgerText = !file
      ? 'first sync (no ledger file given)'
      : exists
        ? `next sync: ledger ${file} holds ${plural(items, 'item')} of contract ${client.contract.value}`
        : `first sync: ledger ${file} does not exist yet`;
    let report: SyncReport;
    try {
      const source = new ReplaySource(ctx.erp.description!, ctx.erp.debtors!, ctx.erp.documents!, ctx.erp.source!.capabilities);
      const concurrency = valueAt(ctx.resolved, 'sync.concurrency');
      report = await runSync({
        source,
        client,
        ledger,
        dryRun: true,
        fromDate: isoDateAt(ctx, 'sync.fromDate'),
        concurrency: typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 16 ? concurrency : 4,
      });
    } catch (error) {
      if (error instanceof CesceApiError) {
        return {
          status: 'fail',
          observed: `${ledgerText}; planning stopped: Cesce answered ${error.status} ${error.cesceMessage}`,
          fix: error.entry.fix.en,
          kb: kbReference(error.entry),
        };
      }
      if (error instanceof CesceConnectError) {
        return { status: 'fail', observed: `${ledgerText}; planning stopped: ${error.message}`, fix: error.hint ?? 'Correct what the message names and run diagnose again.' };
      }
      throw error;
    } finally {
      ledger.close();
    }

    const byReason = new Map<string, Group>();
    for (const s of report.skipped) addTo(byReason, skipCategory(s), skipCategory(s), s.erpRef);
    const waiting = byReason.get('waits for the classification this run would request')?.count ?? 0;
    const toSend = report.classificationsRequested + report.salesDeclared + report.creditNotesDeclared;
    const attention = [
      ...report.stillRejected.map((r) => `${r.erpRef}: still rejected by Cesce [${r.kbId}] ${r.message}; fix: ${r.fix}`),
      ...report.conflicts.map((c) => `${c.erpRef}: conflict with Cesce: ${c.message}`),
      ...report.failed.map((f) => `${f.erpRef}: ${f.message}`),
    ];
    const skippedLines = groupLines(byReason, 'item').map((l) => `skipped, ${l}`);
    const warningLines = report.warnings.map((w) => `warning: ${w.erpRef}: ${w.field}: ${w.message}`);
    const data = {
      ledger: which,
      ledgerFile: file ?? null,
      ledgerItems: items,
      mode: report.mode,
      classificationsToRequest: report.classificationsRequested,
      invoicesToDeclare: report.salesDeclared,
      creditNotesToDeclare: report.creditNotesDeclared,
      alreadyDeclared: report.alreadyDeclared,
      foundAtCesce: report.adopted,
      skipped: report.skipped.length,
      skippedByReason: Object.fromEntries([...byReason.values()].map((g) => [g.label, g.count])),
      waitingForClassification: waiting,
      stillRejected: report.stillRejected.length,
      conflicts: report.conflicts.length,
      failed: report.failed.length,
      warnings: report.warnings.length,
      cesceRequests: report.requests.cesce,
    };
    const observed =
      `${ledgerText}; it would request ${plural(report.classificationsRequested, 'classification')}, declare ${plural(report.salesDeclared, 'invoice')} and ${plural(report.creditNotesDeclared, 'credit note')}` +
      `; ${report.alreadyDeclared} already declared${report.adopted > 0 ? `, ${report.adopted} found already at Cesce (recorded, not sent again)` : ''}` +
      `; ${report.skipped.length} skipped${waiting > 0 ? ` (${waiting} waiting for a classification)` : ''}` +
      (attention.length > 0 ? `; ${report.stillRejected.length} still rejected, ${report.conflicts.length} in conflict, ${report.failed.length} failed` : '');
    const details = [...bounded(attention, 5), ...bounded(skippedLines), ...bounded(warningLines, 5)];
    if (attention.length > 0) {
      const first = report.stillRejected[0];
      const entry = first?.kbId ? findEntry(first.kbId) : undefined;
      return {
        status: 'warn',
        observed,
        details,
        fix: 'Correct the documents or customers Cesce rejected (see each fix) in the ERP: an unchanged rejected item is not sent again. Conflicts need the sale corrected at Cesce or in the ERP; failed look-ups are retried by the sync.',
        ...(entry ? { kb: kbReference(entry) } : {}),
        data,
      };
    }
    if (toSend === 0 && report.alreadyDeclared === 0 && report.adopted === 0) {
      return {
        status: 'warn',
        observed,
        details,
        fix: 'The sync would send nothing: flag customers for a classification (a requested limit on the customer) or check the reasons above; invoices are declared only for customers Cesce has classified.',
        data,
      };
    }
    return { status: 'pass', observed, details, data };
  },
};

export const ERP_CHECKS: readonly CheckDefinition[] = [erpConnection, erpCompany, erpCustomers, erpInvoices, erpCreditNotes, erpIgnored, firstSync];
