import { z } from 'zod';
import { debtorRecordSchema } from '../classifications/schemas.js';
import { errorEnvelopeSchema } from '../common.js';

/**
 * Customer Portfolio Movements ([portal] path and base `portfolio-movements/v1`; query parameters
 * and envelope as the real client uses them, [third-party-client]).
 *
 * `GET {base}/portfolio-movements/v1/contracts/{contractNo}/movements?languageCode=ES[&nextEndorsementNo=N]`
 */
export const movementsQuerySchema = z.object({
  /** Language of descriptions; the real client sends `ES`. */
  languageCode: z.string().regex(/^[A-Za-z]{2}$/, { message: 'expected a two-letter language code such as ES' }).optional(),
  /** Keyset cursor: `client.nextEndorsementNo` of the previous page; omitted on the first page. */
  nextEndorsementNo: z.string().regex(/^\S{1,40}$/, { message: 'expected an endorsement number' }).optional(),
});
export type MovementsQuery = z.infer<typeof movementsQuerySchema>;

/**
 * `{error:{errorCode,errorDescription}, client:{contractNo, nextEndorsementNo}, debtor:[…] | null}`.
 * `nextEndorsementNo` is a string ("0" = no more pages); an older model of the real client typed it
 * as a number, so both are accepted. `debtor` is `null` (not `[]`) on an empty last page.
 */
export const movementsResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  client: z
    .object({
      contractNo: z.coerce.string().nullish(),
      nextEndorsementNo: z.union([z.string(), z.number().int().nonnegative()]).nullish(),
    })
    .nullish(),
  debtor: z.array(debtorRecordSchema).nullish(),
});
export type MovementsResponse = z.infer<typeof movementsResponseSchema>;
