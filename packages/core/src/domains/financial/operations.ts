import type { CesceHttp } from '../../http/cesce-http.js';
import { fromCesceDate } from '../../dates.js';
import { ValidationError } from '../../errors.js';
import { fromCesceDecimal, money, type Money } from '../../money.js';
import {
  FINANCING_STATUSES,
  financingRequestResponseSchema,
  financingRequestsListResponseSchema,
  type FinancingRequestRecord,
  type FinancingStatus,
} from './schemas.js';

export interface FinancingRequest {
  requestNo: string;
  /** ACCEPTED, CONDITIONS (awaiting your acceptance), DENIED, DECLINED; unknown codes kept as `statusCode`. */
  status: FinancingStatus | 'UNKNOWN';
  statusCode: string;
  requestDate: string;
  outstanding: Money;
  financed: Money | null;
  /** Percentages as decimal strings, e.g. "80.00". */
  advancePercent: string | null;
  feeRatePercent: string | null;
  fee: Money | null;
  valueDate: string | null;
  denialReasonCode: string | null;
  denialReason: string | null;
  answerDate: string | null;
  sales: { saleCesceReferenceNo: string; outstanding: Money | null; financed: Money | null; denialReasonCode: string | null }[];
}

const opt = (currency: string, text: string | null | undefined): Money | null => (text?.trim() ? money(currency, fromCesceDecimal(text), 2) : null);
const pct = (text: string | null | undefined): string | null => (text?.trim() ? fromCesceDecimal(text, 2) : null);

export function parseFinancingRequestRecord(r: FinancingRequestRecord): FinancingRequest {
  const known = (FINANCING_STATUSES as readonly string[]).includes(r.statusCode);
  return {
    requestNo: r.requestNo,
    status: known ? (r.statusCode as FinancingStatus) : 'UNKNOWN',
    statusCode: r.statusCode,
    requestDate: fromCesceDate(r.requestDate) ?? '',
    outstanding: money(r.currencyCode, fromCesceDecimal(r.outstandingAmount), 2),
    financed: opt(r.currencyCode, r.financedAmount),
    advancePercent: pct(r.advancePercent),
    feeRatePercent: pct(r.feeRatePercent),
    fee: opt(r.currencyCode, r.feeAmount),
    valueDate: fromCesceDate(r.valueDate),
    denialReasonCode: r.denialReasonCode?.trim() || null,
    denialReason: r.denialReason?.trim() || null,
    answerDate: fromCesceDate(r.answerDate),
    sales: (r.sales ?? []).map((s) => ({
      saleCesceReferenceNo: s.saleCesceReferenceNo,
      outstanding: opt(r.currencyCode, s.outstandingAmount),
      financed: opt(r.currencyCode, s.financedAmount),
      denialReasonCode: s.denialReasonCode?.trim() || null,
    })),
  };
}

/** Financial API: financing of insured invoices. Entirely [inferred] (nothing is published). */
export class FinancialApi {
  constructor(private readonly http: CesceHttp) {}

  /**
   * Requests financing of declared sales; answered at once with ACCEPTED (conditions applied),
   * CONDITIONS (accept or decline them with `answerConditions`) or DENIED (with a reason).
   * Needs scope `create`. Never retried blindly.
   */
  async request(saleCesceReferenceNos: readonly string[]): Promise<FinancingRequest> {
    const refs = saleCesceReferenceNos.map((r) => r.trim()).filter(Boolean);
    if (refs.length === 0) throw new ValidationError('saleCesceReferenceNos', 'a financing request needs at least one sale');
    if (new Set(refs).size !== refs.length) throw new ValidationError('saleCesceReferenceNos', 'a sale is listed twice');
    const body = await this.http.request({
      operation: 'financial.request',
      method: 'post',
      api: 'financial',
      path: 'financing-requests',
      json: { saleCesceReferenceNos: refs },
      schema: financingRequestResponseSchema,
    });
    return parseFinancingRequestRecord(body.financingRequest);
  }

  /** Status of one financing request. */
  async status(requestNo: string): Promise<FinancingRequest> {
    const body = await this.http.request({
      operation: 'financial.status',
      method: 'get',
      api: 'financial',
      path: `financing-requests/${encodeURIComponent(requestNo)}`,
      schema: financingRequestResponseSchema,
    });
    return parseFinancingRequestRecord(body.financingRequest);
  }

  /** Every financing request of the policy, optionally of one status. */
  async list(statusCode?: FinancingStatus): Promise<FinancingRequest[]> {
    const body = await this.http.request({
      operation: 'financial.list',
      method: 'get',
      api: 'financial',
      path: 'financing-requests',
      searchParams: { statusCode },
      schema: financingRequestsListResponseSchema,
    });
    return (body.financingRequests ?? []).map(parseFinancingRequestRecord);
  }

  /** Accepts (true) or declines (false) the conditions of a request in CONDITIONS. Needs scope `update`. */
  async answerConditions(requestNo: string, accept: boolean): Promise<FinancingRequest> {
    const body = await this.http.request({
      operation: 'financial.answerConditions',
      method: 'post',
      api: 'financial',
      path: `financing-requests/${encodeURIComponent(requestNo)}/answer`,
      json: { conditionsAcceptedInd: accept ? 'S' : 'N' },
      schema: financingRequestResponseSchema,
    });
    return parseFinancingRequestRecord(body.financingRequest);
  }
}
