import type { CesceHttp } from '../../http/cesce-http.js';
import { CesceApiError, ValidationError } from '../../errors.js';
import { fromCesceDate } from '../../dates.js';
import { fromCesceDecimal, money, toCesceDecimal, type Money } from '../../money.js';
import {
  classificationOperationResponseSchema,
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
  /**
   * True once deactivated with activate-deactivate (`activeInd: "N"`, [inferred]). A deactivated
   * classification keeps its statusCode, but `status.active` is false: sales are refused.
   */
  deactivated: boolean;
  /** The premium Cesce offers on the classification, when it carries one ([inferred]). */
  premium: ClassificationPremium | null;
}

export type PremiumStatus = 'offered' | 'accepted' | 'denied' | 'unknown';

export interface ClassificationPremium {
  amount: Money;
  /** `unknown` for a value we do not know; `rawStatus` keeps it. */
  status: PremiumStatus;
  rawStatus: string;
}

/**
 * Identifies one classification for activate-deactivate, cancel and accept-deny-premium: its
 * suplemento number, or its request number (a request in progress has no suplemento yet).
 * [inferred]
 */
export type ClassificationRef =
  | { endorsementNo: string; requestNo?: string | undefined }
  | { endorsementNo?: string | undefined; requestNo: string };

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

function parsePremium(r: DebtorRecord, currency: string): ClassificationPremium | null {
  const amount = (r.premiumAmount ?? '').trim();
  if (!amount) return null;
  const raw = (r.premiumStatus ?? '').trim();
  const known = (['offered', 'accepted', 'denied'] as const).find((s) => s === raw.toLowerCase());
  return {
    amount: money(emptyToNull(r.premiumCurrencyCode) ?? currency, fromCesceDecimal(amount), 2),
    status: known ?? 'unknown',
    rawStatus: raw,
  };
}

/** Parses a debtor record (all strings, decimal commas, yyyyMMdd or "0") into proper types. */
export function parseDebtorRecord(r: DebtorRecord): Classification {
  const currency = emptyToNull(r.currencyCode) ?? 'EUR';
  const amount = (v: string | null | undefined): Money | null => (v && v.trim() ? money(currency, fromCesceDecimal(v), 2) : null);
  const deactivated = (r.activeInd ?? '').trim().toUpperCase() === 'N';
  const status = describeStatusCode(r.statusCode);
  return {
    requestNo: emptyToNull(r.requestNo),
    endorsementNo: emptyToNull(r.endorsementNo),
    taxCode: r.taxCode,
    countryCode: r.countryCode,
    companyName: emptyToNull(r.companyName),
    customerReference: emptyToNull(r.customerReference),
    status: deactivated ? { ...status, active: false } : status,
    requestedLimit: amount(r.creditLimitRequested),
    grantedLimit: amount(r.creditLimitGranted),
    paymentTermsRequested: intOrNull(r.paymentTermsRequested),
    paymentTermsGranted: intOrNull(r.paymentTermsGranted),
    requestEntryDate: fromCesceDate(r.requestEntryDate),
    classificationDate: fromCesceDate(r.classificationDate),
    effectiveDate: fromCesceDate(r.effectiveDate),
    validityDate: fromCesceDate(r.validityDate),
    cancellationDate: fromCesceDate(r.cancellationDate),
    deactivated,
    premium: parsePremium(r, currency),
  };
}

/** The key fields of a body that acts on one classification; refuses a ref without a key. */
export function classificationKey(ref: ClassificationRef): { endorsementNo?: string; requestNo?: string } {
  const endorsementNo = ref.endorsementNo?.trim();
  const requestNo = ref.requestNo?.trim();
  if (!endorsementNo && !requestNo) {
    throw new ValidationError('endorsementNo', 'a classification is identified by its endorsementNo or its requestNo');
  }
  return { ...(endorsementNo ? { endorsementNo } : {}), ...(requestNo ? { requestNo } : {}) };
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

  /**
   * Enable/Disable Classification. A deactivated classification keeps its state but no sale can be
   * declared on it until it is activated again. Idempotent in the emulator. Needs scope `update`.
   */
  async setActive(ref: ClassificationRef, active: boolean): Promise<Classification> {
    const body = await this.http.request({
      operation: 'classifications.activateDeactivate',
      method: 'post',
      api: 'classifications',
      path: 'classifications/activate-deactivate',
      json: { ...classificationKey(ref), activeInd: active ? 'S' : 'N' },
      schema: classificationOperationResponseSchema,
    });
    return parseDebtorRecord(body.debtor);
  }

  activate(ref: ClassificationRef): Promise<Classification> {
    return this.setActive(ref, true);
  }

  deactivate(ref: ClassificationRef): Promise<Classification> {
    return this.setActive(ref, false);
  }

  /**
   * Annul Classification ("Baja"): e.g. a request sent by mistake, to avoid study costs
   * ([support-page]). Needs scope `delete`. An unknown classification answers 400, not 404.
   */
  async cancel(ref: ClassificationRef, options: { reasonCode?: string | undefined } = {}): Promise<Classification> {
    const reason = options.reasonCode?.trim();
    const body = await this.http.request({
      operation: 'classifications.cancel',
      method: 'post',
      api: 'classifications',
      path: 'classifications/cancel',
      json: { ...classificationKey(ref), ...(reason ? { cancellationReasonCode: reason } : {}) },
      schema: classificationOperationResponseSchema,
    });
    return parseDebtorRecord(body.debtor);
  }

  /** Accept Deny Premium: answers the premium Cesce offered on the classification. Needs scope `update`. */
  async answerPremium(ref: ClassificationRef, accept: boolean): Promise<Classification> {
    const body = await this.http.request({
      operation: 'classifications.acceptDenyPremium',
      method: 'post',
      api: 'classifications',
      path: 'classifications/accept-deny-premium',
      json: { ...classificationKey(ref), premiumAcceptedInd: accept ? 'S' : 'N' },
      schema: classificationOperationResponseSchema,
    });
    return parseDebtorRecord(body.debtor);
  }

  acceptPremium(ref: ClassificationRef): Promise<Classification> {
    return this.answerPremium(ref, true);
  }

  denyPremium(ref: ClassificationRef): Promise<Classification> {
    return this.answerPremium(ref, false);
  }
}
