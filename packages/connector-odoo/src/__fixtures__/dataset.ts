import type { OdooDataset, OdooDatasetRecord } from '../testing/index.js';

/** Credentials of the fixture's users. */
export const FIXTURE = {
  database: 'fixture',
  login: 'bot',
  password: 'bot-password',
  apiKey: 'bot-api-key-0123456789',
  /** A user of company 2 only. */
  otherLogin: 'other',
  otherPassword: 'other-password',
} as const;

/**
 * A small but complete dataset: two companies, customers of every kind (shared, company 2,
 * archived, contacts, invoice addresses, a supplier, no VAT, an invalid VAT, foreign VATs, a
 * customer_rank 0 partner that was invoiced) and their documents (posted invoices and credit
 * notes, drafts, cancelled, another company's, USD and JPY).
 */
/** Payment term lines as Odoo `major` stores them: 30 days, and 30% now + 70% at 60 days. */
export function fixtureTermLines(major: number): OdooDatasetRecord[] {
  const line = (id: number, payment_id: number, percent: number, days: number): OdooDatasetRecord => {
    if (major <= 15) return { id, payment_id, value: 'percent', value_amount: percent, days, option: 'day_after_invoice_date' };
    if (major === 16) return { id, payment_id, value: 'percent', value_amount: percent, months: 0, days, end_month: false, days_after: 0 };
    return { id, payment_id, value: 'percent', value_amount: percent, nb_days: days, delay_type: 'days_after' };
  };
  return [line(1, 2, 100, 30), line(2, 3, 30, 0), line(3, 3, 70, 60)];
}

/** The fixture database; `version` (default 17.0) selects the schema, payment term lines follow it. */
export function fixtureDataset(version = '17.0'): OdooDataset {
  const partners: OdooDatasetRecord[] = [
    { id: 1, name: 'Industrias Test SL', is_company: true, company_id: 1, vat: 'ESB65410011', country_id: 68 },
    { id: 2, name: 'Otra Empresa SA', is_company: true, company_id: 2, country_id: 68 },
    { id: 10, name: 'Alfa Construcciones SL', is_company: true, vat: 'ESB12345674', country_id: 68, state_id: 446, zip: '46001', city: 'Valencia', street: 'Calle Colón 1', ref: 'C-ALFA', customer_rank: 3, x_cesce_requested_limit: 60000, property_payment_term_id: 2 },
    { id: 11, name: 'Ana García', parent_id: 10, type: 'contact', vat: 'ESB12345674', country_id: 68, customer_rank: 0 },
    { id: 12, name: false, parent_id: 10, type: 'invoice', vat: 'ESB12345674', country_id: 68, customer_rank: 1, street: 'Apartado 12' },
    { id: 13, name: 'Beta Logística SA', is_company: true, vat: 'A28123453', country_id: 68, state_id: 447, zip: '28001', city: 'Madrid', street: '', customer_rank: 2, company_id: 1, x_cesce_requested_limit: 1234.565 },
    { id: 14, name: 'Gamma Archivada SL', is_company: true, vat: 'B46123451', country_id: 68, customer_rank: 1, active: false },
    { id: 15, name: 'Delta Sin NIF SL', is_company: true, vat: false, country_id: 68, customer_rank: 1, x_cesce_requested_limit: 30000 },
    { id: 16, name: 'Épsilon Dígito Malo SL', is_company: true, vat: 'B12345675', country_id: 68, customer_rank: 1 },
    { id: 17, name: 'Société Zeta SARL', is_company: true, vat: 'FR40303265045', country_id: 75, customer_rank: 1, ref: '' },
    { id: 18, name: 'Proveedor Eta SL', is_company: true, vat: 'B98765431', country_id: 68, customer_rank: 0, supplier_rank: 4 },
    { id: 19, name: 'Cliente Otra Empresa SL', is_company: true, vat: 'B03111119', country_id: 68, customer_rank: 2, company_id: 2 },
    { id: 20, name: 'Theta Importado SA', is_company: true, vat: 'A46000014', country_id: 68, customer_rank: 0 },
    { id: 21, name: 'Iota Portugal Lda', is_company: true, vat: 'PT501964843', country_id: 183, customer_rank: 1, property_payment_term_id: 3 },
    { id: 22, name: 'Juan Pérez Autónomo', is_company: false, vat: '12345678Z', country_id: 68, customer_rank: 1 },
  ];
  // Filler customers so that keyset pagination spans several pages.
  const fillerCifs = ['B46123451', 'B03111119', 'A46000014', 'B98765431', 'B12345674', 'A28123453'];
  for (let i = 0; i < 12; i++) {
    partners.push({ id: 30 + i, name: `Cliente Relleno ${String(i + 1).padStart(2, '0')} SL`, is_company: true, vat: `ES${fillerCifs[i % fillerCifs.length]}`, country_id: 68, customer_rank: 1 });
  }
  const moves: OdooDatasetRecord[] = [];
  let id = 100;
  const add = (m: Omit<OdooDatasetRecord, 'id'>) => {
    const rec = { id: ++id, company_id: 1, currency_id: 1, state: 'posted', payment_state: 'not_paid', write_date: '2026-10-01 08:00:00', ...m } as OdooDatasetRecord;
    moves.push(rec);
    return rec;
  };
  const inv1 = add({ name: 'INV/2026/00001', move_type: 'out_invoice', partner_id: 10, invoice_date: '2026-09-01', invoice_date_due: '2026-10-01', amount_untaxed: 1000, amount_tax: 210, amount_total: 1210, ref: 'PO-778' });
  add({ name: 'INV/2026/00002', move_type: 'out_invoice', partner_id: 12, invoice_date: '2026-09-05', invoice_date_due: '2026-11-04', amount_total: 0.3, write_date: '2026-09-05 09:30:00' });
  add({ name: 'RINV/2026/00001', move_type: 'out_refund', partner_id: 10, invoice_date: '2026-09-10', invoice_date_due: '2026-09-10', amount_total: 121, reversed_entry_id: inv1.id });
  add({ name: 'RINV/2026/00002', move_type: 'out_refund', partner_id: 13, invoice_date: '2026-09-11', invoice_date_due: '2026-09-11', amount_total: 50 });
  add({ name: '/', move_type: 'out_invoice', partner_id: 10, invoice_date: false, invoice_date_due: false, amount_total: 99, state: 'draft' });
  add({ name: 'INV/2026/00003', move_type: 'out_invoice', partner_id: 13, invoice_date: '2026-09-12', invoice_date_due: '2026-10-12', amount_total: 500, state: 'cancel' });
  add({ name: 'INV/2026/00004', move_type: 'out_invoice', partner_id: 14, invoice_date: '2026-09-15', invoice_date_due: '2026-10-15', amount_total: 1234.565 });
  add({ name: 'INV/2026/00005', move_type: 'out_invoice', partner_id: 17, invoice_date: '2026-09-20', invoice_date_due: '2026-11-19', amount_total: 2500.5, currency_id: 2 });
  add({ name: 'INV/2026/00006', move_type: 'out_invoice', partner_id: 20, invoice_date: '2026-09-21', invoice_date_due: '2026-10-21', amount_total: 100000, currency_id: 25 });
  add({ name: 'B2/2026/00001', move_type: 'out_invoice', partner_id: 19, invoice_date: '2026-09-22', invoice_date_due: '2026-10-22', amount_total: 700, company_id: 2 });
  add({ name: 'BILL/2026/00001', move_type: 'in_invoice', partner_id: 18, invoice_date: '2026-09-23', invoice_date_due: '2026-10-23', amount_total: 800 });
  add({ name: 'INV/2026/00007', move_type: 'out_invoice', partner_id: 22, invoice_date: '2026-08-31', invoice_date_due: false, amount_total: 42.1 });
  for (let i = 0; i < 12; i++) {
    add({ name: `INV/2026/${String(8 + i).padStart(5, '0')}`, move_type: 'out_invoice', partner_id: 30 + i, invoice_date: `2026-10-${String(1 + i).padStart(2, '0')}`, invoice_date_due: `2026-11-${String(1 + i).padStart(2, '0')}`, amount_total: 100 + i + 0.01 });
  }
  return {
    version,
    database: FIXTURE.database,
    users: [
      { id: 2, login: FIXTURE.login, password: FIXTURE.password, apiKeys: [FIXTURE.apiKey], name: 'Bot', companyIds: [1, 2], companyId: 1 },
      { id: 3, login: FIXTURE.otherLogin, password: FIXTURE.otherPassword, name: 'Other', companyIds: [2], companyId: 2 },
    ],
    customFields: {
      'res.partner': {
        x_cesce_requested_limit: { type: 'float', string: 'Cesce: requested limit' },
        x_cesce_status: { type: 'char', string: 'Cesce: status' },
        x_cesce_granted_limit: { type: 'float', string: 'Cesce: granted limit' },
        x_cesce_endorsement_no: { type: 'char', string: 'Cesce: endorsement no.' },
      },
      'account.move': {
        x_cesce_sale_ref: { type: 'char', string: 'Cesce: sale reference' },
        x_cesce_sale_state: { type: 'char', string: 'Cesce: declaration state' },
      },
    },
    records: {
      'res.currency': [
        { id: 1, name: 'EUR', symbol: '€', decimal_places: 2, rounding: 0.01, active: true },
        { id: 2, name: 'USD', symbol: '$', decimal_places: 2, rounding: 0.01, active: true },
        { id: 25, name: 'JPY', symbol: '¥', decimal_places: 0, rounding: 1, active: true },
      ],
      'res.country': [
        { id: 68, name: 'Spain', code: 'ES', currency_id: 1 },
        { id: 75, name: 'France', code: 'FR', currency_id: 1 },
        { id: 183, name: 'Portugal', code: 'PT', currency_id: 1 },
      ],
      'res.country.state': [
        { id: 446, name: 'València (Valencia)', code: 'V', country_id: 68 },
        { id: 447, name: 'Madrid', code: 'M', country_id: 68 },
      ],
      'res.company': [
        { id: 1, name: 'Industrias Test SL', partner_id: 1, vat: 'ESB65410011', currency_id: 1, country_id: 68 },
        { id: 2, name: 'Otra Empresa SA', partner_id: 2, vat: false, currency_id: 1, country_id: 68 },
      ],
      'account.payment.term': [
        { id: 2, name: '30 Days' },
        { id: 3, name: '30% Now, Balance 60 Days' },
      ],
      'account.payment.term.line': fixtureTermLines(Number.parseInt(version.replace(/^saas~/, ''), 10)),
      'res.partner': partners,
      'account.move': moves,
    },
  };
}
