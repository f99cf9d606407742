import { decimalFromNumber, isZero, money, normalizeTaxId, ValidationError } from '@cesce-connect/core';
import type { Debtor, MappingIssue, Money } from '@cesce-connect/core';
import { describeValue, many2oneId, odooNumber, odooText, type OdooRecord } from './values.js';

export interface CurrencyInfo {
  /** ISO 4217 code (res.currency.name), e.g. "EUR". */
  name: string;
  /** res.currency.decimal_places, e.g. 2. */
  decimals: number;
}

/** Everything `mapPartner` needs besides the record itself; the source reads it once and caches it. */
export interface PartnerLookups {
  /** Currency of the company: requested limits are amounts in it. */
  companyCurrency: CurrencyInfo;
  /** res.country id → ISO code (unused when the record carries `country_code`). */
  countryCodes: ReadonlyMap<number, string>;
  /** res.country.state id → code, e.g. "V" (Valencia). */
  stateCodes: ReadonlyMap<number, string>;
  /** account.payment.term id → its longest delay in days, or null when unknown. */
  paymentTermDays?: ReadonlyMap<number, number | null> | undefined;
  /** Name of the float field that flags a classification request (default x_cesce_requested_limit). */
  requestedLimitField: string;
}

/** The fields `mapPartner` reads (plus the requested-limit field and, when available, `country_code`). */
export const PARTNER_FIELDS = [
  'name',
  'display_name',
  'vat',
  'country_id',
  'state_id',
  'zip',
  'city',
  'street',
  'ref',
  'active',
  'property_payment_term_id',
] as const;

/** "res.partner,42 Construcciones Norte SL" */
export function partnerRef(id: number, name: string | null): string {
  return name ? `res.partner,${id} ${name}` : `res.partner,${id}`;
}

/**
 * Maps a res.partner record (a commercial entity) to a `Debtor`. Pure: no I/O, the lookups are
 * given. `false` and `''` become null; the VAT is normalised for Cesce (prefix stripped, Spanish
 * check characters verified) and a missing or invalid one is a `blocking` issue on field `vat`.
 */
export function mapPartner(record: OdooRecord, lookups: PartnerLookups): Debtor {
  const id = record.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new ValidationError('id', `the record has no integer id (${describeValue(id)})`, { record: 'res.partner' });
  }
  const name = odooText(record.name) ?? odooText(record.display_name);
  const ref = partnerRef(id, name);
  const issues: MappingIssue[] = [];
  const issue = (field: string, message: string, severity: MappingIssue['severity'] = 'blocking') =>
    issues.push({ record: ref, field, message, severity });

  if (!name) issue('name', 'the partner has no name');

  const countryId = many2oneId(record.country_id);
  const partnerCountry =
    odooText(record.country_code)?.toUpperCase() ?? (countryId === null ? null : (lookups.countryCodes.get(countryId) ?? null));

  let taxCode: string | null = null;
  let countryCode = partnerCountry;
  const tax = normalizeTaxId(odooText(record.vat), partnerCountry);
  if (tax.ok) {
    taxCode = tax.value.taxCode;
    countryCode = tax.value.countryCode;
  } else {
    issue('vat', tax.reason);
  }

  const stateId = many2oneId(record.state_id);
  const field = lookups.requestedLimitField;
  let requestedCreditLimit: Money | null = null;
  const raw = record[field];
  const limit = odooNumber(raw);
  if (limit !== null && limit > 0) {
    const amount = decimalFromNumber(limit, lookups.companyCurrency.decimals);
    if (!isZero(amount)) requestedCreditLimit = money(lookups.companyCurrency.name, amount, lookups.companyCurrency.decimals);
  } else if (limit !== null && limit < 0) {
    issue(field, `requested limit ${limit} is negative; ignored`, 'warning');
  } else if (raw !== undefined && raw !== false && limit === null) {
    issue(field, `requested limit ${describeValue(raw)} is not a number; ignored`, 'warning');
  }

  const termId = many2oneId(record.property_payment_term_id);
  const requestedPaymentTermDays = termId === null ? null : (lookups.paymentTermDays?.get(termId) ?? null);

  return {
    erpId: String(id),
    ref,
    name: name ?? '',
    taxCode,
    countryCode,
    customerReference: odooText(record.ref) ?? String(id),
    address: {
      street: odooText(record.street),
      city: odooText(record.city),
      postalCode: odooText(record.zip),
      state: stateId === null ? null : (lookups.stateCodes.get(stateId) ?? null),
      countryCode,
    },
    requestedCreditLimit,
    requestedPaymentTermDays,
    active: record.active !== false,
    issues,
  };
}
