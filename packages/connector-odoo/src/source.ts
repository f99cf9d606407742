import { ErpError, ValidationError, isIsoDate, normalizeTaxId } from '@cesce-connect/core';
import type {
  ClassificationWriteBack,
  Debtor,
  DocumentQuery,
  ErpDescription,
  ErpSource,
  SaleDocument,
  SaleWriteBack,
} from '@cesce-connect/core';
import { DEFAULT_PAGE_SIZE, resolveFieldMapping, type OdooConnectorConfig, type OdooFieldMapping } from './config.js';
import { mapMove, MOVE_FIELDS } from './mapping/move.js';
import { mapPartner, PARTNER_FIELDS, type CurrencyInfo } from './mapping/partner.js';
import { many2oneId, odooText, type OdooRecord } from './mapping/values.js';
import { OdooXmlRpcTransport } from './transport/xmlrpc-transport.js';
import type { OdooKwargs, OdooTransport, OdooVersionInfo, XmlRpcValue } from './transport/types.js';

type Domain = XmlRpcValue[];
type FieldsGet = Record<string, { type?: string; string?: string; relation?: string }>;

/** What `connect()` learnt about the server; kept for the reads and writes that follow. */
export interface OdooConnection {
  version: OdooVersionInfo;
  uid: number;
  company: { id: number; name: string; vat: string | null; taxCode: string | null; countryCode: string | null; currency: CurrencyInfo };
  /** res.partner has the related `country_code` field (Odoo 14+): no res.country lookups needed. */
  partnerHasCountryCode: boolean;
  /** res.partner has `property_payment_term_id` (the account module is installed). */
  partnerHasPaymentTerm: boolean;
}

export interface OdooSource extends ErpSource {
  readonly transport: OdooTransport;
  readonly fields: OdooFieldMapping;
  /** Set by `connect()`. */
  readonly connection: OdooConnection | null;
}

const NUMBER_TYPES = ['float', 'monetary', 'integer'];
const TEXT_TYPES = ['char', 'text'];

/** Standard fields the connector relies on; missing ones mean an unsupported Odoo version or a missing app. */
const REQUIRED_STANDARD: Record<string, string[]> = {
  'res.partner': ['name', 'vat', 'country_id', 'state_id', 'zip', 'city', 'street', 'ref', 'active', 'customer_rank', 'parent_id', 'is_company', 'company_id'],
  'account.move': [...MOVE_FIELDS, 'state', 'company_id'],
};

/**
 * An `ErpSource` reading customers (res.partner) and posted customer invoices/credit notes
 * (account.move) of one Odoo company over XML-RPC, and writing Cesce results back.
 */
export function createOdooSource(config: OdooConnectorConfig, options: { transport?: OdooTransport } = {}): OdooSource {
  if (!Number.isInteger(config.companyId) || config.companyId <= 0) {
    throw new ValidationError('companyId', `must be the positive integer id of an Odoo company (got ${String(config.companyId)})`);
  }
  const pageSize = config.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new ValidationError('pageSize', `must be a positive integer (got ${pageSize})`);
  const fields = resolveFieldMapping(config.fields);
  const transport =
    options.transport ??
    new OdooXmlRpcTransport({
      url: config.url,
      database: config.database,
      username: config.username,
      password: config.password,
      timeoutMs: config.timeoutMs,
    });
  const companyId = config.companyId;
  const companyContext = { allowed_company_ids: [companyId] };
  const readContext = { active_test: false, allowed_company_ids: [companyId] };

  let connection: OdooConnection | null = null;
  let connecting: Promise<OdooConnection> | null = null;
  const currencies = new Map<number, CurrencyInfo>();
  const countryCodes = new Map<number, string>();
  const stateCodes = new Map<number, string>();
  const paymentTermDays = new Map<number, number | null>();
  let termDaysField: string | null | undefined;

  const call = <T>(model: string, method: string, args: XmlRpcValue[], kwargs: OdooKwargs = {}) =>
    transport.executeKw<T>(model, method, args, kwargs);

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

  /** Longest delay (days) of each payment term, from its lines (`nb_days` on 17+, `days` before). */
  async function loadPaymentTerms(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !paymentTermDays.has(id));
    if (missing.length === 0) return;
    if (termDaysField === undefined) {
      try {
        const lineFields = await call<FieldsGet>('account.payment.term.line', 'fields_get', [], { attributes: ['type'] });
        termDaysField = 'nb_days' in lineFields ? 'nb_days' : 'days' in lineFields ? 'days' : null;
      } catch (err) {
        if (err instanceof ErpError && (err.kind === 'server' || err.kind === 'access')) termDaysField = null;
        else throw err;
      }
    }
    for (const id of missing) paymentTermDays.set(id, null);
    if (!termDaysField) return;
    const lines = await call<OdooRecord[]>('account.payment.term.line', 'search_read', [[['payment_id', 'in', missing]]], {
      fields: ['payment_id', termDaysField],
      context: readContext,
    });
    for (const line of lines) {
      const termId = many2oneId(line.payment_id);
      const days = line[termDaysField];
      if (termId === null || typeof days !== 'number') continue;
      paymentTermDays.set(termId, Math.max(paymentTermDays.get(termId) ?? 0, days));
    }
  }

  async function checkFields(): Promise<{ partner: FieldsGet; move: FieldsGet }> {
    const attributes = { attributes: ['type', 'string', 'relation'], context: companyContext };
    const partner = await call<FieldsGet>('res.partner', 'fields_get', [], attributes);
    const move = await call<FieldsGet>('account.move', 'fields_get', [], attributes);
    const problems: string[] = [];
    for (const [model, names] of Object.entries(REQUIRED_STANDARD)) {
      const have = model === 'res.partner' ? partner : move;
      for (const name of names) {
        if (!(name in have)) problems.push(`standard field '${name}' is missing on model ${model} (Odoo 14 or later with Invoicing is required)`);
      }
    }
    const custom: [keyof OdooFieldMapping, string, FieldsGet, string[], string][] = [
      ['requestedLimit', 'res.partner', partner, NUMBER_TYPES, 'Float'],
      ['classificationStatus', 'res.partner', partner, TEXT_TYPES, 'Char'],
      ['grantedLimit', 'res.partner', partner, NUMBER_TYPES, 'Float'],
      ['endorsementNo', 'res.partner', partner, TEXT_TYPES, 'Char'],
      ['saleReference', 'account.move', move, TEXT_TYPES, 'Char'],
    ];
    for (const [key, model, have, types, create] of custom) {
      const name = fields[key];
      const def = have[name];
      if (!def) {
        problems.push(`field '${name}' (fields.${key}) is missing on model ${model}: create it as a ${create} field`);
      } else if (def.type && !types.includes(def.type)) {
        problems.push(`field '${name}' (fields.${key}) on model ${model} is of type ${def.type}; expected ${types.join(' or ')}`);
      }
    }
    if (problems.length > 0) {
      throw new ErpError('odoo', 'validation', `Odoo database ${config.database} at ${transport.url} lacks fields the connector needs:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
        hint: 'Create the custom fields in Odoo (Settings → Technical → Fields, developer mode) or map existing fields with the connector option `fields`.',
      });
    }
    return { partner, move };
  }

  async function doConnect(): Promise<OdooConnection> {
    const version = await transport.version();
    const uid = await transport.authenticate();
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
          `Odoo user ${config.username} cannot use company ${companyId} on database ${config.database} at ${transport.url}: ${err.message}`,
          { hint: "Check companyId, and add the company to the user's Allowed Companies in Odoo.", cause: err, details: err.details },
        );
      }
      throw err;
    }
    if (!company) {
      throw new ErpError('odoo', 'access', `Odoo company ${companyId} was not found on database ${config.database} at ${transport.url}`);
    }
    const { partner } = await checkFields();
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
      uid,
      company: {
        id: companyId,
        name: odooText(company.name) ?? `Company ${companyId}`,
        vat,
        taxCode: tax.ok ? tax.value.taxCode : null,
        countryCode: tax.ok ? tax.value.countryCode : companyCountry,
        currency,
      },
      partnerHasCountryCode: 'country_code' in partner,
      partnerHasPaymentTerm: 'property_payment_term_id' in partner,
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

  /** Keyset pagination on `id`: `[..domain, ['id','>',last]]`, order `id asc`, never offsets. */
  async function* pages(model: string, domain: Domain, fieldNames: readonly string[], context: OdooKwargs): AsyncGenerator<OdooRecord[]> {
    let lastId = 0;
    for (;;) {
      const page = await call<OdooRecord[]>(model, 'search_read', [[...domain, ['id', '>', lastId]]], {
        fields: [...fieldNames],
        order: 'id asc',
        limit: pageSize,
        context,
      });
      if (!Array.isArray(page)) {
        throw new ErpError('odoo', 'protocol', `Odoo answered ${model}.search_read with ${typeof page}, not a list`);
      }
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
      requestedLimitField: fields.requestedLimit,
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
    partnerFields.push(fields.requestedLimit);
    const companyScope: Domain = [['company_id', 'in', [false, companyId]]];
    // Commercial entities: companies, and individuals without a parent.
    const commercial: Domain = ['|', ['is_company', '=', true], ['parent_id', '=', false]];
    const seen = new Set<number>();
    for await (const page of pages('res.partner', [['customer_rank', '>', 0], ...commercial, ...companyScope], partnerFields, readContext)) {
      for (const debtor of await mapPartnerPage(page, conn)) {
        seen.add(Number(debtor.erpId));
        yield debtor;
      }
    }
    // Partners invoiced by the company although their customer rank is 0 (imports, migrations).
    const extra = new Set<number>();
    const invoiced: Domain = [...moveBaseDomain(), ['commercial_partner_id.customer_rank', '=', 0]];
    for await (const page of pages('account.move', invoiced, ['commercial_partner_id'], readContext)) {
      for (const r of page) {
        const id = many2oneId(r.commercial_partner_id);
        if (id !== null && !seen.has(id)) extra.add(id);
      }
    }
    const ids = [...extra].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += pageSize) {
      const chunk = ids.slice(i, i + pageSize);
      const page = await call<OdooRecord[]>('res.partner', 'search_read', [[['id', 'in', chunk], ...companyScope]], {
        fields: partnerFields,
        order: 'id asc',
        context: readContext,
      });
      yield* await mapPartnerPage(page, conn);
    }
  }

  async function* documents(query: DocumentQuery = {}): AsyncGenerator<SaleDocument> {
    await ensureConnected();
    const domain = moveBaseDomain();
    if (query.fromDate !== undefined) {
      if (!isIsoDate(query.fromDate)) throw new ValidationError('fromDate', `'${query.fromDate}' is not a YYYY-MM-DD date`);
      domain.push(['invoice_date', '>=', query.fromDate]);
    }
    const moveNames = new Map<number, string>();
    for await (const page of pages('account.move', domain, MOVE_FIELDS, readContext)) {
      await loadCurrencies(page.map((r) => many2oneId(r.currency_id)).filter((id): id is number => id !== null));
      const origins = page
        .map((r) => many2oneId(r.reversed_entry_id))
        .filter((id): id is number => id !== null && !moveNames.has(id));
      // search_read within the company, not read: an origin in another company (which the user
      // may not access) is simply not found, and the engine skips that one credit note.
      const originIds = [...new Set(origins)];
      const originRecords =
        originIds.length === 0
          ? []
          : await call<OdooRecord[]>('account.move', 'search_read', [[['id', 'in', originIds], ['company_id', '=', companyId]]], {
              fields: ['name'],
              context: readContext,
            });
      for (const r of originRecords) {
        const name = odooText(r.name);
        if (typeof r.id === 'number' && name) moveNames.set(r.id, name);
      }
      for (const r of page) yield mapMove(r, { currencies, moveNames });
    }
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

  const source: OdooSource = {
    transport,
    fields,
    get connection() {
      return connection;
    },
    connect: async (): Promise<ErpDescription> => {
      const c = await ensureConnected();
      return {
        system: 'odoo',
        version: c.version.serverVersion,
        company: { id: String(c.company.id), name: c.company.name, taxCode: c.company.taxCode, currency: c.company.currency.name },
        url: transport.url,
      };
    },
    debtors,
    documents,
    writeClassification: async (update: ClassificationWriteBack): Promise<void> => {
      const conn = await ensureConnected();
      const id = recordId('res.partner', update.debtorErpId);
      const granted = update.grantedLimit;
      if (granted && granted.currency !== conn.company.currency.name) {
        throw new ErpError(
          'odoo',
          'validation',
          `Granted limit ${granted.amount} ${granted.currency} of res.partner,${id} is not in the company currency ${conn.company.currency.name}; field ${fields.grantedLimit} holds company-currency amounts`,
        );
      }
      await write('res.partner', id, {
        [fields.classificationStatus]: update.stateLabel || false,
        // The exact decimal string becomes a number only here, at the XML-RPC edge.
        [fields.grantedLimit]: granted ? Number(granted.amount) : false,
        [fields.endorsementNo]: update.endorsementNo ?? false,
      });
    },
    writeSale: async (update: SaleWriteBack): Promise<void> => {
      await ensureConnected();
      const id = recordId('account.move', update.documentErpId);
      await write('account.move', id, { [fields.saleReference]: update.saleCesceReferenceNo ?? false });
    },
    close: async (): Promise<void> => {
      transport.close();
    },
  };
  return source;
}
