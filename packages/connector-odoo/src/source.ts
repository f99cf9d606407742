import { ErpError, ValidationError, isIsoDate, normalizeTaxId } from '@cesce-connect/core';
import type {
  CesceRejection,
  ChangeWatermark,
  ClassificationWriteBack,
  Debtor,
  DocumentQuery,
  ErpDescription,
  ErpSource,
  ErpSourceCapabilities,
  SaleDocument,
  SaleWriteBack,
} from '@cesce-connect/core';
import {
  DEFAULT_OVERLAP_MINUTES,
  DEFAULT_PAGE_SIZE,
  FIELD_SPECS,
  OCA_FIELD_MAPPING,
  hasOcaRiskInsurance,
  resolveFieldMapping,
  type OdooConnectorConfig,
  type OdooFieldMapping,
} from './config.js';
import { mapMove, MOVE_FIELDS } from './mapping/move.js';
import { mapPartner, PARTNER_FIELDS, type CurrencyInfo } from './mapping/partner.js';
import { many2oneId, odooText, toOdooDatetime, type OdooRecord } from './mapping/values.js';
import { connectOdooTransport } from './transport/detect.js';
import { normalizeOdooUrl } from './transport/xmlrpc-transport.js';
import type { OdooKwargs, OdooProtocol, OdooTransport, OdooVersionInfo, XmlRpcValue } from './transport/types.js';

type Domain = XmlRpcValue[];
/** Fields of modules the connector may write besides custom x_ fields (OCA partner_risk_insurance). */
const OCA_WRITABLE = ['insurance_credit_limit', 'risk_insurance_code'] as const;

const PROTOCOL_NAMES = { xmlrpc: 'XML-RPC', jsonrpc: 'JSON-RPC', json2: 'JSON-2' } as const;

/** How many recently read invoice names are kept to resolve credit-note origins without a call. */
const RECENT_INVOICE_NAMES = 20_000;

/** The invoice → credit notes field of this version, and whether it links more than `reversed_entry_id`. */
function reversalOf(move: FieldsGet): { reversalField: 'reversal_move_id' | 'reversal_move_ids' | null; reversalLinksMore: boolean } {
  for (const name of ['reversal_move_ids', 'reversal_move_id'] as const) {
    const def = move[name];
    if (def) return { reversalField: name, reversalLinksMore: def.relation_field !== 'reversed_entry_id' };
  }
  return { reversalField: null, reversalLinksMore: false };
}

type FieldsGet = Record<string, { type?: string; string?: string; relation?: string; relation_field?: string | false; company_dependent?: boolean }>;

/** What `connect()` learnt about the server; kept for the reads and writes that follow. */
export interface OdooConnection {
  version: OdooVersionInfo;
  protocol: OdooProtocol;
  uid: number;
  company: { id: number; name: string; vat: string | null; taxCode: string | null; countryCode: string | null; currency: CurrencyInfo };
  /** res.partner has the related `country_code` field (Odoo 14+): no res.country lookups needed. */
  partnerHasCountryCode: boolean;
  /** res.partner has `property_payment_term_id` (the account module is installed). */
  partnerHasPaymentTerm: boolean;
  /** The preset in use (`auto` resolved by fields_get). */
  preset: 'x_cesce' | 'oca';
  /** The field names in use. */
  fields: OdooFieldMapping;
  /** Invoice → credit notes field: `reversal_move_id` (≤17), `reversal_move_ids` (18+), or null. */
  reversalField: 'reversal_move_id' | 'reversal_move_ids' | null;
  /**
   * The reversal field can link credit notes that `reversed_entry_id` does not (it is not the
   * plain one2many inverse of `reversed_entry_id`, as it is in standard Odoo, where querying it
   * would find nothing more). Only then is it queried for unlinked credit notes.
   */
  reversalLinksMore: boolean;
  /** Native `res.partner.credit_limit`: whether it is company-dependent (16+), and whether `use_partner_credit_limit` exists. */
  creditLimit: { companyDependent: boolean; useField: boolean } | null;
}

export interface OdooSource extends ErpSource {
  /** The wire transport: the injected one, or the one chosen by `connect()` (null before). */
  readonly transport: OdooTransport | null;
  /** The field names in use (with preset `auto`, final once connected). */
  readonly fields: OdooFieldMapping;
  /** Set by `connect()`. */
  readonly connection: OdooConnection | null;
  readonly capabilities: ErpSourceCapabilities;
  documentsByIds(erpIds: readonly string[]): AsyncIterable<SaleDocument>;
}

/** Standard fields the connector relies on; missing ones mean an unsupported Odoo version or a missing app. */
const REQUIRED_STANDARD: Record<string, string[]> = {
  'res.partner': ['name', 'vat', 'country_id', 'state_id', 'zip', 'city', 'street', 'ref', 'active', 'customer_rank', 'parent_id', 'is_company', 'company_id'],
  'account.move': [...MOVE_FIELDS, 'state', 'company_id'],
};

/** Escapes text for an HTML chatter message. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The chatter message explaining a Cesce rejection, in Spanish and English: HTML with every
 * text escaped, or plain text for the Odoo versions that escape a string body themselves.
 */
export function rejectionMessage(title: { es: string; en: string }, r: CesceRejection, format: 'html' | 'text' = 'html'): string {
  const status = r.httpStatus > 0 ? `HTTP ${r.httpStatus}, ` : '';
  if (format === 'text') {
    return [
      `${title.es} / ${title.en}`,
      `Cesce: «${r.message}» (${status}${r.kbId})`,
      `Causa: ${r.cause.es} Solución: ${r.fix.es}`,
      `Cause: ${r.cause.en} Fix: ${r.fix.en}`,
    ].join('\n');
  }
  const e = escapeHtml;
  return [
    `<p><strong>${e(title.es)}</strong> / <strong>${e(title.en)}</strong></p>`,
    `<p>Cesce: «${e(r.message)}» (${e(status)}${e(r.kbId)})</p>`,
    `<p><strong>Causa:</strong> ${e(r.cause.es)}<br/><strong>Solución:</strong> ${e(r.fix.es)}</p>`,
    `<p><strong>Cause:</strong> ${e(r.cause.en)}<br/><strong>Fix:</strong> ${e(r.fix.en)}</p>`,
  ].join('');
}

/**
 * An `ErpSource` reading customers (res.partner) and posted customer invoices/credit notes
 * (account.move) of one Odoo company over XML-RPC, JSON-RPC or JSON-2, and writing Cesce results
 * back. Version differences are detected with `fields_get`, never guessed from the version number.
 */
/**
 * Detects the server's protocol and opens a transport for a connector config (the same for the
 * source and for `cesce odoo setup`). Call `authenticate()` next.
 */
export function connectOdoo(
  config: Pick<OdooConnectorConfig, 'url' | 'database' | 'username' | 'password' | 'timeoutMs' | 'protocol'>,
): Promise<{ transport: OdooTransport; version: OdooVersionInfo }> {
  return connectOdooTransport({
    url: config.url,
    database: config.database,
    username: config.username,
    password: config.password,
    timeoutMs: config.timeoutMs,
    protocol: config.protocol ?? 'auto',
  });
}

export function createOdooSource(config: OdooConnectorConfig, options: { transport?: OdooTransport } = {}): OdooSource {
  if (!Number.isInteger(config.companyId) || config.companyId <= 0) {
    throw new ValidationError('companyId', `must be the positive integer id of an Odoo company (got ${String(config.companyId)})`);
  }
  const pageSize = config.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new ValidationError('pageSize', `must be a positive integer (got ${pageSize})`);
  const overlapMinutes = config.overlapMinutes ?? DEFAULT_OVERLAP_MINUTES;
  if (!Number.isInteger(overlapMinutes) || overlapMinutes < 0) {
    throw new ValidationError('overlapMinutes', `must be a whole number of minutes, 0 or more (got ${overlapMinutes})`);
  }
  const requestedPreset = config.fieldsPreset ?? 'x_cesce';
  let fields = resolveFieldMapping(config.fields, requestedPreset === 'oca' ? 'oca' : 'x_cesce');
  let transport: OdooTransport | null = options.transport ?? null;
  const baseUrl = transport?.url ?? normalizeOdooUrl(config.url).href.replace(/\/$/, '');
  const companyId = config.companyId;
  const companyContext = { allowed_company_ids: [companyId] };
  const readContext = { active_test: false, allowed_company_ids: [companyId] };

  let connection: OdooConnection | null = null;
  let connecting: Promise<OdooConnection> | null = null;
  const currencies = new Map<number, CurrencyInfo>();
  const countryCodes = new Map<number, string>();
  const stateCodes = new Map<number, string>();
  const paymentTermDays = new Map<number, number | null>();
  let termDayFields: string[] | null | undefined;

  const call = <T>(model: string, method: string, args: XmlRpcValue[], kwargs: OdooKwargs = {}) => {
    if (!transport) throw new ErpError('odoo', 'protocol', `Odoo source for ${baseUrl} is not connected`);
    return transport.executeKw<T>(model, method, args, kwargs);
  };

  async function readById(model: string, ids: number[], fieldNames: string[]): Promise<OdooRecord[]> {
    if (ids.length === 0) return [];
    return call<OdooRecord[]>(model, 'read', [ids], { fields: fieldNames, context: readContext });
  }

  async function loadCurrencies(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !currencies.has(id));
    for (const r of await readById('res.currency', missing, ['name', 'decimal_places'])) {
      const name = odooText(r.name);
      if (typeof r.id === 'number' && name) {
        currencies.set(r.id, { name, decimals: typeof r.decimal_places === 'number' ? r.decimal_places : 2 });
      }
    }
  }

  async function loadCodes(model: string, cache: Map<number, string>, ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !cache.has(id));
    for (const r of await readById(model, missing, ['code'])) {
      const code = odooText(r.code);
      if (typeof r.id === 'number' && code) cache.set(r.id, code.toUpperCase());
    }
  }

  /**
   * Longest delay (days) of each payment term, from its lines: `nb_days` (17+); `months`×30 +
   * `days` + `days_after` (+30 for `end_month`, the worst case) on 16; `days` before.
   */
  async function loadPaymentTerms(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !paymentTermDays.has(id));
    if (missing.length === 0) return;
    if (termDayFields === undefined) {
      try {
        const lineFields = await call<FieldsGet>('account.payment.term.line', 'fields_get', [], { attributes: ['type'], context: companyContext });
        termDayFields =
          'nb_days' in lineFields
            ? ['nb_days']
            : 'months' in lineFields
              ? ['months', 'days', 'end_month', 'days_after'].filter((f) => f in lineFields)
              : 'days' in lineFields
                ? ['days']
                : null;
      } catch (err) {
        if (err instanceof ErpError && (err.kind === 'server' || err.kind === 'access')) termDayFields = null;
        else throw err;
      }
    }
    for (const id of missing) paymentTermDays.set(id, null);
    if (!termDayFields) return;
    const lines = await call<OdooRecord[]>('account.payment.term.line', 'search_read', [[['payment_id', 'in', missing]]], {
      fields: ['payment_id', ...termDayFields],
      context: readContext,
    });
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    for (const line of lines) {
      const termId = many2oneId(line.payment_id);
      if (termId === null) continue;
      const days = termDayFields.includes('nb_days')
        ? num(line.nb_days)
        : num(line.months) * 30 + num(line.days) + num(line.days_after) + (line.end_month === true ? 30 : 0);
      paymentTermDays.set(termId, Math.max(paymentTermDays.get(termId) ?? 0, days));
    }
  }

  function fail(problems: string[], hint: string): never {
    throw new ErpError('odoo', 'validation', `Odoo database ${config.database} at ${baseUrl} lacks fields the connector needs:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { hint });
  }

  async function checkFields(): Promise<Omit<OdooConnection, 'version' | 'protocol' | 'uid' | 'company'>> {
    const attributes = { attributes: ['type', 'string', 'relation', 'relation_field', 'company_dependent'], context: companyContext };
    const partner = await call<FieldsGet>('res.partner', 'fields_get', [], attributes);
    const move = await call<FieldsGet>('account.move', 'fields_get', [], attributes);
    const problems: string[] = [];
    for (const [model, names] of Object.entries(REQUIRED_STANDARD)) {
      const have = model === 'res.partner' ? partner : move;
      for (const name of names) {
        if (!(name in have)) problems.push(`standard field '${name}' is missing on model ${model} (Odoo 14 or later with Invoicing is required)`);
      }
    }
    const oca = hasOcaRiskInsurance(partner);
    const preset = requestedPreset === 'auto' ? (oca ? 'oca' : 'x_cesce') : requestedPreset;
    if (preset === 'oca' && !oca) {
      problems.push(
        `odoo.fieldsPreset 'oca' needs the OCA module partner_risk_insurance installed (its fields ${OCA_FIELD_MAPPING.grantedLimit} and ${OCA_FIELD_MAPPING.endorsementNo} are missing on model res.partner): install it, or use fieldsPreset 'x_cesce'`,
      );
    }
    fields = resolveFieldMapping(config.fields, preset);
    for (const spec of FIELD_SPECS) {
      const have = spec.model === 'res.partner' ? partner : move;
      const name = fields[spec.key];
      // Written fields must be custom (x_…) or the OCA module's: a slip such as saleReference: 'name'
      // would overwrite invoice numbers, VATs or names.
      if (spec.key !== 'requestedLimit' && !name.startsWith('x_') && !(OCA_WRITABLE as readonly string[]).includes(name)) {
        problems.push(
          `field '${name}' (odoo.fields.${spec.key}) on model ${spec.model} is one of Odoo's own fields: the connector writes into it, so it must be a custom field (x_…) or the OCA module's (${OCA_WRITABLE.join(', ')})`,
        );
        continue;
      }
      const def = have[name];
      if (!def) {
        // A module's field (not x_…) is the module's to provide; it was reported above for the OCA preset.
        if (!name.startsWith('x_')) {
          if (!(preset === 'oca' && !oca)) problems.push(`field '${name}' (odoo.fields.${spec.key}) is missing on model ${spec.model}: install the module that provides it, or map another field`);
          continue;
        }
        problems.push(`field '${name}' (odoo.fields.${spec.key}) is missing on model ${spec.model}: create it as a ${spec.ttype === 'float' ? 'Float' : 'Char'} field`);
      } else if (def.type && !spec.types.includes(def.type)) {
        problems.push(`field '${name}' (odoo.fields.${spec.key}) on model ${spec.model} is of type ${def.type}; expected ${spec.types.join(' or ')}`);
      }
    }
    const creditLimit = partner.credit_limit
      ? { companyDependent: partner.credit_limit.company_dependent === true, useField: 'use_partner_credit_limit' in partner }
      : null;
    if (config.writeNativeCreditLimit && !creditLimit) problems.push("writeNativeCreditLimit is set but res.partner has no field 'credit_limit'");
    if (problems.length > 0) {
      fail(problems, 'Run `cesce odoo setup --config <file>` to create the x_cesce_* fields, or map existing fields with `odoo.fields` in the config.');
    }
    return {
      partnerHasCountryCode: 'country_code' in partner,
      partnerHasPaymentTerm: 'property_payment_term_id' in partner,
      preset,
      fields,
      ...reversalOf(move),
      creditLimit,
    };
  }

  async function openTransport(): Promise<{ transport: OdooTransport; version: OdooVersionInfo }> {
    if (transport) return { transport, version: await transport.version() };
    const opened = await connectOdoo(config);
    transport = opened.transport;
    return opened;
  }

  async function doConnect(): Promise<OdooConnection> {
    const { transport: t, version } = await openTransport();
    const uid = t.uid ?? (await t.authenticate());
    let company: OdooRecord | undefined;
    try {
      [company] = await call<OdooRecord[]>('res.company', 'read', [[companyId]], {
        fields: ['name', 'vat', 'currency_id', 'country_id'],
        context: companyContext,
      });
    } catch (err) {
      if (err instanceof ErpError && (err.kind === 'access' || err.kind === 'validation')) {
        throw new ErpError(
          'odoo',
          'access',
          `Odoo user ${config.username} cannot use company ${companyId} on database ${config.database} at ${baseUrl}: ${err.message}`,
          { hint: "Check companyId, and add the company to the user's Allowed Companies in Odoo.", cause: err, details: err.details },
        );
      }
      throw err;
    }
    if (!company) {
      throw new ErpError('odoo', 'access', `Odoo company ${companyId} was not found on database ${config.database} at ${baseUrl}`);
    }
    const detected = await checkFields();
    const currencyId = many2oneId(company.currency_id);
    if (currencyId === null) throw new ErpError('odoo', 'validation', `Odoo company ${companyId} has no currency`);
    await loadCurrencies([currencyId]);
    const currency = currencies.get(currencyId);
    if (!currency) throw new ErpError('odoo', 'access', `Cannot read the currency of Odoo company ${companyId}`);
    const countryId = many2oneId(company.country_id);
    if (countryId !== null) await loadCodes('res.country', countryCodes, [countryId]);
    const companyCountry = countryId === null ? null : (countryCodes.get(countryId) ?? null);
    const vat = odooText(company.vat);
    const tax = normalizeTaxId(vat, companyCountry);
    return {
      version,
      protocol: t.protocol,
      uid,
      company: {
        id: companyId,
        name: odooText(company.name) ?? `Company ${companyId}`,
        vat,
        taxCode: tax.ok ? tax.value.taxCode : null,
        countryCode: tax.ok ? tax.value.countryCode : companyCountry,
        currency,
      },
      ...detected,
    };
  }

  async function ensureConnected(): Promise<OdooConnection> {
    if (connection) return connection;
    connecting ??= doConnect().then(
      (c) => (connection = c),
      (err: unknown) => {
        connecting = null;
        throw err;
      },
    );
    return connecting;
  }

  async function searchPage(model: string, domain: Domain, fieldNames: readonly string[], order: string, limit?: number): Promise<OdooRecord[]> {
    const page = await call<OdooRecord[]>(model, 'search_read', [domain], {
      fields: [...fieldNames],
      order,
      ...(limit === undefined ? {} : { limit }),
      context: readContext,
    });
    if (!Array.isArray(page)) throw new ErpError('odoo', 'protocol', `Odoo answered ${model}.search_read with ${typeof page}, not a list`);
    return page;
  }

  /** Keyset pagination on `id`: `[..domain, ['id','>',last]]`, order `id asc`, never offsets. */
  async function* pages(model: string, domain: Domain, fieldNames: readonly string[]): AsyncGenerator<OdooRecord[]> {
    let lastId = 0;
    for (;;) {
      const page = await searchPage(model, [...domain, ['id', '>', lastId]], fieldNames, 'id asc', pageSize);
      if (page.length === 0) return;
      const last = page[page.length - 1]!.id;
      if (typeof last !== 'number' || last <= lastId) {
        throw new ErpError('odoo', 'protocol', `Odoo ${model}.search_read did not honour order 'id asc' (id ${String(last)} after ${lastId})`);
      }
      yield page;
      lastId = last;
      if (page.length < pageSize) return;
    }
  }

  /**
   * Change order: keyset pagination on (`write_date` second, `id`) (reference §1.8), never offsets:
   * many records share one write_date, so `write_date > t` alone would skip rows.
   * Odoo shows write_date to the second but stores `cr.now()` with microseconds, so
   * `['write_date','=',t]` would miss rows and `['write_date','>',t]` would re-read them; the
   * keyset therefore compares whole seconds: `'|', [wd,'>=',t+1s], '&', '&', [wd,'>=',t],
   * [wd,'<',t+1s], ['id','>',lastId]`, order `write_date asc, id asc`. Within one second rows
   * come in microsecond order, not id order, so the last second of a full page is read again by id
   * alone (`id asc`) before moving on: documents come out in (second, id) order, the watermark's.
   */
  async function* changePages(model: string, domain: Domain, fieldNames: readonly string[], start: { t: string; id: number }): AsyncGenerator<OdooRecord[]> {
    const second = (r: OdooRecord) => {
      const t = toOdooDatetime(String(r.write_date));
      if (!t || typeof r.id !== 'number') throw new ErpError('odoo', 'protocol', `Odoo ${model},${String(r.id)} has no valid write_date (${JSON.stringify(r.write_date)})`);
      return t;
    };
    const inSecond = (t: string): Domain => [['write_date', '>=', t], ['write_date', '<', toOdooDatetime(t, 1)!]];
    const byKey = (a: OdooRecord, b: OdooRecord) => (second(a) < second(b) ? -1 : second(a) > second(b) ? 1 : (a.id as number) - (b.id as number));
    let { t, id } = start;
    for (;;) {
      const next = toOdooDatetime(t, 1)!;
      const keyset: Domain = ['|', ['write_date', '>=', next], '&', '&', ...inSecond(t), ['id', '>', id]];
      const page = await searchPage(model, [...domain, ...keyset], fieldNames, 'write_date asc, id asc', pageSize);
      if (page.length < pageSize) {
        if (page.length > 0) yield page.sort(byKey);
        return;
      }
      const last = second(page[page.length - 1]!);
      if (last < t) throw new ErpError('odoo', 'protocol', `Odoo ${model}.search_read did not honour order 'write_date asc, id asc' (${last} after ${t})`);
      const complete = page.filter((r) => second(r) < last);
      if (complete.length > 0) yield complete.sort(byKey);
      // The last second of the page, by id, from where it was left (all of it when it is new).
      let lastId = last === t ? id : 0;
      for (;;) {
        const rows = await searchPage(model, [...domain, ...inSecond(last), ['id', '>', lastId]], fieldNames, 'id asc', pageSize);
        if (rows.length > 0) {
          yield rows;
          lastId = rows[rows.length - 1]!.id as number;
        }
        if (rows.length < pageSize) break;
      }
      t = last;
      id = lastId;
    }
  }

  async function mapPartnerPage(page: OdooRecord[], conn: OdooConnection): Promise<Debtor[]> {
    if (!conn.partnerHasCountryCode) {
      await loadCodes('res.country', countryCodes, page.map((r) => many2oneId(r.country_id)).filter((id): id is number => id !== null));
    }
    await loadCodes('res.country.state', stateCodes, page.map((r) => many2oneId(r.state_id)).filter((id): id is number => id !== null));
    if (conn.partnerHasPaymentTerm) {
      await loadPaymentTerms(page.map((r) => many2oneId(r.property_payment_term_id)).filter((id): id is number => id !== null));
    }
    const lookups = {
      companyCurrency: conn.company.currency,
      countryCodes,
      stateCodes,
      paymentTermDays,
      requestedLimitField: conn.fields.requestedLimit,
    };
    return page.map((r) => mapPartner(r, lookups));
  }

  const moveBaseDomain = (): Domain => [
    ['company_id', '=', companyId],
    ['move_type', 'in', ['out_invoice', 'out_refund']],
    ['state', '=', 'posted'],
  ];

  async function* debtors(): AsyncGenerator<Debtor> {
    const conn = await ensureConnected();
    const partnerFields = PARTNER_FIELDS.filter((f) => f !== 'property_payment_term_id' || conn.partnerHasPaymentTerm) as string[];
    if (conn.partnerHasCountryCode) partnerFields.push('country_code');
    partnerFields.push(conn.fields.requestedLimit);
    const companyScope: Domain = [['company_id', 'in', [false, companyId]]];
    // Commercial entities: companies, and individuals without a parent.
    const commercial: Domain = ['|', ['is_company', '=', true], ['parent_id', '=', false]];
    for await (const page of pages('res.partner', [['customer_rank', '>', 0], ...commercial, ...companyScope], partnerFields)) {
      yield* await mapPartnerPage(page, conn);
    }
    // Partners invoiced by the company although their customer rank is 0 (imports, migrations);
    // the first read never returns them (it requires a rank > 0).
    const extra = new Set<number>();
    const invoiced: Domain = [...moveBaseDomain(), ['commercial_partner_id.customer_rank', '=', 0]];
    for await (const page of pages('account.move', invoiced, ['commercial_partner_id'])) {
      for (const r of page) {
        const id = many2oneId(r.commercial_partner_id);
        if (id !== null) extra.add(id);
      }
    }
    const ids = [...extra].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += pageSize) {
      const page = await searchPage('res.partner', [['id', 'in', ids.slice(i, i + pageSize)], ...companyScope], partnerFields, 'id asc');
      yield* await mapPartnerPage(page, conn);
    }
  }

  // Names of the invoices read most recently: a credit note usually follows its invoice closely,
  // so most origins are found here without a call. Bounded, so memory stays flat.
  const recentInvoiceNames = new Map<number, string>();
  function rememberInvoiceNames(page: OdooRecord[]): void {
    for (const r of page) {
      const name = odooText(r.name);
      if (r.move_type !== 'out_invoice' || typeof r.id !== 'number' || !name) continue;
      recentInvoiceNames.delete(r.id);
      recentInvoiceNames.set(r.id, name);
    }
    for (const id of recentInvoiceNames.keys()) {
      if (recentInvoiceNames.size <= RECENT_INVOICE_NAMES) break;
      recentInvoiceNames.delete(id);
    }
  }

  /**
   * Maps moves page by page, memory flat however large the database. A credit note's origin
   * name (`reversed_entry_id`) usually comes from the invoices read just before it; credit notes
   * whose origin was not among them are held back (at most a page of them) and resolved with one
   * search_read per page's worth of origins, so reads stay near one call per page. The search
   * is within the company, not a read: an origin in another company is simply not found, and the
   * engine skips that credit note.
   */
  async function* mapMoves(pages: AsyncIterable<OdooRecord[]>, conn: OdooConnection): AsyncGenerator<SaleDocument> {
    let held: OdooRecord[] = [];
    let heldOrigins = new Set<number>();
    const flush = async (): Promise<SaleDocument[]> => {
      if (held.length === 0) return [];
      const names = new Map<number, string>();
      const unknown = [...heldOrigins].filter((id) => {
        const name = recentInvoiceNames.get(id);
        if (name !== undefined) names.set(id, name);
        return name === undefined;
      });
      if (unknown.length > 0) {
        for (const r of await searchPage('account.move', [['id', 'in', unknown], ['company_id', '=', companyId]], ['name'], 'id asc')) {
          const name = odooText(r.name);
          if (typeof r.id === 'number' && name) names.set(r.id, name);
        }
      }
      const records = held;
      held = [];
      heldOrigins = new Set();
      return mapMovePage(records, conn, names);
    };
    for await (const page of pages) {
      rememberInvoiceNames(page);
      const ready: OdooRecord[] = [];
      for (const r of page) {
        const origin = many2oneId(r.reversed_entry_id);
        if (origin === null || recentInvoiceNames.has(origin)) ready.push(r);
        else {
          held.push(r);
          heldOrigins.add(origin);
        }
      }
      yield* await mapMovePage(ready, conn, new Map());
      if (heldOrigins.size >= pageSize) yield* await flush();
    }
    yield* await flush();
  }

  /**
   * Maps moves whose origin names are known (in `names` or among the recently read invoices);
   * for credit notes without `reversed_entry_id`, looks for the one invoice of the company whose
   * reversal field lists them, when that field can say more than `reversed_entry_id`.
   */
  async function mapMovePage(page: OdooRecord[], conn: OdooConnection, names: Map<number, string>): Promise<SaleDocument[]> {
    if (page.length === 0) return [];
    await loadCurrencies(page.map((r) => many2oneId(r.currency_id)).filter((id): id is number => id !== null));
    const moveNames = new Map<number, string>(names);
    for (const r of page) {
      const origin = many2oneId(r.reversed_entry_id);
      const name = origin === null ? undefined : recentInvoiceNames.get(origin);
      if (origin !== null && name !== undefined) moveNames.set(origin, name);
    }
    const reverseOrigins = new Map<number, { id: number; name: string | null }>();
    const unlinked = page.filter((r) => r.move_type === 'out_refund' && many2oneId(r.reversed_entry_id) === null).map((r) => r.id as number);
    const rf = conn.reversalField;
    if (rf && conn.reversalLinksMore && unlinked.length > 0) {
      const invoices = await searchPage(
        'account.move',
        [[rf, 'in', unlinked], ['company_id', '=', companyId], ['move_type', '=', 'out_invoice']],
        ['name', rf],
        'id asc',
      );
      const claims = new Map<number, { id: number; name: string | null }[]>();
      for (const inv of invoices) {
        const listed = Array.isArray(inv[rf]) ? (inv[rf] as unknown[]) : [many2oneId(inv[rf])];
        for (const refundId of listed) {
          if (typeof refundId !== 'number' || !unlinked.includes(refundId)) continue;
          claims.set(refundId, [...(claims.get(refundId) ?? []), { id: inv.id as number, name: odooText(inv.name) }]);
        }
      }
      // Only an unambiguous reverse link: two invoices claiming one credit note leave it unlinked.
      for (const [refundId, list] of claims) if (list.length === 1) reverseOrigins.set(refundId, list[0]!);
    }
    return page.map((r) => mapMove(r, { currencies, moveNames, reverseOrigins, reversalField: rf }));
  }

  function startOf(since: ChangeWatermark): { t: string; id: number } {
    const t = typeof since.updatedAt === 'string' ? toOdooDatetime(since.updatedAt, -overlapMinutes * 60) : null;
    if (!t) {
      throw new ValidationError('changedSince.updatedAt', `'${String(since.updatedAt)}' is not an Odoo write_date (YYYY-MM-DD HH:MM:SS, UTC)`);
    }
    if (overlapMinutes > 0) return { t, id: 0 };
    const id = /^\d+$/.test(since.erpId) ? Number(since.erpId) : Number.NaN;
    if (!Number.isSafeInteger(id)) throw new ValidationError('changedSince.erpId', `'${since.erpId}' is not the id of an Odoo account.move record`);
    return { t, id };
  }

  async function* documents(query: DocumentQuery = {}): AsyncGenerator<SaleDocument> {
    const conn = await ensureConnected();
    const domain = moveBaseDomain();
    if (query.fromDate !== undefined) {
      if (!isIsoDate(query.fromDate)) throw new ValidationError('fromDate', `'${query.fromDate}' is not a YYYY-MM-DD date`);
      domain.push(['invoice_date', '>=', query.fromDate]);
    }
    const reader = query.changedSince ? changePages('account.move', domain, MOVE_FIELDS, startOf(query.changedSince)) : pages('account.move', domain, MOVE_FIELDS);
    yield* mapMoves(reader, conn);
  }

  async function* documentsByIds(erpIds: readonly string[]): AsyncGenerator<SaleDocument> {
    const conn = await ensureConnected();
    const ids = [...new Set(erpIds.filter((k) => /^\d+$/.test(k)).map(Number))].filter((n) => Number.isSafeInteger(n) && n > 0).sort((a, b) => a - b);
    const chunks = async function* (): AsyncGenerator<OdooRecord[]> {
      for (let i = 0; i < ids.length; i += pageSize) {
        yield await searchPage('account.move', [...moveBaseDomain(), ['id', 'in', ids.slice(i, i + pageSize)]], MOVE_FIELDS, 'id asc');
      }
    };
    yield* mapMoves(chunks(), conn);
  }

  function recordId(model: string, erpId: string): number {
    const id = /^\d+$/.test(erpId) ? Number(erpId) : Number.NaN;
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new ErpError('odoo', 'validation', `'${erpId}' is not the id of an Odoo ${model} record`);
    }
    return id;
  }

  async function write(model: string, id: number, vals: Record<string, XmlRpcValue>): Promise<void> {
    const result = await call<unknown>(model, 'write', [[id], vals], { context: companyContext });
    if (result !== true) {
      throw new ErpError('odoo', 'protocol', `Odoo ${model}.write on id ${id} returned ${JSON.stringify(result)} instead of true`);
    }
  }

  /**
   * Posts an internal note (chatter) on a record; Odoo answers the new mail.message id. The body
   * is HTML on 14–15 (sanitized as HTML) and on 17+ with `body_is_html` (RPC callers cannot send
   * Markup); 16 escapes any string body, so it gets plain text there.
   */
  async function postNote(conn: OdooConnection, model: string, id: number, title: { es: string; en: string }, rejection: CesceRejection): Promise<void> {
    const major = conn.version.major ?? 17;
    const kwargs: OdooKwargs = {
      body: rejectionMessage(title, rejection, major === 16 ? 'text' : 'html'),
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
      context: companyContext,
    };
    if (major >= 17) kwargs.body_is_html = true;
    const result = await call<unknown>(model, 'message_post', [[id]], kwargs);
    const messageId = Array.isArray(result) ? result[0] : result;
    if (typeof messageId !== 'number') {
      throw new ErpError('odoo', 'protocol', `Odoo ${model}.message_post on id ${id} returned ${JSON.stringify(result)} instead of a mail.message id`);
    }
  }

  const source: OdooSource = {
    get transport() {
      return transport;
    },
    get fields() {
      return fields;
    },
    get connection() {
      return connection;
    },
    capabilities: { incremental: true, scope: `odoo:${baseUrl}/${config.database}/company/${companyId}` },
    connect: async (): Promise<ErpDescription> => {
      const c = await ensureConnected();
      return {
        system: 'odoo',
        // The protocol too: support needs it, and XML-RPC/JSON-RPC are deprecated from Odoo 19.
        version: `${c.version.serverVersion} over ${PROTOCOL_NAMES[transport!.protocol]}${c.version.major !== null && c.version.major >= 19 && transport!.protocol !== 'json2' ? ' (deprecated on Odoo 19+: use JSON-2)' : ''}`,
        company: { id: String(c.company.id), name: c.company.name, taxCode: c.company.taxCode, currency: c.company.currency.name },
        url: baseUrl,
      };
    },
    debtors,
    documents,
    documentsByIds,
    writeClassification: async (update: ClassificationWriteBack): Promise<void> => {
      const conn = await ensureConnected();
      const f = conn.fields;
      const id = recordId('res.partner', update.debtorErpId);
      if (update.rejection) {
        await write('res.partner', id, { [f.classificationStatus]: update.stateLabel || false });
        const title = { es: 'Cesce rechazó la solicitud de clasificación', en: 'Cesce rejected the classification request' };
        await postNote(conn, 'res.partner', id, title, update.rejection);
        return;
      }
      const granted = update.grantedLimit;
      if (granted && granted.currency !== conn.company.currency.name) {
        throw new ErpError(
          'odoo',
          'validation',
          `Granted limit ${granted.amount} ${granted.currency} of res.partner,${id} is not in the company currency ${conn.company.currency.name}; field ${f.grantedLimit} holds company-currency amounts`,
        );
      }
      // The exact decimal string becomes a number only here, at the wire edge.
      const limit = granted ? Number(granted.amount) : false;
      const vals: Record<string, XmlRpcValue> = {
        [f.classificationStatus]: update.stateLabel || false,
        [f.grantedLimit]: limit,
        [f.endorsementNo]: update.endorsementNo ?? false,
      };
      if (config.writeNativeCreditLimit && conn.creditLimit) {
        // Company-dependent on 16+: written for env.company, i.e. allowed_company_ids[0].
        vals.credit_limit = limit === false ? 0 : limit;
        if (conn.creditLimit.useField) vals.use_partner_credit_limit = true;
      }
      await write('res.partner', id, vals);
    },
    writeSale: async (update: SaleWriteBack): Promise<void> => {
      const conn = await ensureConnected();
      const id = recordId('account.move', update.documentErpId);
      await write('account.move', id, {
        [conn.fields.saleReference]: update.saleCesceReferenceNo ?? false,
        [conn.fields.saleState]: update.state,
      });
      if (update.state === 'rejected' && update.rejection) {
        const title = { es: 'Cesce rechazó la declaración de esta venta', en: 'Cesce rejected the declaration of this sale' };
        await postNote(conn, 'account.move', id, title, update.rejection);
      }
    },
    close: async (): Promise<void> => {
      transport?.close();
    },
  };
  return source;
}
