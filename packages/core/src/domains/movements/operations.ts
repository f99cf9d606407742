import type { CesceHttp } from '../../http/cesce-http.js';
import { CesceConnectError } from '../../errors.js';
import { normalizeDecimal } from '../../money.js';
import { parseDebtorRecord, type Classification } from '../classifications/operations.js';
import type { DebtorRecord } from '../classifications/schemas.js';
import { movementsResponseSchema } from './schemas.js';

/** One debtor record of the Portfolio Movements feed: a classification plus the feed's own fields. */
export interface PortfolioMovement extends Classification {
  cesceCode: string | null;
  phoneNo: string | null;
  email: string | null;
  /** Cover percentages as decimal strings with a dot ("90.00"); kept as sent when not numeric. */
  commercialRiskCoverPct: string | null;
  politicalRiskCoverPct: string | null;
  paymentMethodRequestedCode: string | null;
  paymentMethodGrantedCode: string | null;
  commercialRiskGroupCode: string | null;
  politicalRiskGroupCode: string | null;
  classificationDecisionCode: string | null;
  validityReasonCode: string | null;
  /** `commentsInd` read as a flag ("S"/"1"/"true" → true, "N"/"0"/"false" → false), null when absent or unknown. */
  comments: boolean | null;
}

export interface MovementsPage {
  /** The cursor this page was asked with (null for the first page). */
  cursor: string | null;
  movements: PortfolioMovement[];
  /** Cursor of the next page, null at the end ("0", "" or missing). */
  nextEndorsementNo: string | null;
}

export interface MovementsOptions {
  /** Default `ES`, as the real client sends. */
  languageCode?: string | undefined;
  /** Resume from a cursor saved from an earlier `MovementsPage.nextEndorsementNo`. */
  startAt?: string | undefined;
}

const text = (v: string | null | undefined): string | null => {
  const t = (v ?? '').trim();
  return t === '' ? null : t;
};

function percent(v: string | null | undefined): string | null {
  const t = text(v);
  if (t === null) return null;
  return /^\d+(?:[.,]\d+)?$/.test(t) ? normalizeDecimal(t.replace(',', '.'), Math.max(0, (t.split(/[.,]/)[1] ?? '').length)) : t;
}

function flag(v: string | null | undefined): boolean | null {
  const t = (text(v) ?? '').toUpperCase();
  if (['S', 'Y', '1', 'TRUE'].includes(t)) return true;
  if (['N', '0', 'FALSE'].includes(t)) return false;
  return null;
}

/** Parses one feed record (every value a string; decimals "100000,00"; dates yyyyMMdd or "0"). */
export function parseMovementRecord(r: DebtorRecord): PortfolioMovement {
  return {
    ...parseDebtorRecord(r),
    cesceCode: text(r.cesceCode),
    phoneNo: text(r.phoneNo),
    email: text(r.email),
    commercialRiskCoverPct: percent(r.commercialRiskCoverPct),
    politicalRiskCoverPct: percent(r.politicalRiskCoverPct),
    paymentMethodRequestedCode: text(r.paymentMethodRequestedCode),
    paymentMethodGrantedCode: text(r.paymentMethodGrantedCode),
    commercialRiskGroupCode: text(r.commercialRiskGroupCode),
    politicalRiskGroupCode: text(r.politicalRiskGroupCode),
    classificationDecisionCode: text(r.classificationDecisionCode),
    validityReasonCode: text(r.validityReasonCode),
    comments: flag(r.commentsInd),
  };
}

/** `nextEndorsementNo` as a cursor: "0", 0, "" or missing end the feed ([third-party-client]). */
export function normaliseCursor(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = String(value).trim();
  if (t === '' || /^0+$/.test(t)) return null;
  return t;
}

/** Customer Portfolio Movements: the classification feed, page by page over the `nextEndorsementNo` cursor. */
export class MovementsApi {
  constructor(private readonly http: CesceHttp) {}

  /** One page of the feed. `nextEndorsementNo` is omitted for the first page. */
  async page(options: { languageCode?: string | undefined; nextEndorsementNo?: string | null | undefined } = {}): Promise<MovementsPage> {
    const cursor = normaliseCursor(options.nextEndorsementNo);
    const body = await this.http.request({
      operation: 'movements.list',
      method: 'get',
      api: 'movements',
      path: 'movements',
      searchParams: { languageCode: options.languageCode ?? 'ES', nextEndorsementNo: cursor ?? undefined },
      schema: movementsResponseSchema,
    });
    return {
      cursor,
      movements: (body.debtor ?? []).map(parseMovementRecord),
      nextEndorsementNo: normaliseCursor(body.client?.nextEndorsementNo),
    };
  }

  /** Every page, following the cursor until it ends. A cursor that does not advance is an error, not a loop. */
  async *pages(options: MovementsOptions = {}): AsyncGenerator<MovementsPage> {
    let cursor = normaliseCursor(options.startAt);
    const seen = new Set<string>();
    for (;;) {
      const page = await this.page({ languageCode: options.languageCode, nextEndorsementNo: cursor });
      yield page;
      const next = page.nextEndorsementNo;
      if (next === null) return;
      if (next === cursor || seen.has(next)) {
        throw new CesceConnectError(
          'cesce_response',
          `Cesce movements.list answered nextEndorsementNo '${next}' again: the cursor does not advance, stopping instead of looping`,
        );
      }
      if (cursor !== null) seen.add(cursor);
      cursor = next;
    }
  }

  /** Every debtor record of the feed: `for await (const m of client.movements.list()) …`. */
  async *list(options: MovementsOptions = {}): AsyncGenerator<PortfolioMovement> {
    for await (const page of this.pages(options)) yield* page.movements;
  }
}
