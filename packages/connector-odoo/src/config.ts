/** Names of the Odoo fields the connector reads and writes beyond the standard ones. */
export interface OdooFieldMapping {
  /** Float on res.partner; > 0 flags the customer for a classification request with that amount. */
  requestedLimit: string;
  /** Char on res.partner: Cesce's status label ("Clasificado", "En trámite", ...). */
  classificationStatus: string;
  /** Float on res.partner: the limit Cesce granted. */
  grantedLimit: string;
  /** Char on res.partner: Cesce's endorsement number (suplemento). */
  endorsementNo: string;
  /** Char on account.move: Cesce's reference of the declared sale. */
  saleReference: string;
}

export const DEFAULT_FIELD_MAPPING: Readonly<OdooFieldMapping> = Object.freeze({
  requestedLimit: 'x_cesce_requested_limit',
  classificationStatus: 'x_cesce_status',
  grantedLimit: 'x_cesce_granted_limit',
  endorsementNo: 'x_cesce_endorsement_no',
  saleReference: 'x_cesce_sale_ref',
});

export interface OdooConnectorConfig {
  /** Base URL of the Odoo server, e.g. https://erp.example.com */
  url: string;
  database: string;
  /** Login of the (preferably dedicated) Odoo user. */
  username: string;
  /** Password or API key. */
  password: string;
  /** The Odoo company (res.company id) whose customers and invoices are synchronised. */
  companyId: number;
  /** Timeout of every XML-RPC call in milliseconds (default 30 000). */
  timeoutMs?: number | undefined;
  /** Records per page (default 200). */
  pageSize?: number | undefined;
  fields?: Partial<OdooFieldMapping> | undefined;
}

export const DEFAULT_PAGE_SIZE = 200;

export function resolveFieldMapping(fields: Partial<OdooFieldMapping> | undefined): OdooFieldMapping {
  const out: OdooFieldMapping = { ...DEFAULT_FIELD_MAPPING };
  for (const key of Object.keys(DEFAULT_FIELD_MAPPING) as (keyof OdooFieldMapping)[]) {
    const v = fields?.[key];
    if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim();
  }
  return out;
}
