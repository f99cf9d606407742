import type { CesceHttp } from '../../http/cesce-http.js';
import { CesceApiError } from '../../errors.js';
import { fromCesceDate } from '../../dates.js';
import { fromCesceDecimal, money, toCesceDecimal, type Money } from '../../money.js';
import {
  classificationQueryResponseSchema,
  createClassificationResponseSchema,
  type ClassificationQuery,
  type CreateClassificationRequest,
  type DebtorRecord,
} from './schemas.js';
import { describeStatusCode, type StatusCodeInfo } from './status-codes.js';

export interface Classification {
  requestNo: string | null;
  /** The debtor's suplemento number; null unless classified ([support-page]). */
  endorsementNo: string | null;
  taxCode: string;
  countryCode: string;
  companyName: string | null;
  customerReference: string | null;
  status: StatusCodeInfo & { code: string };
  requestedLimit: Money | null;
  grantedLimit: Money | null;
  paymentTermsRequested: number | null;
  paymentTermsGranted: number | null;
  requestEntryDate: string | null;
  classificationDate: string | null;
  effectiveDate: string | null;
  validityDate: string | null;
  cancellationDate: string | null;
}

export interface CreateClassificationInput {
  taxCode: string;
  countryCode: string;
  companyName: string;
  address?: { street?: string | null; city?: string | null; postalCode?: string | null; state?: string | null } | undefined;
  customerReference?: string | null | undefined;
  requestedLimit: Money;
  paymentTermDays?: number | null | undefined;
}

function emptyToNull(v: string | null | undefined): string | null {
  const t = (v ?? '').trim();
  return t === '' || t === '0' ? null : t;
}

function intOrNull(v: string | null | undefined): number | null {
  const t = (v ?? '').trim();
  return /^\d+$/.test(t) && t !== '0' ? Number(t) : null;
}

/** Parses a debtor record (all strings, decimal commas, yyyyMMdd or "0") into proper types. */
export function parseDebtorRecord(r: DebtorRecord): Classification {
  const currency = emptyToNull(r.currencyCode) ?? 'EUR';
  const amount = (v: string | null | undefined): Money | null => (v && v.trim() ? money(currency, fromCesceDecimal(v), 2) : null);
  return {
    requestNo: emptyToNull(r.requestNo),
    endorsementNo: emptyToNull(r.endorsementNo),
    taxCode: r.taxCode,
    countryCode: r.countryCode,
    companyName: emptyToNull(r.companyName),
    customerReference: emptyToNull(r.customerReference),
    status: describeStatusCode(r.statusCode),
    requestedLimit: amount(r.creditLimitRequested),
    grantedLimit: amount(r.creditLimitGranted),
    paymentTermsRequested: intOrNull(r.paymentTermsRequested),
    paymentTermsGranted: intOrNull(r.paymentTermsGranted),
    requestEntryDate: fromCesceDate(r.requestEntryDate),
    classificationDate: fromCesceDate(r.classificationDate),
    effectiveDate: fromCesceDate(r.effectiveDate),
    validityDate: fromCesceDate(r.validityDate),
    cancellationDate: fromCesceDate(r.cancellationDate),
  };
}

/** Builds the wire body of a create request; optional empty values are left out (see 500-1). */
export function toCreateClassificationRequest(input: CreateClassificationInput): CreateClassificationRequest {
  const body: CreateClassificationRequest = {
    taxCode: input.taxCode,
    countryCode: input.countryCode,
    companyName: input.companyName.slice(0, 120),
    creditLimitRequested: toCesceDecimal(input.requestedLimit.amount, 2),
    currencyCode: input.requestedLimit.currency,
  };
  const a = input.address ?? {};
  if (a.street) body.address = a.street;
  if (a.city) body.city = a.city;
  if (a.postalCode) body.postalCode = a.postalCode;
  if (a.state) body.state = a.state;
  if (input.customerReference) body.customerReference = input.customerReference;
  if (input.paymentTermDays) body.paymentTermsRequested = String(input.paymentTermDays);
  return body;
}

/** Classifications API ([portal] paths; bodies [inferred]). */
export class ClassificationsApi {
  constructor(private readonly http: CesceHttp) {}

  /** Create Classifications: one credit-limit request for one debtor. Each request may incur study costs. */
  async create(input: CreateClassificationInput): Promise<Classification> {
    const body = await this.http.request({
      operation: 'classifications.create',
      method: 'post',
      api: 'classifications',
      path: 'classifications',
      json: toCreateClassificationRequest(input),
      schema: createClassificationResponseSchema,
    });
    return parseDebtorRecord(body.debtor);
  }

  /**
   * Classifications Query. Cesce answers 400 (not 404) for a debtor with no classification
   * ([support-page]); that answer is returned here as an empty list.
   */
  async query(query: ClassificationQuery): Promise<Classification[]> {
    try {
      const body = await this.http.request({
        operation: 'classifications.query',
        method: 'get',
        api: 'classifications',
        path: 'classifications',
        searchParams: { ...query },
        schema: classificationQueryResponseSchema,
      });
      return (body.debtor ?? []).map(parseDebtorRecord);
    } catch (error) {
      if (error instanceof CesceApiError && error.entry.id === 'cesce-400-classification-required') return [];
      throw error;
    }
  }
}
