import { ErpError, ValidationError, isIsoDate, normalizeTaxId } from '@cesce-connect/core';
import type {
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
import type { AcmeCompanyResponse, AcmeCursorPage, AcmeCustomer, AcmeInvoice, AcmePage } from './acme-types.js';
import { createAcmeHttp } from './http.js';
import { isCommercialEntity, mapCustomer } from './mapping/customer.js';
import { isSaleDocument, mapInvoice } from './mapping/invoice.js';
import { currencyDecimals } from './mapping/values.js';

export interface AcmeConnectorConfig {
  /** Base URL of the Acme API, e.g. "https://acme.example.com". */
  url: string;
  /** API bearer token of the company to read. */
  token: string;
  /** Records per request (Acme allows 1–100). Default 50. */
  pageSize?: number | undefined;
  /** Per-request timeout in ms. Default 30 000. */
  timeoutMs?: number | undefined;
}

export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** What `connect()` learnt; the reads and writes that follow use it. */
export interface AcmeConnection {
  apiVersion: string;
  company: { id: string; name: string; taxCode: string | null; currency: { code: string; decimals: number } };
}

export interface AcmeSource extends ErpSource {
  readonly capabilities: ErpSourceCapabilities;
  readonly connection: AcmeConnection | null;
  documentsByIds(erpIds: readonly string[]): AsyncIterable<SaleDocument>;
}

/** (`updatedAt`, id) order of Acme's change feed: ISO UTC stamps compare as text, ids as numbers. */
function after(doc: AcmeInvoice, mark: ChangeWatermark): boolean {
  const at = String(doc.updatedAt ?? '');
  if (at !== mark.updatedAt) return at > mark.updatedAt;
  return /^\d+$/.test(mark.erpId) ? doc.id > Number(mark.erpId) : String(doc.id) > mark.erpId;
}

/**
 * An `ErpSource` for the (fictional) Acme ERP REST API: customers by page number, invoices by
 * cursor in change order, invoices by id, custom fields written back with PATCH. Reads are
 * streamed page by page; nothing is held beyond one page.
 */
export function createAcmeSource(config: AcmeConnectorConfig): AcmeSource {
  const pageSize = config.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new ValidationError('pageSize', `must be a whole number from 1 to 100 (got ${pageSize})`);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ValidationError('timeoutMs', `must be a positive number of milliseconds (got ${timeoutMs})`);
  if (!config.token) throw new ValidationError('token', 'the Acme API token is required');
  const { base, request } = createAcmeHttp({ url: config.url, token: config.token, timeoutMs });

  let connection: AcmeConnection | null = null;
  let connecting: Promise<AcmeConnection> | null = null;

  const protocolError = (what: string, value: unknown): never => {
    throw new ErpError('acme', 'protocol', `Acme ERP at ${base} answered ${what} with an unexpected body`, { details: JSON.stringify(value)?.slice(0, 500) });
  };

  async function doConnect(): Promise<AcmeConnection> {
    const r = await request<AcmeCompanyResponse>({ method: 'GET', path: '/api/company' });
    const c = r?.company;
    if (!c || typeof c.id !== 'string' || typeof c.name !== 'string' || typeof c.currency !== 'string') return protocolError('GET /api/company', r);
    const decimals = currencyDecimals(c.currency.toUpperCase());
    if (decimals === null) throw new ErpError('acme', 'validation', `Acme company ${c.id} at ${base} has currency '${c.currency}', not an ISO 4217 code`);
    const tax = normalizeTaxId(c.taxId, c.country);
    return {
      apiVersion: typeof r.apiVersion === 'string' ? r.apiVersion : '',
      company: { id: c.id, name: c.name, taxCode: tax.ok ? tax.value.taxCode : null, currency: { code: c.currency.toUpperCase(), decimals } },
    };
  }

  function ensureConnected(): Promise<AcmeConnection> {
    if (connection) return Promise.resolve(connection);
    connecting ??= doConnect().then(
      (c) => (connection = c),
      (err: unknown) => {
        connecting = null;
        throw err;
      },
    );
    return connecting;
  }

  async function* debtors(): AsyncGenerator<Debtor> {
    const conn = await ensureConnected();
    for (let page = 1; ; page++) {
      const r = await request<AcmePage<AcmeCustomer>>({ method: 'GET', path: '/api/customers', query: { page, pageSize } });
      if (!r || !Array.isArray(r.data)) return protocolError(`GET /api/customers page ${page}`, r);
      for (const record of r.data) if (isCommercialEntity(record)) yield mapCustomer(record, { currency: conn.company.currency });
      if (r.data.length < pageSize || page * pageSize >= r.total) return;
    }
  }

  /** Pages of the invoice change feed, following `nextCursor` to the end. */
  async function* invoicePages(query: Record<string, string | number | undefined>): AsyncGenerator<AcmeInvoice[]> {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const r = await request<AcmeCursorPage<AcmeInvoice>>({ method: 'GET', path: '/api/invoices', query: { ...query, limit: pageSize, cursor } });
      if (!r || !Array.isArray(r.data)) return protocolError('GET /api/invoices', r);
      yield r.data;
      if (!r.nextCursor) return;
      if (seen.has(r.nextCursor)) throw new ErpError('acme', 'protocol', `Acme ERP at ${base} returned the cursor ${r.nextCursor} twice for GET /api/invoices`);
      seen.add(r.nextCursor);
      cursor = r.nextCursor;
    }
  }

  async function* documents(query: DocumentQuery = {}): AsyncGenerator<SaleDocument> {
    await ensureConnected();
    if (query.fromDate !== undefined && !isIsoDate(query.fromDate)) throw new ValidationError('fromDate', `'${query.fromDate}' is not a YYYY-MM-DD date`);
    const since = query.changedSince;
    if (since && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(since.updatedAt)) {
      throw new ValidationError('changedSince.updatedAt', `'${since.updatedAt}' is not an Acme updatedAt stamp (ISO 8601 UTC)`);
    }
    // Acme's updatedSince is inclusive (>=): the documents of the watermark's own instant with an
    // id at or below the watermark's were read by the previous run and are skipped here.
    for await (const page of invoicePages({ issuedFrom: query.fromDate, updatedSince: since?.updatedAt })) {
      for (const record of page) {
        if (!isSaleDocument(record)) continue;
        if (since && !after(record, since)) continue;
        yield mapInvoice(record);
      }
    }
  }

  async function* documentsByIds(erpIds: readonly string[]): AsyncGenerator<SaleDocument> {
    await ensureConnected();
    for (const id of new Set(erpIds)) {
      if (!/^\d+$/.test(id)) continue;
      const record = await request<AcmeInvoice>({ method: 'GET', path: `/api/invoices/${id}`, allowNotFound: true });
      if (record && isSaleDocument(record)) yield mapInvoice(record);
    }
  }

  function recordId(kind: string, erpId: string): string {
    if (!/^\d+$/.test(erpId)) throw new ErpError('acme', 'validation', `'${erpId}' is not the id of an Acme ${kind}`);
    return erpId;
  }

  const rejectionNote = (r: NonNullable<ClassificationWriteBack['rejection']>) =>
    `Cesce: «${r.message}» (${r.httpStatus > 0 ? `HTTP ${r.httpStatus}, ` : ''}${r.kbId}). Cause: ${r.cause.en} Fix: ${r.fix.en}`;

  return {
    get connection() {
      return connection;
    },
    capabilities: { incremental: true, writeBack: true, scope: `acme:${base}` },
    connect: async (): Promise<ErpDescription> => {
      const c = await ensureConnected();
      return {
        system: 'acme',
        version: c.apiVersion,
        company: { id: c.company.id, name: c.company.name, taxCode: c.company.taxCode, currency: c.company.currency.code },
        url: base,
      };
    },
    debtors,
    documents,
    documentsByIds,
    writeClassification: async (update: ClassificationWriteBack): Promise<void> => {
      const conn = await ensureConnected();
      const id = recordId('customer', update.debtorErpId);
      const granted = update.grantedLimit;
      if (granted && granted.currency !== conn.company.currency.code) {
        throw new ErpError('acme', 'validation', `Granted limit ${granted.amount} ${granted.currency} of customer ${id} is not in the company currency ${conn.company.currency.code}`);
      }
      // Exact decimal strings on the wire: the amount never becomes a float.
      await request({
        method: 'PATCH',
        path: `/api/customers/${id}`,
        body: {
          customFields: {
            cesceStatus: update.stateLabel || null,
            cesceGrantedLimit: granted?.amount ?? null,
            cesceEndorsementNo: update.endorsementNo,
            cesceNote: update.rejection ? rejectionNote(update.rejection) : null,
          },
        },
      });
    },
    writeSale: async (update: SaleWriteBack): Promise<void> => {
      await ensureConnected();
      const id = recordId('invoice', update.documentErpId);
      await request({
        method: 'PATCH',
        path: `/api/invoices/${id}`,
        body: {
          customFields: {
            cesceSaleState: update.state,
            cesceSaleReference: update.saleCesceReferenceNo,
            cesceNote: update.rejection ? rejectionNote(update.rejection) : null,
          },
        },
      });
    },
    close: async (): Promise<void> => {
      // fetch keeps no session to end; a connector with a login would log out here.
    },
  };
}
