import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { spanishCheckCharacter } from '@cesce-connect/core';
import { validateOdooDataset, type OdooDataset, type OdooDatasetRecord } from './dataset.js';
import { parseOdooVersion } from './schema.js';

/** Options of the generated Odoo database. */
export interface GenerateOdooOptions {
  /** Number of account.move records (customer invoices and credit notes, a few drafts). */
  invoices: number;
  /** Commercial customers; default invoices / 20, between 10 and 5,000. */
  customers?: number;
  /** 1 or 2 companies (default 2): the second company has its own invoices and a few own customers. */
  companies?: number;
  /** Odoo version, 14.0 to 19.x (default 17.0): fields follow it (credit_limit, payment term lines). */
  version?: string;
  /** PRNG seed (default 1): the same options give the same dataset, byte for byte. */
  seed?: number;
}

/** Credentials and names of generated databases. */
export const GENERATED = { database: 'generated', login: 'cesce-bot', password: 'generated-odoo-key', companyId: 1 } as const;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');

/** EU VAT numbers with valid check digits (without the country prefix). */
const EU_VAT: Record<string, (r: Rand) => string> = {
  ES: (r) => {
    const body = `${pick(r, ['A', 'B', 'B', 'B'])}${digits(r, 7)}`;
    return body + spanishCheckCharacter(body);
  },
  PT: (r) => {
    const body = `${pick(r, ['5', '5', '2'])}${digits(r, 7)}`;
    const sum = [...body].reduce((s, d, i) => s + Number(d) * (9 - i), 0);
    const c = 11 - (sum % 11);
    return body + String(c >= 10 ? 0 : c);
  },
  FR: (r) => {
    const siren = `${int(r, 1, 9)}${digits(r, 8)}`;
    const key = (12 + 3 * (Number(siren) % 97)) % 97;
    return String(key).padStart(2, '0') + siren;
  },
  DE: (r) => {
    const body = `${int(r, 1, 9)}${digits(r, 7)}`;
    let p = 10;
    for (const d of body) {
      let s = (Number(d) + p) % 10;
      if (s === 0) s = 10;
      p = (2 * s) % 11;
    }
    return body + String((11 - p) % 10);
  },
  IT: (r) => {
    const body = `${digits(r, 7)}${String(int(r, 1, 100)).padStart(3, '0')}`;
    let sum = 0;
    [...body].forEach((d, i) => {
      const n = Number(d);
      if (i % 2 === 0) sum += n;
      else sum += n * 2 > 9 ? n * 2 - 9 : n * 2;
    });
    return body + String((10 - (sum % 10)) % 10);
  },
};

const COUNTRIES = [
  { id: 68, code: 'ES', name: 'Spain', cities: [['Valencia', '46001', 446], ['Madrid', '28001', 447], ['Barcelona', '08001', 448], ['Sevilla', '41001', 449]] },
  { id: 183, code: 'PT', name: 'Portugal', cities: [['Lisboa', '1100-148'], ['Porto', '4000-322']] },
  { id: 75, code: 'FR', name: 'France', cities: [['Paris', '75001'], ['Lyon', '69001']] },
  { id: 57, code: 'DE', name: 'Germany', cities: [['Berlin', '10115'], ['Hamburg', '20095']] },
  { id: 109, code: 'IT', name: 'Italy', cities: [['Milano', '20121'], ['Roma', '00184']] },
] as const;
const NAMES = ['Alfa', 'Beta', 'Gamma', 'Delta', 'Levante', 'Iberia', 'Atlántica', 'Norte', 'Sur', 'Mediterránea', 'Cantábrica', 'Meseta', 'Ebro', 'Tajo', 'Duero'];
const TRADES = ['Construcciones', 'Logística', 'Alimentación', 'Textil', 'Metalurgia', 'Distribuciones', 'Cerámica', 'Transportes', 'Maderas', 'Plásticos'];
const FORMS: Record<string, string[]> = { ES: ['SL', 'SA', 'SLU'], PT: ['Lda', 'SA'], FR: ['SARL', 'SAS'], DE: ['GmbH', 'AG'], IT: ['Srl', 'SpA'] };
/** Currencies: id, code, units of company currency (EUR) per 1,000 units. */
const CURRENCIES = [
  { id: 1, name: 'EUR', symbol: '€', eurPerThousand: 1000 },
  { id: 2, name: 'USD', symbol: '$', eurPerThousand: 926 },
  { id: 3, name: 'GBP', symbol: '£', eurPerThousand: 1172 },
] as const;
const TERMS = [
  { id: 1, name: 'Immediate Payment', days: 0 },
  { id: 2, name: '30 Days', days: 30 },
  { id: 3, name: '60 Days', days: 60 },
  { id: 4, name: '90 Days', days: 90 },
];

/** A payment term line as Odoo `major` stores it (reference §2.4). */
function termLine(major: number, id: number, paymentId: number, days: number): OdooDatasetRecord {
  if (major <= 15) return { id, payment_id: paymentId, value: 'balance', value_amount: 0, days, option: 'day_after_invoice_date' };
  if (major === 16) return { id, payment_id: paymentId, value: 'balance', value_amount: 0, months: 0, days, end_month: false, days_after: 0 };
  return { id, payment_id: paymentId, value: 'percent', value_amount: 100, nb_days: days, delay_type: 'days_after' };
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2025, 0, 1);
/** The generated database is as of this moment: no record is stamped later (incremental runs rely on it). */
const AS_OF = Date.UTC(2026, 10, 30, 23, 59, 59);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoDateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** Cents to the float Odoo stores (the only float conversion; amounts are integer cents until here). */
const money = (cents: number) => Number((cents / 100).toFixed(2));

interface Plan {
  header: Omit<OdooDataset, 'records'>;
  /** Every model except account.move, in file order. */
  small: [string, OdooDatasetRecord[]][];
  moves: () => Generator<OdooDatasetRecord>;
}

function plan(options: GenerateOdooOptions): Plan {
  const invoices = options.invoices;
  if (!Number.isInteger(invoices) || invoices < 0 || invoices > 5_000_000) throw new RangeError(`invoices must be a whole number from 0 to 5,000,000, not ${invoices}`);
  const version = options.version ?? '17.0';
  const parsed = parseOdooVersion(version);
  if (!parsed || parsed.major < 14 || parsed.major > 19) throw new RangeError(`version must be an Odoo version from 14.0 to 19.x, not '${version}'`);
  const major = parsed.major;
  const companies = options.companies ?? 2;
  if (companies !== 1 && companies !== 2) throw new RangeError(`companies must be 1 or 2, not ${companies}`);
  const customers = options.customers ?? Math.min(5000, Math.max(10, Math.ceil(invoices / 20)));
  if (!Number.isInteger(customers) || customers < 1) throw new RangeError(`customers must be a positive whole number, not ${customers}`);
  const seed = options.seed ?? 1;
  const r = prng(seed);

  const companyRecords: OdooDatasetRecord[] = [
    { id: 1, name: 'Industrias Generadas SL', partner_id: 1, vat: 'ESB65410011', currency_id: 1, country_id: 68, city: 'Valencia' },
    { id: 2, name: 'Exportaciones Generadas SA', partner_id: 2, vat: 'ESA28123453', currency_id: 1, country_id: 68, city: 'Madrid' },
  ].slice(0, companies);
  const companyIds = companyRecords.map((c) => c.id);
  const partners: OdooDatasetRecord[] = companyRecords.map((c) => ({ id: c.id, name: c.name, is_company: true, company_id: c.id, vat: c.vat, country_id: 68 }));
  /** Commercial partner id → invoice-address child id (or itself). */
  const invoiceAddress = new Map<number, number>();
  const commercial: { id: number; company: number | false; archived: boolean }[] = [];
  let nextPartner = 100;
  for (let i = 0; i < customers; i++) {
    const country = r() < 0.7 ? COUNTRIES[0] : pick(r, COUNTRIES.slice(1));
    const [city, zip, state] = pick(r, country.cities as readonly (readonly [string, string, number?])[]);
    const id = nextPartner++;
    const noVat = r() < 0.03;
    const archived = r() < 0.05;
    const company = companies === 2 && r() < 0.1 ? (r() < 0.5 ? 1 : 2) : false;
    const name = `${pick(r, NAMES)} ${pick(r, TRADES)} ${String(i + 1).padStart(4, '0')} ${pick(r, FORMS[country.code]!)}`;
    const limit = int(r, 1, 40) * 2500;
    const p: OdooDatasetRecord = {
      id,
      name,
      is_company: true,
      type: 'contact',
      vat: noVat ? false : `${country.code}${EU_VAT[country.code]!(r)}`,
      country_id: country.id,
      city,
      zip,
      street: `Calle ${pick(r, NAMES)} ${int(r, 1, 200)}`,
      email: `admin${id}@example.com`,
      customer_rank: int(r, 1, 20),
      company_id: company,
      active: !archived,
      property_payment_term_id: pick(r, TERMS).id,
      // 14/15: one float; 16+: company-dependent, sometimes per company.
      credit_limit: major >= 16 && companies === 2 && r() < 0.3 ? { '1': limit, '2': limit / 2 } : limit,
      write_date: isoDateTime(START + int(r, 0, 600) * DAY_MS + int(r, 0, 86_399) * 1000),
    };
    if (state) p.state_id = state;
    if (i % 40 === 0) p.ref = `C-${id}`;
    partners.push(p);
    commercial.push({ id, company, archived });
    invoiceAddress.set(id, id);
    if (r() < 0.3) {
      const child = nextPartner++;
      partners.push({ id: child, name: false, parent_id: id, type: 'invoice', is_company: false, country_id: country.id, city, zip, company_id: company, active: true, email: `billing${id}@example.com` });
      invoiceAddress.set(id, child);
    }
  }
  for (const p of partners) p.create_date ??= p.write_date ?? '2025-01-01 00:00:00';

  const header: Omit<OdooDataset, 'records'> = {
    description: `Generated Odoo ${version} database: ${invoices} invoices and credit notes, ${customers} customers, ${companies} companies (seed ${seed}).`,
    version,
    database: GENERATED.database,
    users: [{ id: 2, login: GENERATED.login, password: GENERATED.password, name: 'Cesce Bot', apiKeys: [GENERATED.password], companyIds, companyId: 1 }],
    customFields: {
      'res.partner': {
        x_cesce_requested_limit: { type: 'float', string: 'Cesce: requested limit' },
        x_cesce_status: { type: 'char', string: 'Cesce: status' },
        x_cesce_granted_limit: { type: 'float', string: 'Cesce: granted limit' },
        x_cesce_endorsement_no: { type: 'char', string: 'Cesce: endorsement no.' },
      },
      'account.move': { x_cesce_sale_ref: { type: 'char', string: 'Cesce: sale reference' } },
    },
  };
  const small: [string, OdooDatasetRecord[]][] = [
    ['res.currency', CURRENCIES.map((c) => ({ id: c.id, name: c.name, symbol: c.symbol, decimal_places: 2, rounding: 0.01, active: true }))],
    ['res.country', COUNTRIES.map((c) => ({ id: c.id, name: c.name, code: c.code, currency_id: 1 }))],
    [
      'res.country.state',
      [
        { id: 446, name: 'València (Valencia)', code: 'V', country_id: 68 },
        { id: 447, name: 'Madrid', code: 'M', country_id: 68 },
        { id: 448, name: 'Barcelona', code: 'B', country_id: 68 },
        { id: 449, name: 'Sevilla', code: 'SE', country_id: 68 },
      ],
    ],
    ['res.company', companyRecords],
    ['account.payment.term', TERMS.map((t) => ({ id: t.id, name: t.name }))],
    ['account.payment.term.line', TERMS.map((t) => termLine(major, t.id, t.id, t.days))],
    ['res.partner', partners],
  ];

  function* moves(): Generator<OdooDatasetRecord> {
    const m = prng(seed ^ 0x9e3779b9);
    const span = 690 * DAY_MS;
    /** company:partner → recent posted invoice ids (credit-note origins). */
    const recent = new Map<string, number[]>();
    const seq = new Map<string, number>();
    let bulkWriteDate: string | null = null;
    for (let id = 1; id <= invoices; id++) {
      // Dates grow with the id, like real numbering; write_date = invoice date + a delay.
      const dayMs = START + Math.floor((span * id) / Math.max(1, invoices)) - (START % DAY_MS);
      const invoiceDate = isoDate(dayMs);
      const company = companies === 2 && m() < 0.2 ? 2 : 1;
      let customer = pick(m, commercial);
      for (let tries = 0; customer.company !== false && customer.company !== company && tries < 10; tries++) customer = pick(m, commercial);
      if (customer.company !== false && customer.company !== company) customer = { ...customer, company };
      const partner = m() < 0.3 ? invoiceAddress.get(customer.id)! : customer.id;
      const key = `${company}:${customer.id}`;
      const origins = recent.get(key) ?? [];
      const refund = origins.length > 0 && m() < 0.1;
      const state = m() < 0.015 ? 'draft' : m() < 0.01 ? 'cancel' : 'posted';
      const moveType = refund ? 'out_refund' : 'out_invoice';
      const roll = m();
      const currency = roll < 0.9 ? CURRENCIES[0] : roll < 0.97 ? CURRENCIES[1] : CURRENCIES[2];
      const untaxed = refund ? int(m, 500, 200_000) : int(m, 1_000, 2_500_000);
      const tax = Math.round((untaxed * 21) / 100);
      const total = untaxed + tax;
      const totalCompany = Math.round((total * currency.eurPerThousand) / 1000);
      const term = pick(m, TERMS);
      const year = invoiceDate.slice(0, 4);
      const prefix = `${refund ? 'RINV' : 'INV'}${company === 2 ? '2' : ''}/${year}`;
      const n = (seq.get(prefix) ?? 0) + 1;
      if (state !== 'draft') seq.set(prefix, n);
      const paidRoll = m();
      const paymentState = state !== 'posted' ? 'not_paid' : paidRoll < 0.45 ? 'paid' : paidRoll < 0.55 ? 'partial' : paidRoll < 0.6 ? 'in_payment' : 'not_paid';
      const residual = paymentState === 'paid' || paymentState === 'in_payment' ? 0 : paymentState === 'partial' ? Math.floor(total / 3) : total;
      // Bulk imports: runs of moves share one write_date.
      let writeDate = isoDateTime(Math.min(AS_OF, dayMs + int(m, 3600, 30 * 86_400) * 1000));
      if (bulkWriteDate && m() < 0.7) writeDate = bulkWriteDate;
      else bulkWriteDate = m() < 0.02 ? writeDate : null;
      const sign = refund ? -1 : 1;
      const move: OdooDatasetRecord = {
        id,
        name: state === 'draft' ? '/' : `${prefix}/${String(n).padStart(5, '0')}`,
        move_type: moveType,
        state,
        partner_id: partner,
        company_id: company,
        currency_id: currency.id,
        date: invoiceDate,
        invoice_date: state === 'draft' ? false : invoiceDate,
        invoice_date_due: state === 'draft' ? false : isoDate(dayMs + term.days * DAY_MS),
        invoice_payment_term_id: term.id,
        amount_untaxed: money(untaxed),
        amount_tax: money(tax),
        amount_total: money(total),
        amount_residual: money(residual),
        amount_total_signed: money(sign * totalCompany),
        payment_state: paymentState,
        create_date: isoDateTime(dayMs + 3600_000),
        write_date: writeDate,
      };
      if (major >= 18) move.invoice_currency_rate = Number((1000 / currency.eurPerThousand).toFixed(6));
      if (refund && m() < 0.8) move.reversed_entry_id = pick(m, origins);
      if (m() < 0.2) move.invoice_origin = `SO${String(id).padStart(6, '0')}`;
      if (!refund && state === 'posted') {
        origins.push(id);
        if (origins.length > 5) origins.shift();
        recent.set(key, origins);
      }
      yield move;
    }
  }
  return { header, small, moves };
}

/** A generated Odoo dataset in memory (for tests and small sizes; use writeOdooDataset for big ones). */
export function generateOdooDataset(options: GenerateOdooOptions): OdooDataset {
  const p = plan(options);
  const records: Record<string, OdooDatasetRecord[]> = Object.fromEntries(p.small);
  records['account.move'] = [...p.moves()];
  return validateOdooDataset({ ...p.header, records }, 'generated dataset');
}

/**
 * Writes a generated dataset to `file` as JSON, one record per line, streaming: memory stays flat
 * whatever the number of invoices. Resolves with the number of account.move records written.
 */
export async function writeOdooDataset(file: string, options: GenerateOdooOptions): Promise<{ invoices: number; bytes: number }> {
  const p = plan(options);
  const out = createWriteStream(file, { encoding: 'utf8' });
  let bytes = 0;
  let failed: Error | null = null;
  out.on('error', (err) => {
    failed = err;
  });
  const write = async (chunk: string) => {
    if (failed) throw failed;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'error')]);
  };
  const { header } = p;
  await write(`{\n${Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')},\n  "records": {\n`);
  for (const [model, list] of p.small) {
    await write(`    ${JSON.stringify(model)}: [\n${list.map((rec) => `      ${JSON.stringify(rec)}`).join(',\n')}\n    ],\n`);
  }
  await write(`    "account.move": [\n`);
  let count = 0;
  let buffer: string[] = [];
  for (const move of p.moves()) {
    buffer.push(`${count === 0 ? '' : ',\n'}      ${JSON.stringify(move)}`);
    count++;
    if (buffer.length >= 1000) {
      await write(buffer.join(''));
      buffer = [];
    }
  }
  await write(`${buffer.join('')}\n    ]\n  }\n}\n`);
  out.end();
  await once(out, 'finish');
  if (failed) throw failed;
  return { invoices: count, bytes };
}
