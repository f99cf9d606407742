import { z } from 'zod';
import { cesceDateFormatSchema, cesceDateSchema, cesceDecimalSchema, errorEnvelopeSchema } from '../common.js';

/**
 * Collections: "Create the amount collected from a sale" ([portal]):
 * `POST /contracts/{contractNo}/collections`, base path `collections/v1` ([inferred]). The portal's
 * JSON Schema requires `client`, `sale` and `collectionDat…` (read as `collectionDate`); the inner
 * fields of `client` and `sale` and the amount field are [inferred].
 */

/** [inferred] The debtor: its suplemento number, or its tax id (with country). */
export const collectionClientSchema = z
  .object({
    endorsementNo: z.string().min(1).optional(),
    taxCode: z.string().min(1).optional(),
    countryCode: z.string().regex(/^[A-Z]{2}$/).optional(),
    customerReference: z.string().optional(),
  })
  .refine((c) => Boolean(c.endorsementNo || c.taxCode), { message: 'one of endorsementNo or taxCode is required' });

/** [inferred] The sale: its Cesce reference, or its invoice number (and date). */
export const collectionSaleSchema = z
  .object({
    saleCesceReferenceNo: z.string().min(1).optional(),
    invoiceNo: z.string().min(1).optional(),
    invoiceDate: cesceDateFormatSchema.optional(),
  })
  .refine((s) => Boolean(s.saleCesceReferenceNo || s.invoiceNo), { message: 'one of saleCesceReferenceNo or invoiceNo is required' });

export const createCollectionRequestSchema = z.object({
  client: collectionClientSchema,
  sale: collectionSaleSchema,
  /** yyyyMMdd ([portal] required; name completed from `collectionDat…`). */
  collectionDate: cesceDateFormatSchema,
  /** [inferred] "1234,56": the amount collected; it cannot exceed the sale's outstanding amount. */
  collectedAmount: cesceDecimalSchema,
  /** [inferred] Defaults to the sale's currency; must equal it. */
  currencyCode: z.string().regex(/^[A-Z]{3}$/).optional(),
});
export type CreateCollectionRequest = z.infer<typeof createCollectionRequestSchema>;

/** Required fields in the order the emulator names them in its 422: the portal's three, then the amount ([inferred]). */
export const CREATE_COLLECTION_REQUIRED = ['client', 'sale', 'collectionDate', 'collectedAmount'] as const;

/** [inferred] The recorded collection. */
export const collectionRecordSchema = z.object({
  collectionReferenceNo: z.coerce.string(),
  saleCesceReferenceNo: z.coerce.string(),
  endorsementNo: z.coerce.string(),
  invoiceNo: z.string().nullish(),
  collectionDate: cesceDateSchema,
  collectedAmount: cesceDecimalSchema,
  currencyCode: z.string(),
  /** What is still unpaid on the sale after this collection. */
  outstandingAmount: z.union([cesceDecimalSchema, z.literal('')]).nullish(),
  declarationDate: cesceDateSchema.nullish(),
});
export type CollectionRecord = z.infer<typeof collectionRecordSchema>;

/** 201 answer ([inferred] body; the portal declares 201 Created). */
export const createCollectionResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  collection: collectionRecordSchema,
});
