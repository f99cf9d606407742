/**
 * The Odoo demo database in SAP's shape, so that a sync through the `sap-bapi` preset declares the
 * same sales as the Odoo connector: the same debtors (commercial partners; an invoice addressed to
 * an invoice-address contact belongs to its parent, SAP's payer), tax ids, countries and requested
 * limits, and the same posted customer invoices and credit notes (dates, due dates, amounts,
 * currencies; credit memos referencing their invoice). Drafts and vendor bills are left out;
 * cancelled invoices become cancelled billing documents plus their cancellation (S1, VBTYP N).
 * Unpaid documents are FI open items, paid or reversed ones cleared items; the due date is the
 * item's baseline date (the invoice date) plus its net days.
 *
 * Numbering: customer `KUNNR` = 100000 + partner id; billing documents `0090000001`… in the order
 * of the Odoo moves; FI documents `1400000001`… (clearing documents `1500000001`…).
 */
import { daysBetween, decimalFromNumber } from '@cesce-connect/core';
import { parseSapDataset, type SapArItem, type SapBillingDocument, type SapCustomer, type SapDataset } from './dataset.js';

type OdooRecord = Record<string, unknown>;
interface OdooDatasetLike {
  users?: unknown;
  records: Record<string, OdooRecord[] | undefined>;
}

/** The credentials of the SAP demo (emulator only). */
export const SAP_DEMO_USER = { username: 'CESCE_RFC', password: 'demo-sap-password' } as const;

const id = (v: unknown): number | null => (typeof v === 'number' ? v : Array.isArray(v) && typeof v[0] === 'number' ? v[0] : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const pad10 = (n: number): string => String(n).padStart(10, '0');
export const kunnrOf = (partnerId: number): string => pad10(100_000 + partnerId);

const LANGUAGES: Record<string, string> = { es: 'S', en: 'E', fr: 'F', de: 'D', pt: 'P', it: 'I', ca: 'c' };

/** SAP terms-of-payment key for a number of net days (4 characters): 0001 immediate, NT30, NT60, NT90, Z210… */
export function paymentTermKey(days: number): string {
  if (days === 0) return '0001';
  return days < 100 ? `NT${String(days).padStart(2, '0')}` : `Z${days}`;
}

export function sapDatasetFromOdoo(odoo: OdooDatasetLike): SapDataset {
  const r = odoo.records;
  const company = r['res.company']?.[0];
  const companyId = id(company?.id) ?? 1;
  const countries = new Map((r['res.country'] ?? []).map((c) => [id(c.id), String(c.code)]));
  const states = new Map((r['res.country.state'] ?? []).map((s) => [id(s.id), String(s.code)]));
  const currencies = new Map((r['res.currency'] ?? []).map((c) => [id(c.id), { name: String(c.name), decimals: num(c.decimal_places) }]));
  const termDays = new Map<number, number>();
  for (const line of r['account.payment.term.line'] ?? []) {
    const term = id(line.payment_id);
    if (term !== null) termDays.set(term, Math.max(termDays.get(term) ?? 0, num(line.nb_days)));
  }
  const partners = new Map((r['res.partner'] ?? []).map((p) => [id(p.id)!, p]));

  // Customer documents of the company, in Odoo's order.
  const moves = (r['account.move'] ?? [])
    .filter((m) => id(m.company_id) === companyId && (m.move_type === 'out_invoice' || m.move_type === 'out_refund'))
    .filter((m) => m.state === 'posted' || (m.state === 'cancel' && str(m.name) && m.name !== '/'))
    .sort((a, b) => num(a.id) - num(b.id));

  // Debtors: commercial customers of the company, plus the commercial partners of its documents.
  const debtorIds = new Set<number>();
  for (const p of partners.values()) {
    const scoped = p.company_id === false || p.company_id === undefined || id(p.company_id) === companyId;
    const commercial = p.is_company === true || !p.parent_id;
    if (num(p.customer_rank) > 0 && commercial && scoped) debtorIds.add(id(p.id)!);
  }
  for (const m of moves) {
    const cp = id(m.commercial_partner_id);
    if (cp !== null) debtorIds.add(cp);
  }

  const customers: SapCustomer[] = [...debtorIds]
    .sort((a, b) => a - b)
    .map((pid) => {
      const p = partners.get(pid);
      if (!p) throw new Error(`account.move refers to res.partner,${pid}, which is not in the dataset`);
      const country = countries.get(id(p.country_id)) ?? 'ES';
      const vat = str(p.vat)?.toUpperCase().replace(/[\s.-]/g, '');
      const tax: Pick<SapCustomer, 'STCD1' | 'STCEG'> = {};
      if (vat && country === 'ES') {
        tax.STCD1 = vat.replace(/^ES/, '');
        if (vat.startsWith('ES')) tax.STCEG = vat;
      } else if (vat) {
        tax.STCEG = vat;
      }
      const limit = num(p.x_cesce_requested_limit);
      const term = id(p.property_payment_term_id);
      const lang = str(p.lang)?.slice(0, 2);
      const customer: SapCustomer = {
        KUNNR: kunnrOf(pid),
        NAME: String(p.name),
        ...(str(p.street) ? { STREET: str(p.street)! } : {}),
        ...(str(p.city) ? { CITY: str(p.city)! } : {}),
        ...(str(p.zip) ? { POSTL_COD1: str(p.zip)! } : {}),
        ...(states.get(id(p.state_id)) ? { REGION: states.get(id(p.state_id))! } : {}),
        COUNTRY: country,
        ...(lang && LANGUAGES[lang] ? { LANGU: LANGUAGES[lang] } : {}),
        ...(str(p.phone) ? { TEL1_NUMBR: str(p.phone)! } : {}),
        ...(str(p.email) ? { E_MAIL: str(p.email)! } : {}),
        SORT1: (str(p.ref) ?? String(p.name)).toUpperCase().slice(0, 20),
        ...tax,
        ...(p.active === false ? { DEL_FLAG: 'X' as const } : {}),
        ...(limit > 0 ? { ZZ_CESCE_LIMIT: decimalFromNumber(limit, 2) } : {}),
        ...(term !== null && termDays.has(term) ? { PMNTTRMS: paymentTermKey(termDays.get(term)!) } : {}),
      };
      return customer;
    });

  const billingDocuments: SapBillingDocument[] = [];
  const arItems: SapArItem[] = [];
  const vbelnOf = new Map<number, string>();
  const pendingRefs: Array<[index: number, originMoveId: number]> = [];
  let docSeq = 0;
  let fiSeq = 0;
  let clearingSeq = 0;
  for (const m of moves) {
    const moveId = num(m.id);
    const cp = id(m.commercial_partner_id)!;
    const currency = currencies.get(id(m.currency_id)) ?? { name: 'EUR', decimals: 2 };
    const amount = (v: unknown) => decimalFromNumber(num(v), currency.decimals);
    const invoiceDate = String(m.invoice_date);
    const isRefund = m.move_type === 'out_refund';
    const vbeln = pad10(90_000_000 + ++docSeq);
    vbelnOf.set(moveId, vbeln);
    const origin = id(m.reversed_entry_id);
    const base = {
      BILL_DATE: invoiceDate,
      PAYER: kunnrOf(cp),
      SOLD_TO: kunnrOf(cp),
      CURRENCY: currency.name,
      NET_VALUE: amount(m.amount_untaxed),
      TAX_VALUE: amount(m.amount_tax),
      ACCTSTATUS: 'C',
    };
    billingDocuments.push({
      BILLINGDOC: vbeln,
      BILL_TYPE: isRefund ? 'G2' : 'F2',
      SD_DOC_CAT: isRefund ? 'O' : 'M',
      ...base,
      CANCELLED: m.state === 'cancel' ? 'X' : '',
    });
    if (isRefund && origin !== null) pendingRefs.push([billingDocuments.length - 1, origin]);
    if (m.state === 'cancel') {
      // The cancellation document (S1) offsets the invoice; neither has an open FI item left.
      billingDocuments.push({ BILLINGDOC: pad10(90_000_000 + ++docSeq), BILL_TYPE: 'S1', SD_DOC_CAT: 'N', ...base, REF_BILL_DOC: vbeln });
      continue;
    }
    const due = String(m.invoice_date_due || invoiceDate);
    const cleared = ['paid', 'in_payment', 'reversed'].includes(String(m.payment_state));
    const clearDate = String(m.write_date ?? invoiceDate).slice(0, 10);
    arItems.push({
      DOC_NO: pad10(1_400_000_000 + ++fiSeq).slice(-10),
      FISC_YEAR: invoiceDate.slice(0, 4),
      ITEM_NUM: '001',
      CUSTOMER: kunnrOf(cp),
      DOC_TYPE: 'RV',
      PSTNG_DATE: String(m.date || invoiceDate),
      DOC_DATE: invoiceDate,
      BLINE_DATE: invoiceDate,
      NETTERMS: String(daysBetween(invoiceDate, due)),
      CURRENCY: currency.name,
      AMT_DOCCUR: amount(m.amount_total),
      DB_CRED_IND: isRefund ? 'H' : 'S',
      REF_DOC_NO: vbeln.replace(/^0+/, ''),
      ALLOC_NMBR: vbeln.replace(/^0+/, ''),
      BILL_DOC: vbeln,
      ...(cleared ? { CLEAR_DATE: clearDate < invoiceDate ? invoiceDate : clearDate, CLR_DOC_NO: pad10(1_500_000_000 + ++clearingSeq).slice(-10) } : {}),
    });
  }

  // Credit memos refer to their invoice (VBRP-VGBEL in SAP; REF_BILL_DOC here).
  for (const [index, origin] of pendingRefs) {
    const ref = vbelnOf.get(origin);
    if (ref) billingDocuments[index]!.REF_BILL_DOC = ref;
  }

  return parseSapDataset(
    {
      description: `Demo SAP system of ${String(company?.name ?? 'the demo company')}, converted from the Odoo demo by sapDatasetFromOdoo (packages/connector-soap-erp/src/testing/sap/from-odoo.ts). Do not edit by hand.`,
      client: '100',
      companyCode: '1000',
      wsdlHost: 'http://sapprd01.corp.local:8000',
      users: [SAP_DEMO_USER],
      customers,
      billingDocuments,
      arItems,
    },
    'the SAP dataset converted from Odoo',
  );
}
