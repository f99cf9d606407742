/**
 * The chaos harness's dataset: the demo company (examples/demo) with thousands of generated
 * invoices and hundreds of credit notes, all for customers that hold an active classification in
 * the Cesce seed (packages/sandbox/data/demo.json), so that every document is declarable.
 *
 * Deterministic: the same options give the same files. Every document also gets a release round:
 * the harness posts it in Odoo (draft → posted) just before that round, so that every round of
 * the chaos has new work to do. Credit notes are released in their invoice's round or later.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@cesce-connect/sandbox';

// The emulator's own seeded PRNG (mulberry32): one generator for the dataset, the faults and the kills.
export { seededRandom };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_ODOO_FILE = join(ROOT, 'examples/demo/odoo-dataset.json');
export const DEMO_CESCE_FILE = join(ROOT, 'packages/sandbox/data/demo.json');
export const CONTRACT_NO = '34109150331';

const DAY = 86_400_000;
const epochDay = (iso) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoOf = (day) => new Date(day * DAY).toISOString().slice(0, 10);
/** Integer cents → "123.45" (no float arithmetic), and the JSON number Odoo would send. */
const cents = (n) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;
const float = (n) => Number(cents(n));
const pad = (n) => String(n).padStart(5, '0');

/** "ESB98501729" → "B98501729"; a VAT without its country prefix stays as it is. */
function bareTaxCode(vat, countryCode) {
  const v = String(vat).replace(/[\s.-]/g, '').toUpperCase();
  return v.startsWith(countryCode) ? v.slice(countryCode.length) : v;
}

/**
 * @param {{ invoices: number, creditNotes?: number, rounds: number, seed: number }} options
 * @returns {{ odoo: object, cesce: object, release: Map<number, number>, debtors: number, counts: { invoices: number, creditNotes: number } }}
 */
export function generateChaosDataset({ invoices, creditNotes = Math.round(invoices / 10), rounds, seed }) {
  if (!(Number.isInteger(invoices) && invoices >= 1)) throw new TypeError(`invoices must be a positive whole number, not ${invoices}`);
  if (!(Number.isInteger(creditNotes) && creditNotes >= 0 && creditNotes <= invoices)) throw new TypeError(`creditNotes must be from 0 to the number of invoices, not ${creditNotes}`);
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new TypeError(`rounds must be a positive whole number, not ${rounds}`);
  const random = seededRandom(seed);
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));

  const odoo = JSON.parse(readFileSync(DEMO_ODOO_FILE, 'utf8'));
  const cesce = JSON.parse(readFileSync(DEMO_CESCE_FILE, 'utf8'));
  const policy = cesce.policies.find((p) => p.contractNo === CONTRACT_NO);
  if (!policy) throw new Error(`${DEMO_CESCE_FILE}: no policy ${CONTRACT_NO}`);
  // A duplicate must be recorded (and counted by the harness), not refused by the emulator.
  policy.options.rejectDuplicateInvoices = false;

  // Debtors: company customers whose tax code holds a classified (statusCode 2), active, open-ended
  // classification in the Cesce seed. Their invoices are all declarable.
  const classified = new Set(
    policy.classifications
      .filter((c) => c.statusCode === '2' && c.active !== false && !c.validityDate && !c.cancellationDate)
      .map((c) => `${c.countryCode}:${c.taxCode}`),
  );
  const countries = new Map(odoo.records['res.country'].map((c) => [c.id, c.code]));
  const partners = odoo.records['res.partner'];
  const debtors = partners.filter((p) => {
    if (!p.is_company || !(p.customer_rank > 0) || !p.vat || (p.company_id !== false && p.company_id !== 1 && p.company_id !== undefined)) return false;
    const country = countries.get(p.country_id);
    return country && classified.has(`${country}:${bareTaxCode(p.vat, country)}`);
  });
  if (debtors.length === 0) throw new Error('no customer of the demo dataset has an active classification in the Cesce seed');
  // No classification requests: the harness is about declarations.
  for (const p of partners) if ('x_cesce_requested_limit' in p) p.x_cesce_requested_limit = 0;

  const first = epochDay('2026-09-01');
  const last = epochDay('2026-11-30');
  const moves = [];
  const release = new Map();
  const invoiceDays = Array.from({ length: invoices }, () => int(first, last)).sort((a, b) => a - b);
  for (let i = 0; i < invoices; i++) {
    const debtor = debtors[int(0, debtors.length - 1)];
    const date = isoOf(invoiceDays[i]);
    const untaxed = int(10_000, 5_000_000);
    const tax = Math.floor((untaxed * 21 + 50) / 100);
    const total = untaxed + tax;
    const id = i + 1;
    moves.push({
      id,
      name: `INV/2026/${pad(id)}`,
      move_type: 'out_invoice',
      state: 'posted',
      partner_id: debtor.id,
      commercial_partner_id: debtor.id,
      company_id: 1,
      currency_id: 1,
      date,
      invoice_date: date,
      invoice_date_due: isoOf(invoiceDays[i] + int(15, 150)),
      invoice_payment_term_id: false,
      ref: `PO ${int(10000, 99999)}`,
      payment_reference: `INV/2026/${pad(id)}`,
      amount_untaxed: float(untaxed),
      amount_tax: float(tax),
      amount_total: float(total),
      amount_residual: float(total),
      amount_total_signed: float(total),
      payment_state: 'not_paid',
      reversed_entry_id: false,
      create_date: `${date} 09:00:00`,
      write_date: `${date} 09:00:00`,
      _cents: total,
    });
    release.set(id, Math.min(rounds - 1, Math.floor((i * rounds) / invoices)));
  }
  // Credit notes: each reverses a distinct invoice, wholly or partly, dated on or after it.
  const reversed = new Set();
  for (let k = 0; k < creditNotes; k++) {
    let invoice;
    do invoice = moves[int(0, invoices - 1)];
    while (reversed.has(invoice.id));
    reversed.add(invoice.id);
    const whole = random() < 0.4;
    const total = whole ? invoice._cents : int(100, Math.max(100, invoice._cents - 1));
    const untaxed = Math.floor((total * 100 + 60) / 121);
    const day = Math.min(last, epochDay(invoice.invoice_date) + int(0, 20));
    const date = isoOf(day);
    const id = invoices + k + 1;
    moves.push({
      id,
      name: `RINV/2026/${pad(k + 1)}`,
      move_type: 'out_refund',
      state: 'posted',
      partner_id: invoice.partner_id,
      commercial_partner_id: invoice.commercial_partner_id,
      company_id: 1,
      currency_id: 1,
      date,
      invoice_date: date,
      invoice_date_due: date,
      invoice_payment_term_id: false,
      ref: `Reversal of: ${invoice.name}`,
      payment_reference: `RINV/2026/${pad(k + 1)}`,
      amount_untaxed: float(untaxed),
      amount_tax: float(total - untaxed),
      amount_total: float(total),
      amount_residual: float(total),
      amount_total_signed: -float(total),
      payment_state: 'not_paid',
      reversed_entry_id: invoice.id,
      create_date: `${date} 12:00:00`,
      write_date: `${date} 12:00:00`,
    });
    if (whole) invoice.payment_state = 'reversed';
    // Half in the invoice's round (declared in the same run, after it), half in a later one.
    const from = release.get(invoice.id);
    release.set(id, random() < 0.5 ? from : int(from, rounds - 1));
  }
  for (const m of moves) delete m._cents;
  odoo.description = `Chaos harness dataset (seed ${seed}): the demo company with ${invoices} invoices and ${creditNotes} credit notes, generated by chaos/dataset.mjs.`;
  odoo.records['account.move'] = moves;
  return { odoo, cesce, release, debtors: debtors.length, counts: { invoices, creditNotes } };
}

/** The dataset as the harness starts it: documents released after round 0 are still drafts. */
export function initialDataset(odoo, release) {
  const copy = structuredClone(odoo);
  for (const m of copy.records['account.move']) if ((release.get(m.id) ?? 0) > 0) m.state = 'draft';
  return copy;
}
