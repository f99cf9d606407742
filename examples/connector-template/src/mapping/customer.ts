import { isNegative, isZero, money, normalizeTaxId } from '@cesce-connect/core';
import type { Debtor, MappingIssue } from '@cesce-connect/core';
import type { AcmeCustomer } from '../acme-types.js';
import { decimal, text } from './values.js';

export interface CustomerContext {
  /** The company currency (requested limits are in it) and its decimals. */
  currency: { code: string; decimals: number };
}

/** "customer 42 Alfa Construcciones SL": how messages name the record. */
export function customerRef(id: number, name: string | null): string {
  return name ? `customer ${id} ${name}` : `customer ${id}`;
}

/** Contacts (people of a customer) are never debtors: Cesce insures the commercial entity. */
export function isCommercialEntity(record: AcmeCustomer): boolean {
  return record.type !== 'contact';
}

/**
 * Maps an Acme customer onto a `Debtor`. Pure: no I/O, no clock. Every problem becomes a
 * `MappingIssue` naming the record and the Acme field; blocking ones keep the debtor from being
 * sent to Cesce, the rest of the run goes on.
 */
export function mapCustomer(record: AcmeCustomer, ctx: CustomerContext): Debtor {
  if (!Number.isSafeInteger(record.id)) throw new TypeError(`Acme customer without an integer id: ${JSON.stringify(record.id)}`);
  const name = text(record.name);
  const ref = customerRef(record.id, name);
  const issues: MappingIssue[] = [];
  const issue = (field: string, message: string, severity: MappingIssue['severity'] = 'blocking') => issues.push({ record: ref, field, message, severity });

  if (!name) issue('name', 'the customer has no name');

  const rawCountry = text(record.country)?.toUpperCase() ?? null;
  const country = rawCountry && /^[A-Z]{2}$/.test(rawCountry) ? rawCountry : null;
  if (rawCountry && !country) issue('country', `'${rawCountry}' is not an ISO 3166 country code`, 'warning');

  let taxCode: string | null = null;
  let countryCode = country;
  const tax = normalizeTaxId(text(record.taxId), country);
  if (tax.ok) {
    taxCode = tax.value.taxCode;
    countryCode = tax.value.countryCode;
  } else {
    issue('taxId', tax.reason);
  }

  let requestedCreditLimit: Debtor['requestedCreditLimit'] = null;
  const limit = decimal(record.creditLimitRequested, ctx.currency.decimals);
  if (limit === undefined) issue('creditLimitRequested', `requested limit ${JSON.stringify(record.creditLimitRequested)} is not a number; ignored`, 'warning');
  else if (limit !== null && isNegative(limit)) issue('creditLimitRequested', `requested limit ${limit} is negative; ignored`, 'warning');
  else if (limit !== null && !isZero(limit)) requestedCreditLimit = money(ctx.currency.code, limit, ctx.currency.decimals);

  const days = record.paymentTermsDays;
  let requestedPaymentTermDays: number | null = null;
  if (typeof days === 'number' && Number.isInteger(days) && days >= 0) requestedPaymentTermDays = days;
  else if (days !== null && days !== undefined) issue('paymentTermsDays', `${JSON.stringify(days)} is not a whole number of days; ignored`, 'warning');

  const a = record.address ?? {};
  const street = [text(a.line1), text(a.line2)].filter((s): s is string => s !== null).join(', ');
  return {
    erpId: String(record.id),
    ref,
    name: name ?? '',
    taxCode,
    countryCode,
    customerReference: text(record.code),
    address: {
      street: street === '' ? null : street,
      city: text(a.city),
      postalCode: text(a.postalCode),
      state: text(a.region)?.toUpperCase() ?? null,
      countryCode: country,
    },
    requestedCreditLimit,
    requestedPaymentTermDays,
    active: record.status !== 'archived',
    issues,
  };
}
