import { movementsQuerySchema } from '@cesce-connect/core';
import { describeIssue, queryObject } from './api.js';
import { compareNumeric, findByEndorsementNo } from './classifications.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxClassification } from './data.js';
import { ruleError } from './rules/messages.js';
import type { PolicyState } from './store.js';
import { classificationToWire, OK_ENVELOPE } from './wire.js';

/** Debtor records per page unless the option or the data file says otherwise. [inferred] */
export const DEFAULT_MOVEMENTS_PAGE_SIZE = 50;

/**
 * GET …/portfolio-movements/v1/contracts/{contractNo}/movements?languageCode=ES[&nextEndorsementNo=N]
 * ([portal] path, [third-party-client] parameters and envelope).
 *
 * The feed is the policy's portfolio: one record per suplemento (classifications with an
 * endorsementNo: classified, cancelled; in-progress and denied requests have none), in
 * endorsementNo order, keyset-paged: `nextEndorsementNo` is the endorsementNo the next page starts
 * at, "0" on the last page. A page with no records answers `debtor: null`. [inferred] Cesce's card
 * says the feed holds the changes of the last two days; the emulator does not apply that window.
 * `languageCode` is accepted and ignored (descriptions are not emulated).
 */
export function handleMovements(ctx: HandlerContext, policy: PolicyState, query: URLSearchParams): Reply {
  const parsed = movementsQuerySchema.safeParse(queryObject(query));
  if (!parsed.success) return ruleError('queryInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const cursor = parsed.data.nextEndorsementNo;

  const endorsements = [...new Set(policy.classifications.map((c) => c.endorsementNo).filter((e): e is string => Boolean(e)))];
  endorsements.sort(compareNumeric);
  const from = cursor === undefined ? endorsements : endorsements.filter((e) => compareNumeric(e, cursor) >= 0);
  const size = ctx.movementsPageSize;
  const page = from
    .slice(0, size)
    .map((e) => findByEndorsementNo(policy, e))
    .filter((c): c is SandboxClassification => c !== undefined);
  return {
    status: 200,
    body: {
      error: OK_ENVELOPE,
      client: { contractNo: policy.contractNo, nextEndorsementNo: from[size] ?? '0' },
      debtor: page.length > 0 ? page.map(classificationToWire) : null,
    },
  };
}
