/**
 * Converts the Odoo demo database (`examples/demo/odoo-dataset.json`, format in the Odoo
 * connector's README) into the same company as NAV would hold it (`examples/demo/nav-dataset.json`):
 * the same customers, posted invoices and credit memos, amounts, dates and currencies, so that a
 * sync through the `dynamics-nav` preset declares the same sales as the Odoo demo.
 *
 * - Customers: the commercial partners Odoo's connector reads (customer_rank > 0, a company or a
 *   partner without parent, of company 1 or shared). `No` = the partner's `ref` (Odoo's
 *   customerReference), else its id; archived partners are `Blocked: All`; the requested limit
 *   goes to the `Cesce_Requested_Limit` page-extension field; the state code to `County`.
 * - Posted documents: posted `out_invoice` / `out_refund` of company 1, same numbers (they fit
 *   NAV's Code[20]), billed to the commercial partner (an invoice-address contact is not a NAV
 *   customer: the document is billed to its parent). Amounts as exact decimals from Odoo's floats.
 *   Currency empty for the company currency (LCY), as in NAV. Drafts and cancelled documents were
 *   never posted, so they are not there; vendor bills are not sales.
 * - Credit memos point to the invoice they correct with `Applies_to_Doc_Type/No`.
 * - One customer ledger entry per posted document, open while Odoo's `amount_residual` is not zero
 *   (remaining amount signed like NAV: credit memos negative). Payments are not generated.
 */
import { decimalFromNumber, isZero, negate } from '@cesce-connect/core';
import type { NavDatasetInput } from './dataset.js';

type OdooRecord = { id: number } & Record<string, unknown>;
export interface OdooDatasetLike {
  records: Record<string, OdooRecord[] | undefined>;
}

const BLANK = '0001-01-01';

function m2o(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return null;
}
function txt(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function amount(v: unknown): string {
  return decimalFromNumber(typeof v === 'number' ? v : 0, 2);
}

export function navDatasetFromOdoo(odoo: OdooDatasetLike, options: { companyId?: number } = {}): NavDatasetInput {
  const companyId = options.companyId ?? 1;
  const r = (model: string) => odoo.records[model] ?? [];
  const company = r('res.company').find((c) => c.id === companyId);
  if (!company) throw new Error(`the Odoo dataset has no res.company ${companyId}`);
  const currencies = new Map(r('res.currency').map((c) => [c.id, txt(c.name)]));
  const lcy = currencies.get(m2o(company.currency_id) ?? -1) ?? 'EUR';
  const countries = new Map(r('res.country').map((c) => [c.id, txt(c.code)]));
  const states = new Map(r('res.country.state').map((s) => [s.id, txt(s.code)]));
  const termDays = new Map<number, number>();
  for (const line of r('account.payment.term.line')) {
    const term = m2o(line.payment_id);
    if (term !== null) termDays.set(term, Math.max(termDays.get(term) ?? 0, Number(line.nb_days ?? 0)));
  }
  const termCode = (v: unknown) => {
    const id = m2o(v);
    const days = id === null ? undefined : termDays.get(id);
    return days === undefined ? '' : days === 0 ? 'COD' : `${days} DAYS`;
  };
  const inCompany = (rec: OdooRecord) => rec.company_id === false || rec.company_id === undefined || m2o(rec.company_id) === companyId;

  const customerNo = new Map<number, string>();
  const customers: NavDatasetInput['customers'] = [];
  for (const p of r('res.partner')) {
    const commercial = p.is_company === true || !m2o(p.parent_id);
    if (!(Number(p.customer_rank ?? 0) > 0) || !commercial || !inCompany(p)) continue;
    const no = txt(p.ref) || String(p.id);
    customerNo.set(p.id, no);
    const limit = typeof p.x_cesce_requested_limit === 'number' && p.x_cesce_requested_limit > 0 ? amount(p.x_cesce_requested_limit) : '0';
    customers.push({
      No: no,
      Name: txt(p.name),
      Address: txt(p.street),
      City: txt(p.city),
      Post_Code: txt(p.zip),
      County: states.get(m2o(p.state_id) ?? -1) ?? '',
      Country_Region_Code: countries.get(m2o(p.country_id) ?? -1) ?? '',
      VAT_Registration_No: txt(p.vat),
      Credit_Limit_LCY: '0',
      Blocked: p.active === false ? 'All' : '_blank_',
      Payment_Terms_Code: termCode(p.property_payment_term_id),
      Currency_Code: '',
      Last_Date_Modified: txt(p.write_date).slice(0, 10) || BLANK,
      Cesce_Requested_Limit: limit,
    });
  }

  const moves = r('account.move').filter((m) => m.state === 'posted' && (m.move_type === 'out_invoice' || m.move_type === 'out_refund') && m2o(m.company_id) === companyId);
  const names = new Map(moves.map((m) => [m.id, txt(m.name)]));
  const invoices: NonNullable<NavDatasetInput['postedSalesInvoices']> = [];
  const creditMemos: NonNullable<NavDatasetInput['postedSalesCreditMemos']> = [];
  const entries: { date: string; id: number; entry: Omit<NonNullable<NavDatasetInput['customerLedgerEntries']>[number], 'Entry_No'> }[] = [];
  for (const m of moves) {
    const partner = m2o(m.commercial_partner_id) ?? m2o(m.partner_id);
    const no = partner === null ? undefined : customerNo.get(partner);
    if (!no) throw new Error(`account.move,${m.id} ${txt(m.name)}: its commercial partner ${partner} is not a customer`);
    const currency = currencies.get(m2o(m.currency_id) ?? -1) ?? lcy;
    const head = {
      No: txt(m.name),
      Sell_to_Customer_No: no,
      Bill_to_Customer_No: no,
      Posting_Date: txt(m.date) || txt(m.invoice_date),
      Document_Date: txt(m.invoice_date),
      Due_Date: txt(m.invoice_date_due) || BLANK,
      Payment_Terms_Code: termCode(m.invoice_payment_term_id),
      Currency_Code: currency === lcy ? '' : currency,
      External_Document_No: txt(m.ref).slice(0, 35),
      Amount: amount(m.amount_untaxed),
      Amount_Including_VAT: amount(m.amount_total),
    };
    const credit = m.move_type === 'out_refund';
    if (credit) {
      const origin = m2o(m.reversed_entry_id);
      const originNo = origin === null ? '' : (names.get(origin) ?? '');
      creditMemos.push({ ...head, Applies_to_Doc_Type: originNo ? 'Invoice' : '_blank_', Applies_to_Doc_No: originNo });
    } else {
      invoices.push(head);
    }
    const residual = amount(m.amount_residual);
    entries.push({
      date: head.Posting_Date,
      id: m.id,
      entry: {
        Customer_No: no,
        Posting_Date: head.Posting_Date,
        Document_Date: head.Document_Date,
        Due_Date: head.Due_Date,
        Document_Type: credit ? 'Credit_Memo' : 'Invoice',
        Document_No: head.No,
        Description: `${credit ? 'Credit Memo' : 'Invoice'} ${head.No}`,
        Currency_Code: head.Currency_Code,
        Amount: credit ? negate(head.Amount_Including_VAT) : head.Amount_Including_VAT,
        Remaining_Amount: isZero(residual) ? '0.00' : credit ? negate(residual) : residual,
        Open: !isZero(residual),
      },
    });
  }
  entries.sort((a, b) => a.date.localeCompare(b.date) || a.id - b.id);

  return {
    description: 'Industrias Demo Levante SL as a Dynamics NAV company: the Odoo demo (examples/demo/odoo-dataset.json) converted by navDatasetFromOdoo (packages/connector-soap-erp/src/testing/nav/from-odoo.ts). Do not edit by hand.',
    instance: 'DynamicsNAV110',
    company: { name: txt(company.name), lcyCode: lcy },
    users: [{ username: 'CESCE-BOT', password: 'demo-nav-password' }],
    auth: 'basic',
    customers,
    postedSalesInvoices: invoices,
    postedSalesCreditMemos: creditMemos,
    customerLedgerEntries: entries.map((e, i) => ({ Entry_No: i + 1, ...e.entry })),
  };
}
