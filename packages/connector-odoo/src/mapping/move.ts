import { abs, decimalFromNumber, isIsoDate, isNegative, isZero, money, ValidationError } from '@cesce-connect/core';
import type { DocumentKind, MappingIssue, SaleDocument } from '@cesce-connect/core';
import type { CurrencyInfo } from './partner.js';
import { describeValue, many2oneId, many2oneName, odooDatetimeToIso, odooNumber, odooText, type OdooRecord } from './values.js';

export interface MoveLookups {
  /** res.currency id → ISO code and decimals. */
  currencies: ReadonlyMap<number, CurrencyInfo>;
  /** account.move id → `name` of moves referenced by `reversed_entry_id` (their display name may differ). */
  moveNames?: ReadonlyMap<number, string> | undefined;
  /**
   * Credit note id → the one invoice whose `reversal_move_id(s)` lists it, for credit notes
   * without `reversed_entry_id` (the reverse link is used only where it is the only one).
   */
  reverseOrigins?: ReadonlyMap<number, { id: number; name: string | null }> | undefined;
  /** Name of the invoice → credit notes field on this version: `reversal_move_id` (≤17) or `reversal_move_ids` (18+). */
  reversalField?: string | null | undefined;
}

export const MOVE_FIELDS = [
  'name',
  'move_type',
  'partner_id',
  'commercial_partner_id',
  'invoice_date',
  'invoice_date_due',
  'currency_id',
  'amount_total',
  'reversed_entry_id',
  'write_date',
  'payment_state',
] as const;

const KINDS: Record<string, DocumentKind> = { out_invoice: 'invoice', out_refund: 'credit_note' };

/** "account.move,1203 INV/2026/00012" */
export function moveRef(id: number, name: string | null): string {
  return name ? `account.move,${id} ${name}` : `account.move,${id}`;
}

/**
 * Maps a posted customer invoice or credit note (account.move, move_type out_invoice/out_refund)
 * to a `SaleDocument`. Pure. The total is exact: Odoo's float is read through its shortest text
 * and rounded to the currency's decimals; it is always positive (`kind` carries the sign).
 */
export function mapMove(record: OdooRecord, lookups: MoveLookups): SaleDocument {
  const id = record.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new ValidationError('id', `the record has no integer id (${describeValue(id)})`, { record: 'account.move' });
  }
  const moveType = odooText(record.move_type);
  // Own keys only: 'constructor' or 'valueOf' must not read Object.prototype.
  const kind = moveType && Object.hasOwn(KINDS, moveType) ? KINDS[moveType] : undefined;
  if (!kind) {
    throw new ValidationError('move_type', `is ${describeValue(record.move_type)}, not out_invoice/out_refund`, { record: `account.move,${id}` });
  }
  const number = odooText(record.name);
  const shownNumber = number === '/' ? null : number;
  const ref = moveRef(id, shownNumber);
  const issues: MappingIssue[] = [];
  const issue = (field: string, message: string, severity: MappingIssue['severity'] = 'blocking') =>
    issues.push({ record: ref, field, message, severity });

  if (!shownNumber) issue('name', 'the document has no number (is it posted?)');

  let debtorId = many2oneId(record.commercial_partner_id);
  if (debtorId === null) {
    debtorId = many2oneId(record.partner_id);
    if (debtorId === null) issue('partner_id', 'the document has no customer');
    else issue('commercial_partner_id', 'no commercial partner; the invoice partner is used', 'warning');
  }

  let invoiceDate = odooText(record.invoice_date);
  if (!invoiceDate) issue('invoice_date', 'the document has no invoice date');
  else if (!isIsoDate(invoiceDate)) {
    issue('invoice_date', `'${invoiceDate}' is not a valid date`);
    invoiceDate = null;
  }
  let dueDate = odooText(record.invoice_date_due);
  if (!dueDate) issue('invoice_date_due', 'the document has no due date');
  else if (!isIsoDate(dueDate)) {
    issue('invoice_date_due', `'${dueDate}' is not a valid date`);
    dueDate = null;
  } else if (invoiceDate && dueDate < invoiceDate) {
    issue('invoice_date_due', `the due date ${dueDate} is before the invoice date ${invoiceDate}`);
  }

  const currencyId = many2oneId(record.currency_id);
  const known = currencyId === null ? undefined : lookups.currencies.get(currencyId);
  const currency: CurrencyInfo | null = known ?? (many2oneName(record.currency_id) ? { name: many2oneName(record.currency_id)!, decimals: 2 } : null);
  if (!currency) issue('currency_id', 'the document has no currency');
  else if (!known) issue('currency_id', `currency ${currency.name} was not read from res.currency; 2 decimals assumed`, 'warning');
  const amountTotal = odooNumber(record.amount_total);
  if (amountTotal === null) issue('amount_total', 'the document has no total');
  const decimals = currency?.decimals ?? 2;
  const signed = decimalFromNumber(amountTotal ?? 0, decimals);
  if (amountTotal !== null && isZero(signed)) issue('amount_total', 'the total is zero: there is nothing to declare');
  else if (amountTotal !== null && isNegative(signed)) {
    issue('amount_total', `the total ${signed} is negative: ${kind === 'invoice' ? 'a refund must be a credit note' : 'a credit note total is positive in Odoo'}`);
  }
  const total = money(currency?.name ?? 'XXX', abs(signed), decimals);

  let originErpId: string | null = null;
  let originNumber: string | null = null;
  if (kind === 'credit_note') {
    const originId = many2oneId(record.reversed_entry_id);
    const reverse = originId === null ? lookups.reverseOrigins?.get(id) : undefined;
    if (reverse) {
      originErpId = String(reverse.id);
      originNumber = reverse.name;
    } else if (originId === null) {
      const via = lookups.reversalField ? ` and no invoice lists it in ${lookups.reversalField}` : '';
      issue(
        'reversed_entry_id',
        `credit note has no origin invoice (reversed_entry_id is empty${via}): it is not declared until it is linked to the invoice it corrects`,
      );
    } else {
      originErpId = String(originId);
      originNumber = lookups.moveNames?.get(originId) ?? many2oneName(record.reversed_entry_id);
    }
  }

  return {
    kind,
    erpId: String(id),
    number: shownNumber ?? '',
    ref,
    debtorErpId: debtorId === null ? '' : String(debtorId),
    invoiceDate: invoiceDate ?? '',
    dueDate,
    total,
    originErpId,
    originNumber,
    updatedAt: odooDatetimeToIso(record.write_date),
    issues,
  };
}
