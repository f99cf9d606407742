import type { OdooProtocol } from './transport/types.js';

/** Names of the Odoo fields the connector reads and writes beyond the standard ones. */
export interface OdooFieldMapping {
  /** Float on res.partner; > 0 flags the customer for a classification request with that amount. */
  requestedLimit: string;
  /** Char on res.partner: Cesce's status label ("Clasificado", "En trámite", ...). */
  classificationStatus: string;
  /** Float on res.partner: the limit Cesce granted (OCA preset: `insurance_credit_limit`). */
  grantedLimit: string;
  /** Char on res.partner: Cesce's endorsement number (suplemento) (OCA preset: `risk_insurance_code`). */
  endorsementNo: string;
  /** Char on account.move: Cesce's reference of the declared sale. */
  saleReference: string;
  /** Char on account.move: the declaration state, `declared` or `rejected`. */
  saleState: string;
}

export const DEFAULT_FIELD_MAPPING: Readonly<OdooFieldMapping> = Object.freeze({
  requestedLimit: 'x_cesce_requested_limit',
  classificationStatus: 'x_cesce_status',
  grantedLimit: 'x_cesce_granted_limit',
  endorsementNo: 'x_cesce_endorsement_no',
  saleReference: 'x_cesce_sale_ref',
  saleState: 'x_cesce_sale_state',
});

/**
 * The res.partner fields of the OCA module `partner_risk_insurance` (OCA/credit-control) that
 * replace our own under the `oca` preset; the module has no fields for the rest.
 */
export const OCA_FIELD_MAPPING: Readonly<Pick<OdooFieldMapping, 'grantedLimit' | 'endorsementNo'>> = Object.freeze({
  grantedLimit: 'insurance_credit_limit',
  endorsementNo: 'risk_insurance_code',
});

/**
 * Which fields hold Cesce's results on the partner: `x_cesce` (our custom fields), `oca` (the
 * fields of OCA `partner_risk_insurance`, plus our custom fields for what it lacks), or `auto`
 * (`oca` when the module's fields exist in the database, else `x_cesce`).
 */
export type OdooFieldsPreset = 'x_cesce' | 'oca' | 'auto';

export interface OdooConnectorConfig {
  /** Base URL of the Odoo server, e.g. https://erp.example.com */
  url: string;
  database: string;
  /** Login of the (preferably dedicated) Odoo user. */
  username: string;
  /** Password or API key (JSON-2 needs an API key). */
  password: string;
  /** The Odoo company (res.company id) whose customers and invoices are synchronised. */
  companyId: number;
  /** Wire protocol (default `auto`: JSON-2 on Odoo 19+, else JSON-RPC, else XML-RPC). */
  protocol?: 'auto' | OdooProtocol | undefined;
  /** Timeout of every call in milliseconds (default 30 000). */
  timeoutMs?: number | undefined;
  /** Records per page (default 200). */
  pageSize?: number | undefined;
  /**
   * Incremental reads re-read this many minutes before the watermark (default 10): Odoo stamps
   * `write_date` with the transaction START time, so a long transaction can commit changes
   * stamped before the last run's watermark.
   */
  overlapMinutes?: number | undefined;
  /**
   * Also write a granted limit into Odoo's native `res.partner.credit_limit` (company-dependent
   * on 16+) and switch on `use_partner_credit_limit` where it exists (default false).
   */
  writeNativeCreditLimit?: boolean | undefined;
  /** Default `x_cesce`. */
  fieldsPreset?: OdooFieldsPreset | undefined;
  /** Field names; an explicit name wins over the preset. */
  fields?: Partial<OdooFieldMapping> | undefined;
}

export const DEFAULT_PAGE_SIZE = 200;
export const DEFAULT_OVERLAP_MINUTES = 10;

/** The field names for a resolved preset (`x_cesce` or `oca`); explicit `fields` win. */
export function resolveFieldMapping(fields: Partial<OdooFieldMapping> | undefined, preset: 'x_cesce' | 'oca' = 'x_cesce'): OdooFieldMapping {
  const out: OdooFieldMapping = { ...DEFAULT_FIELD_MAPPING, ...(preset === 'oca' ? OCA_FIELD_MAPPING : {}) };
  for (const key of Object.keys(DEFAULT_FIELD_MAPPING) as (keyof OdooFieldMapping)[]) {
    const v = fields?.[key];
    if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim();
  }
  return out;
}

/** Whether a res.partner `fields_get` answer holds the OCA `partner_risk_insurance` fields. */
export function hasOcaRiskInsurance(partnerFields: Readonly<Record<string, unknown>>): boolean {
  return OCA_FIELD_MAPPING.grantedLimit in partnerFields && OCA_FIELD_MAPPING.endorsementNo in partnerFields;
}

/** A field the connector needs in Odoo, with the types it accepts and the one `setup` creates. */
export interface OdooFieldSpec {
  key: keyof OdooFieldMapping;
  model: 'res.partner' | 'account.move';
  /** Accepted `ttype`s of an existing field. */
  types: readonly string[];
  /** The type `cesce odoo setup` creates. */
  ttype: 'float' | 'char';
  /** English label of a created field. */
  label: string;
}

const NUMBER = ['float', 'monetary', 'integer'] as const;
const TEXT = ['char', 'text'] as const;

export const FIELD_SPECS: readonly OdooFieldSpec[] = Object.freeze([
  { key: 'requestedLimit', model: 'res.partner', types: NUMBER, ttype: 'float', label: 'Cesce: requested credit limit' },
  { key: 'classificationStatus', model: 'res.partner', types: TEXT, ttype: 'char', label: 'Cesce: classification status' },
  { key: 'grantedLimit', model: 'res.partner', types: NUMBER, ttype: 'float', label: 'Cesce: granted credit limit' },
  { key: 'endorsementNo', model: 'res.partner', types: TEXT, ttype: 'char', label: 'Cesce: endorsement number' },
  { key: 'saleReference', model: 'account.move', types: TEXT, ttype: 'char', label: 'Cesce: sale reference' },
  { key: 'saleState', model: 'account.move', types: [...TEXT, 'selection'], ttype: 'char', label: 'Cesce: declaration state' },
]);
