/**
 * The SOAP ERP source: reads customers, invoices, credit notes and open items through a profile
 * (`LoadedProfile`) and a `SoapCaller`, and maps them onto core's neutral model. Mapping problems
 * are `MappingIssue`s naming the record (`<profile> <list> <erpId>`) and the field (profile field
 * plus source path); the run goes on. SOAP profiles are read-only: `capabilities.writeBack` is false.
 */
import { ErpError, abs, isIsoDate, isNegative, isZero, money, normalizeTaxId, todayIso } from '@cesce-connect/core';
import type {
  ChangeWatermark,
  Debtor,
  DocumentKind,
  DocumentQuery,
  ErpDescription,
  ErpSource,
  ErpSourceCapabilities,
  MappingIssue,
  Money,
  SaleDocument,
} from '@cesce-connect/core';
import { createSoapCaller } from './client/soap-caller.js';
import type { SoapCaller, SoapConnectionOptions } from './client/types.js';
import { getAll, normalizeArrays } from './mapping/arrays.js';
import { currencyDecimals } from './mapping/currency.js';
import { asText, fieldLabel, fieldSource, readField, readRaw } from './mapping/fields.js';
import { getPath, isEmptyValue } from './mapping/path.js';
import { parseDecimal, TransformError } from './mapping/transforms.js';
import { readPages } from './paging/index.js';
import { renderTemplate, type TemplateValues } from './paging/template.js';
import type { LoadedProfile } from './profile/load.js';
import type { FieldMap, SoapErpProfile } from './profile/schema.js';

const SYSTEM = 'soap-erp';
/** Default hard cap on the rows of one list read. */
export const DEFAULT_MAX_ROWS_PER_LIST = 1_000_000;

/** An application error inside a successful answer (e.g. SAP `RETURN` rows of type E/A). */
export class SoapAppError extends ErpError {
  constructor(message: string, details: string) {
    super(SYSTEM, 'validation', message, { details });
  }
}

export interface SoapErpSourceOptions {
  profile: LoadedProfile;
  connection: SoapConnectionOptions;
  company: { id: string; name: string; taxCode: string | null; currency: string };
  /** The SOAP caller; default `createSoapCaller(profile, connection)`. */
  caller?: SoapCaller | undefined;
  /** Hard cap on rows per list read (default 1 000 000). */
  maxRowsPerList?: number | undefined;
  /** Today as `YYYY-MM-DD` (end of date windows); default the UTC date. */
  today?: (() => string) | undefined;
}

interface Operation {
  service: string;
  operation: string;
  wsdlService?: string | undefined;
  wsdlPort?: string | undefined;
  request: Record<string, unknown>;
  arrayPaths: string[];
  errors?: SoapErpProfile['customers']['errors'];
}
type AnyList = SoapErpProfile['customers'] | SoapErpProfile['invoices'] | NonNullable<SoapErpProfile['openItems']>;
type DocumentList = SoapErpProfile['invoices'];
type DocumentFields = DocumentList['fields'];
type ListKey = 'customers' | 'invoices' | 'creditNotes' | 'openItems' | 'clearedItems';

const LABELS: Record<ListKey, string> = { customers: 'customer', invoices: 'invoice', creditNotes: 'credit note', openItems: 'open item', clearedItems: 'cleared item' };

function truthy(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === 'string' && /^(true|1|x|yes|y)$/i.test(value.trim()));
}

/** Key of a record context whose detail call the ERP refused (an application error). */
const DETAIL_ERROR = '$detailError';

export function createSoapErpSource(options: SoapErpSourceOptions): ErpSource {
  const { profile: loaded, connection, company } = options;
  const profile = loaded.profile;
  const ownCaller = options.caller === undefined;
  const caller: SoapCaller = options.caller ?? createSoapCaller(profile, { ...connection, profileDir: connection.profileDir ?? loaded.dir });
  const maxRows = options.maxRowsPerList ?? DEFAULT_MAX_ROWS_PER_LIST;
  const today = options.today ?? (() => todayIso());
  const byIdReady = !!profile.invoices.byId && (!profile.creditNotes || !!profile.creditNotes.byId);
  const capabilities: ErpSourceCapabilities = {
    incremental: !!profile.incremental && byIdReady,
    scope: `soap:${profile.name}:${connection.baseUrl}:${company.id}`,
    writeBack: false,
  };
  const label = (key: ListKey, list?: { label?: string | undefined }): string => list?.label ?? LABELS[key];
  const where = (key: ListKey, op: Operation | AnyList, what = ''): string => `${profile.name} ${key}${what} (${op.operation})`;

  /** `{{since}}` for this read: the watermark written as the profile says, or `fullSince`. */
  function sinceValue(changedSince: ChangeWatermark | undefined): string | undefined {
    const inc = profile.incremental;
    if (!inc) return undefined;
    if (!changedSince) return inc.fullSince;
    const at = changedSince.updatedAt.trim();
    if (inc.sinceFormat === 'datetime') return at;
    const day = at.slice(0, 10);
    return inc.sinceFormat === 'YYYYMMDD' ? day.replaceAll('-', '') : day;
  }

  function baseValues(since: string | undefined): TemplateValues {
    return { company, today: today(), ...(since !== undefined ? { since } : {}) };
  }

  /** Calls an operation: renders its request, normalises its arrays, raises its application errors. */
  async function call(op: Operation, values: TemplateValues, at: string): Promise<unknown> {
    const args = renderTemplate(op.request, values, at) as Record<string, unknown>;
    const { result } = await caller.call({ service: op.service, operation: op.operation, wsdlService: op.wsdlService, wsdlPort: op.wsdlPort }, args);
    const answer = normalizeArrays(result ?? {}, op.arrayPaths);
    if (op.errors) {
      const e = op.errors;
      const rows = getAll(answer, e.path).filter((row) => e.errorTypes.includes(String(asText(getPath(row, e.typeField)) ?? '').toUpperCase()));
      if (rows.length > 0) {
        const messages = rows.map((row) => {
          const ids = e.idFields.map((f) => asText(getPath(row, f))).filter((x): x is string => x !== null);
          const message = asText(getPath(row, e.messageField)) ?? '(no message)';
          return `${asText(getPath(row, e.typeField))}${ids.length ? ` ${ids.join('/')}` : ''}: ${message}`;
        });
        throw new SoapAppError(`${at}: ${op.operation} returned ${rows.length === 1 ? 'an error' : `${rows.length} errors`}: ${messages.join('; ')}`, JSON.stringify(rows));
      }
    }
    return answer;
  }

  /** Reads a list page by page (its paging strategy), each record with its detail answer, filtered. */
  async function* listContexts(key: ListKey, list: AnyList, values: TemplateValues, since?: string): AsyncGenerator<Record<string, unknown>[]> {
    const at = where(key, list);
    const pages = readPages(list.paging, {
      label: at,
      maxRows,
      since,
      today: today(),
      fetch: async (pageValues) => {
        const answer = await call(list, { ...values, ...pageValues }, at);
        return { answer, records: getAll(answer, list.recordsPath) };
      },
    });
    for await (const records of pages) {
      const kept = records.filter((r) =>
        list.filter.every((f) => {
          const v = asText(getPath(r, f.path)) ?? '';
          return (f.in === undefined || f.in.includes(v)) && (f.notIn === undefined || !f.notIn.includes(v));
        }),
      );
      const contexts: Record<string, unknown>[] = [];
      for (const record of kept) contexts.push(await withDetail(key, list, record, values));
      yield contexts;
    }
  }

  async function withDetail(key: ListKey, list: AnyList, record: unknown, values: TemplateValues): Promise<Record<string, unknown>> {
    const base = record && typeof record === 'object' && !Array.isArray(record) ? (record as Record<string, unknown>) : { $value: record };
    if (!list.detail) return { ...base };
    try {
      const answer = await call(list.detail, { ...values, record: base }, where(key, list.detail, ' detail'));
      return { ...base, detail: getPath(answer, list.detail.recordPath) ?? null };
    } catch (error) {
      // One record the ERP refuses to detail (SAP: a customer not created in this company code)
      // must not stop the run: the record carries the refusal and is blocked with it.
      if (!(error instanceof SoapAppError)) throw error;
      return { ...base, detail: null, [DETAIL_ERROR]: error.message };
    }
  }

  // ---- customers ---------------------------------------------------------------------------

  function mapDebtor(ctx: Record<string, unknown>): Debtor | null {
    const list = profile.customers;
    const f = list.fields;
    const erpId = text(readField(ctx, f.erpId));
    if (erpId === null) return null;
    const issues: MappingIssue[] = [];
    const name = text(readField(ctx, f.name));
    const ref = `${profile.name} ${label('customers', list)} ${erpId}${name ? ` ${name}` : ''}`;
    const issue = (field: keyof typeof f, message: string, severity: MappingIssue['severity'] = 'blocking') =>
      issues.push({ record: ref, field: fieldLabel(field, f[field] as FieldMap | undefined), message, severity });
    const refused = ctx[DETAIL_ERROR];
    if (typeof refused === 'string') issues.push({ record: ref, field: `detail (${list.detail?.operation ?? 'detail'})`, message: `the ERP refused its detail: ${refused}`, severity: 'blocking' });
    const get = (field: keyof typeof f, severity: MappingIssue['severity'] = 'warning'): unknown => {
      const r = readField(ctx, f[field] as FieldMap | undefined);
      if (r.ok) return r.value;
      issue(field, r.message, severity);
      return undefined;
    };
    if (!name) issue('name', 'the customer has no name');
    const countryRaw = text(get('countryCode', 'blocking'));
    const country = countryRaw?.toUpperCase() ?? null;
    let taxCode: string | null = null;
    let countryCode = country;
    const taxRaw = text(get('taxId', 'blocking'));
    const tax = normalizeTaxId(taxRaw, country);
    if (tax.ok) {
      taxCode = tax.value.taxCode;
      countryCode = tax.value.countryCode;
    } else {
      issue('taxId', tax.reason);
    }

    let requestedCreditLimit: Money | null = null;
    const limitRaw = get('requestedCreditLimit');
    if (!isEmptyValue(limitRaw)) {
      try {
        const amount = parseDecimal(limitRaw);
        const currency = (text(get('requestedCreditLimitCurrency')) ?? company.currency).toUpperCase();
        if (isNegative(amount)) issue('requestedCreditLimit', `requested limit ${amount} is negative; ignored`, 'warning');
        else if (!isZero(amount)) requestedCreditLimit = money(currency, amount, currencyDecimals(currency));
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
        issue('requestedCreditLimit', `requested limit ${error.message}; ignored`, 'warning');
      }
    }
    let requestedPaymentTermDays: number | null = null;
    const termRaw = text(get('requestedPaymentTermDays'));
    if (termRaw !== null) {
      if (/^\d+$/.test(termRaw)) requestedPaymentTermDays = Number(termRaw);
      else issue('requestedPaymentTermDays', `'${termRaw}' is not a whole number of days; ignored`, 'warning');
    }
    const activeRaw = get('active');
    let active = true;
    if (typeof activeRaw === 'boolean') active = activeRaw;
    else if (!isEmptyValue(activeRaw)) issue('active', `'${String(activeRaw)}' is not a boolean (add a bool transform); read as active`, 'warning');

    return {
      erpId,
      ref,
      name: name ?? '',
      taxCode,
      countryCode,
      customerReference: text(get('customerReference')) ?? erpId,
      address: {
        street: text(get('street')),
        city: text(get('city')),
        postalCode: text(get('postalCode')),
        state: text(get('state')),
        countryCode,
      },
      requestedCreditLimit,
      requestedPaymentTermDays,
      active,
      issues,
    };
  }

  // ---- documents ---------------------------------------------------------------------------

  type ItemList = NonNullable<SoapErpProfile['openItems']>;
  type ItemKey = 'openItems' | 'clearedItems';

  /** Items of `openItems` or `clearedItems` by join key; with `perCustomer`, read for each customer the first time it is met. */
  const itemIndex = (key: ItemKey) => {
    const list: ItemList | undefined = profile[key];
    const index = new Map<string, Record<string, unknown>>();
    const done = new Set<string>();
    const refused = new Map<string, string>();
    let all = false;
    const read = async (values: TemplateValues) => {
      if (!list) return;
      for await (const page of listContexts(key, list, values)) {
        for (const item of page) {
          const k = text(readField(item, list.join.itemKey));
          if (k !== null && !index.has(k)) index.set(k, item);
        }
      }
    };
    return {
      list,
      index,
      /** Customers by mapped `debtorErpId`, with the raw source value (e.g. SAP's zero-padded KUNNR). */
      async load(customers: ReadonlyMap<string, unknown>): Promise<void> {
        if (!list) return;
        if (!list.perCustomer) {
          if (!all) await read(baseValues(sinceValue(undefined)));
          all = true;
          return;
        }
        for (const [erpId, sourceId] of customers) {
          if (done.has(erpId)) continue;
          done.add(erpId);
          try {
            await read({ ...baseValues(sinceValue(undefined)), customer: { erpId, sourceId: asText(sourceId) ?? erpId } });
          } catch (error) {
            // One customer's items refused (SAP: not created in this company code): its documents
            // lack a due date and say why; the other customers' go on.
            if (!(error instanceof SoapAppError)) throw error;
            refused.set(erpId, error.message);
          }
        }
      },
      /** Why the items of a customer could not be read (an application error), by mapped erpId. */
      refused,
      find(ctx: unknown): Record<string, unknown> | undefined {
        if (!list) return undefined;
        const k = text(readField(ctx, list.join.documentKey));
        return k === null ? undefined : index.get(k);
      },
    };
  };
  /** Open items, then cleared items (documents paid already), joined to documents. */
  const joiner = () => ({ open: itemIndex('openItems'), cleared: itemIndex('clearedItems') });
  type Joiner = ReturnType<typeof joiner>;
  type Joined = { item: Record<string, unknown>; list: ItemList; key: ItemKey };

  function mapDocument(
    key: 'invoices' | 'creditNotes',
    list: DocumentList,
    ctx: Record<string, unknown>,
    joined: Joined | undefined,
    itemsRefused?: string,
  ): SaleDocument | null {
    const f = list.fields;
    const erpId = text(readField(ctx, f.erpId));
    if (erpId === null) return null;
    // A list holding both kinds (SAP billing documents) names each record by its kind, unless the
    // profile gives the list its own label.
    const rawKind = list.kind ?? (f.kind ? (readField(ctx, f.kind) as { ok: boolean; value?: unknown }) : undefined);
    const isCredit = rawKind === 'credit_note' || (typeof rawKind === 'object' && rawKind.ok && rawKind.value === 'credit_note');
    const ref = `${profile.name} ${list.label ?? (isCredit ? LABELS.creditNotes : label(key, list))} ${erpId}`;
    const issues: MappingIssue[] = [];
    const issue = (field: keyof DocumentFields, message: string, severity: MappingIssue['severity'] = 'blocking') =>
      issues.push({ record: ref, field: fieldLabel(field, f[field]), message, severity });
    const get = (field: keyof DocumentFields, source: unknown = ctx, map: FieldMap | undefined = f[field]): unknown => {
      const r = readField(source, map);
      if (r.ok) return r.value;
      issue(field, r.message);
      return undefined;
    };

    let kind: DocumentKind = list.kind ?? 'invoice';
    if (!list.kind) {
      const k = text(get('kind'));
      if (k === 'ignore') return null;
      if (k === 'invoice' || k === 'credit_note') kind = k;
      else if (k === null && !issues.some((i) => i.field.startsWith('kind'))) issue('kind', 'the document has no kind (map it to invoice, credit_note or ignore with an enum)');
      else if (k !== null) issue('kind', `kind '${k}' is neither invoice, credit_note nor ignore`);
    }
    if (f.cancelled && truthy(get('cancelled'))) return null;

    const number = text(get('number'));
    if (!number) issue('number', 'the document has no number');
    const debtorErpId = text(get('debtorErpId'));
    if (!debtorErpId) issue('debtorErpId', 'the document has no customer');

    const date = (field: 'invoiceDate' | 'dueDate', value: unknown): string | null => {
      const t = text(value);
      if (t === null) return null;
      if (isIsoDate(t)) return t;
      issue(field, `'${t}' is not a YYYY-MM-DD date (add a date transform for this format)`);
      return null;
    };
    const invoiceDate = date('invoiceDate', get('invoiceDate'));
    if (!invoiceDate && !issues.some((i) => i.field.startsWith('invoiceDate'))) issue('invoiceDate', 'the document has no invoice date');

    let dueDate = date('dueDate', get('dueDate'));
    if (dueDate === null && joined?.list.fields.dueDate) {
      const r = readField(joined.item, joined.list.fields.dueDate);
      if (r.ok) dueDate = date('dueDate', r.value);
      else issues.push({ record: ref, field: `dueDate (${joined.key} ${fieldSource(joined.list.fields.dueDate)})`, message: r.message, severity: 'blocking' });
    }
    if (dueDate === null && !issues.some((i) => i.field.startsWith('dueDate'))) {
      const joins = profile.openItems || profile.clearedItems;
      const items = profile.clearedItems ? 'open or cleared item' : 'open item';
      issue(
        'dueDate',
        !joins
          ? 'the document has no due date'
          : joined
            ? `the document has no due date, and its ${joined.key} has none either (${fieldSource(joined.list.fields.dueDate!)} is empty)`
            : itemsRefused
              ? `the document has no due date, and the ERP refused its customer's items: ${itemsRefused}`
              : `the document has no due date, and no ${items} joins it`,
      );
    } else if (dueDate && invoiceDate && dueDate < invoiceDate) {
      issue('dueDate', `the due date ${dueDate} is before the invoice date ${invoiceDate}`);
    }

    let currency = text(get('currency'))?.toUpperCase() ?? null;
    if (!currency) {
      issue('currency', `the document has no currency; ${company.currency} assumed`, 'warning');
      currency = company.currency.toUpperCase();
    }
    const decimals = currencyDecimals(currency);
    let total: Money = money(currency, '0', decimals);
    const amountRaw = get('amount');
    if (isEmptyValue(amountRaw)) {
      if (!issues.some((i) => i.field.startsWith('amount'))) issue('amount', 'the document has no total');
    } else {
      try {
        const parsed = parseDecimal(amountRaw);
        const digits = (parsed.split('.')[1] ?? '').replace(/0+$/, '').length;
        // Never round an amount silently: 1234.56 JPY is a data error, not 1235 JPY.
        if (digits > decimals) issue('amount', `the total ${parsed} has more decimals than ${currency} allows (${decimals}): it would be rounded; correct it in the ERP`);
        const signed = money(currency, parsed, decimals).amount;
        if (isZero(signed)) issue('amount', 'the total is zero: there is nothing to declare');
        else if (isNegative(signed) && kind === 'invoice') issue('amount', `the total ${signed} is negative: a refund must be a credit note`);
        total = money(currency, abs(signed), decimals);
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
        issue('amount', error.message);
      }
    }

    let originErpId: string | null = null;
    let originNumber: string | null = null;
    if (kind === 'credit_note') {
      originErpId = text(get('originErpId'));
      originNumber = text(get('originNumber'));
      if (!originErpId) {
        issue('originErpId', 'credit note has no origin invoice: it is not declared until it is linked to the invoice it corrects');
      }
    }

    return {
      kind,
      erpId,
      number: number ?? '',
      ref: number && number !== erpId ? `${ref} ${number}` : ref,
      debtorErpId: debtorErpId ?? '',
      invoiceDate: invoiceDate ?? '',
      dueDate,
      total,
      originErpId,
      originNumber,
      updatedAt: text(get('updatedAt')),
      issues,
    };
  }

  function documentLists(): ['invoices' | 'creditNotes', DocumentList][] {
    const lists: ['invoices' | 'creditNotes', DocumentList][] = [['invoices', profile.invoices]];
    if (profile.creditNotes) lists.push(['creditNotes', profile.creditNotes]);
    return lists;
  }

  async function mapPage(key: 'invoices' | 'creditNotes', list: DocumentList, contexts: Record<string, unknown>[], join: Joiner): Promise<SaleDocument[]> {
    const customersOf = (rows: Record<string, unknown>[]) => {
      const customers = new Map<string, unknown>();
      for (const c of rows) {
        const erpId = text(readField(c, list.fields.debtorErpId));
        if (erpId !== null && !customers.has(erpId)) customers.set(erpId, readRaw(c, list.fields.debtorErpId));
      }
      return customers;
    };
    // Items are only the fallback for the due date: read them for the documents that lack one (a
    // ledger the ERP user may not read is then not needed at all when documents carry due dates).
    const lacksDueDate = (c: Record<string, unknown>): boolean => {
      if (!list.fields.dueDate) return true;
      const r = readField(c, list.fields.dueDate);
      return !r.ok || isEmptyValue(r.value);
    };
    const needing = contexts.filter(lacksDueDate);
    if (needing.length > 0) await join.open.load(customersOf(needing));
    // Cleared items only for the customers of documents that no open item joins.
    const unjoined = needing.filter((c) => join.open.find(c) === undefined);
    if (unjoined.length > 0) await join.cleared.load(customersOf(unjoined));
    const docs: SaleDocument[] = [];
    for (const c of contexts) {
      const open = join.open.find(c);
      const cleared = open ? undefined : join.cleared.find(c);
      const joined: Joined | undefined = open
        ? { item: open, list: join.open.list!, key: 'openItems' }
        : cleared
          ? { item: cleared, list: join.cleared.list!, key: 'clearedItems' }
          : undefined;
      const debtor = text(readField(c, list.fields.debtorErpId));
      const refusal = joined || debtor === null ? undefined : (join.open.refused.get(debtor) ?? join.cleared.refused.get(debtor));
      const doc = mapDocument(key, list, joined ? { ...c, openItem: joined.item } : c, joined, refusal);
      if (doc) docs.push(doc);
    }
    return docs;
  }

  return {
    capabilities,

    async connect(): Promise<ErpDescription> {
      for (const service of Object.keys(profile.services)) await caller.describe(service);
      return { system: profile.name, version: `SOAP ${connection.soapVersion ?? profile.soapVersion}`, company, url: connection.baseUrl };
    },

    async *debtors(): AsyncIterable<Debtor> {
      const values = baseValues(sinceValue(undefined));
      for await (const page of listContexts('customers', profile.customers, values)) {
        for (const ctx of page) {
          const debtor = mapDebtor(ctx);
          if (debtor) yield debtor;
        }
      }
    },

    async *documents(query: DocumentQuery = {}): AsyncIterable<SaleDocument> {
      const changedSince = capabilities.incremental ? query.changedSince : undefined;
      const since = sinceValue(changedSince);
      const values = baseValues(since);
      const open = joiner();
      for (const [key, list] of documentLists()) {
        const windowSince = changedSince ? changedSince.updatedAt.slice(0, 10) : undefined;
        for await (const page of listContexts(key, list, values, windowSince)) {
          for (const doc of await mapPage(key, list, page, open)) {
            if (query.fromDate && doc.invoiceDate && doc.invoiceDate < query.fromDate) continue;
            yield doc;
          }
        }
      }
    },

    async *documentsByIds(erpIds: readonly string[]): AsyncIterable<SaleDocument> {
      const open = joiner();
      const values = baseValues(sinceValue(undefined));
      for (const id of new Set(erpIds)) {
        for (const [key, list] of documentLists()) {
          if (!list.byId) continue;
          let answer: unknown;
          try {
            answer = await call(list.byId, { ...values, id }, where(key, list.byId, ' by id'));
          } catch (error) {
            // An application error (e.g. SAP "document does not exist") means the key is gone.
            if (error instanceof SoapAppError) continue;
            throw error;
          }
          const record = getPath(answer, list.byId.recordPath);
          if (isEmptyValue(record) || typeof record !== 'object') continue;
          const ctx = await withDetail(key, list, record, values);
          const [doc] = await mapPage(key, list, [ctx], open);
          if (doc && doc.erpId === id) {
            yield doc;
            break;
          }
        }
      }
    },

    async writeClassification(): Promise<void> {
      throw new ErpError(SYSTEM, 'validation', `write-back is not supported by SOAP profiles (${profile.name} is read-only)`);
    },
    async writeSale(): Promise<void> {
      throw new ErpError(SYSTEM, 'validation', `write-back is not supported by SOAP profiles (${profile.name} is read-only)`);
    },
    async close(): Promise<void> {
      if (ownCaller) caller.close();
    },
  };
}

function text(value: unknown): string | null {
  if (value && typeof value === 'object' && 'ok' in value) {
    const r = value as { ok: boolean; value?: unknown };
    return r.ok ? asText(r.value) : null;
  }
  return asText(value);
}
