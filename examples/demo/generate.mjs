#!/usr/bin/env node
/**
 * Generates the demo dataset of cesce-connect, deterministically (seeded PRNG, no dependencies):
 *
 *   examples/demo/odoo-dataset.json     Odoo emulator dataset (format: packages/connector-odoo/README.md)
 *   packages/sandbox/data/demo.json     Cesce emulator seed (format: docs/sandbox-data-format.md)
 *   examples/demo/README.md             the counts table between the "counts" markers
 *
 * Usage: node examples/demo/generate.mjs           write the files and print the summary
 *        node examples/demo/generate.mjs --check   exit 1 if the files on disk differ from the output
 *        node examples/demo/generate.mjs --json    print the summary as JSON only
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const OUTPUT = {
  odoo: join(HERE, 'odoo-dataset.json'),
  sandbox: join(ROOT, 'packages', 'sandbox', 'data', 'demo.json'),
  readme: join(HERE, 'README.md'),
};

export const DEMO = {
  database: 'demo',
  login: 'cesce-bot',
  password: 'demo-odoo-password',
  /** An API key of the bot user: what the config uses (XML-RPC, JSON-RPC and JSON-2 accept it). */
  apiKey: 'demo-odoo-key',
  companyId: 1,
  companyName: 'Industrias Demo Levante SL',
  companyTaxCode: 'B65410011',
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
  contractNo: '34109150331',
  expiredContractNo: '38100029218',
  firstDate: '2026-09-01',
  lastDate: '2026-11-30',
  /** "Today" of the demo: payment states are as of this date. */
  asOf: '2026-12-01',
};

// ---------------------------------------------------------------------------------------------
// Deterministic helpers

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRandom(seed) {
  const next = mulberry32(seed);
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    digits: (n) => Array.from({ length: n }, () => String(int(0, 9))).join(''),
    weighted: (pairs) => {
      const total = pairs.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [value, w] of pairs) {
        r -= w;
        if (r < 0) return value;
      }
      return pairs[pairs.length - 1][0];
    },
  };
}

const DAY = 86_400_000;
const epochDay = (iso) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY;
const isoOf = (day) => new Date(day * DAY).toISOString().slice(0, 10);
const addDays = (iso, n) => isoOf(epochDay(iso) + n);
const daysBetween = (a, b) => epochDay(b) - epochDay(a);
const minIso = (a, b) => (a < b ? a : b);

/** Integer cents → decimal string "1234.56". */
const cents = (n) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;
/** Integer cents → the float Odoo would send (the nearest double of the decimal). */
const float = (n) => Number(cents(n));
/** Rounds num/den half up, in integers. */
const divRound = (num, den) => Math.floor((num * 2 + den) / (2 * den));

// ---------------------------------------------------------------------------------------------
// Tax identifiers (same algorithms as packages/core/src/tax-id.ts)

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

function cifCheckDigit(body7) {
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const n = Number(body7[i]);
    if (i % 2 === 0) {
      const d = n * 2;
      sum += Math.floor(d / 10) + (d % 10);
    } else sum += n;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A CIF: entity letter, 2-digit province code, 5 digits, check digit (A, B, F use a digit). */
function makeCif(rnd, letter, province) {
  const body = `${province}${rnd.digits(5)}`;
  return `${letter}${body}${cifCheckDigit(body)}`;
}

function makeNif(rnd) {
  const n = `${rnd.int(1, 7)}${rnd.digits(7)}`;
  return `${n}${DNI_LETTERS[Number(n) % 23]}`;
}

function luhnDigit(digits) {
  // Check digit so that the whole number passes Luhn.
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function makeFrVat(rnd) {
  const siren8 = `${rnd.int(3, 8)}${rnd.digits(7)}`;
  const siren = siren8 + luhnDigit(siren8);
  const key = String((12 + 3 * (Number(siren) % 97)) % 97).padStart(2, '0');
  return `FR${key}${siren}`;
}

function makeDeVat(rnd) {
  const body = `${rnd.int(1, 9)}${rnd.digits(7)}`;
  let product = 10;
  for (const c of body) {
    let sum = (Number(c) + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = (11 - product) % 10;
  return `DE${body}${check}`;
}

function makePtVat(rnd) {
  const body = `5${rnd.digits(7)}`;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * (9 - i);
  const r = sum % 11;
  return `PT${body}${r < 2 ? 0 : 11 - r}`;
}

function makeItVat(rnd) {
  const body = `${rnd.digits(7)}${rnd.pick(['015', '036', '097', '108'])}`;
  let s = 0;
  for (let i = 0; i < 10; i++) {
    const d = Number(body[i]);
    if (i % 2 === 0) s += d;
    else s += d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  return `IT${body}${(10 - (s % 10)) % 10}`;
}

/** What the connector's normalizeTaxId gives for the VATs generated here (prefix stripped). */
function taxCodeOf(vat, country) {
  if (!vat) return null;
  return vat.startsWith(country) && country !== 'ES' ? vat.slice(2) : vat.replace(/^ES/, '');
}

// ---------------------------------------------------------------------------------------------
// Reference data

const COUNTRIES = [
  { id: 68, name: 'Spain', code: 'ES' },
  { id: 75, name: 'France', code: 'FR' },
  { id: 57, name: 'Germany', code: 'DE' },
  { id: 183, name: 'Portugal', code: 'PT' },
  { id: 109, name: 'Italy', code: 'IT' },
  { id: 233, name: 'United States', code: 'US' },
];
const COUNTRY_ID = Object.fromEntries(COUNTRIES.map((c) => [c.code, c.id]));

/** Spanish provinces used (Odoo's res.country.state codes) and their CIF province prefixes. */
const STATES = [
  { id: 425, code: 'A', name: 'Alacant (Alicante)', cif: ['03', '53', '54'] },
  { id: 426, code: 'AB', name: 'Albacete', cif: ['02'] },
  { id: 430, code: 'B', name: 'Barcelona', cif: ['08', '58', '60', '61'] },
  { id: 432, code: 'BI', name: 'Bizkaia (Vizcaya)', cif: ['48', '95'] },
  { id: 440, code: 'CS', name: 'Castelló (Castellón)', cif: ['12'] },
  { id: 446, code: 'GR', name: 'Granada', cif: ['18', '19'] },
  { id: 453, code: 'M', name: 'Madrid', cif: ['28', '78', '79', '80', '81', '82', '83', '84', '85', '86'] },
  { id: 454, code: 'MA', name: 'Málaga', cif: ['29', '92', '93'] },
  { id: 456, code: 'MU', name: 'Murcia', cif: ['30', '73'] },
  { id: 457, code: 'NA', name: 'Navarra (Nafarroa)', cif: ['31', '71'] },
  { id: 460, code: 'PM', name: 'Illes Balears (Baleares)', cif: ['07', '57'] },
  { id: 461, code: 'PO', name: 'Pontevedra', cif: ['36', '27', '94'] },
  { id: 465, code: 'SE', name: 'Sevilla', cif: ['41', '90', '91'] },
  { id: 468, code: 'T', name: 'Tarragona', cif: ['43', '77'] },
  { id: 470, code: 'TO', name: 'Toledo', cif: ['45'] },
  { id: 471, code: 'V', name: 'València (Valencia)', cif: ['46', '96', '97', '98'] },
  { id: 475, code: 'Z', name: 'Zaragoza', cif: ['50', '99'] },
];
const STATE = Object.fromEntries(STATES.map((s) => [s.code, s]));

const TERMS = [
  { id: 1, name: 'Immediate Payment', days: 0 },
  { id: 4, name: '30 Days', days: 30 },
  { id: 11, name: '60 Days', days: 60 },
  { id: 12, name: '90 Days', days: 90 },
  { id: 13, name: '210 Days (special agreement)', days: 210 },
];
const TERM_BY_DAYS = Object.fromEntries(TERMS.map((t) => [t.days, t]));

/**
 * The customers (commercial partners). `vat`: 'cif' (plain), 'es-cif' (ES prefix), 'nif'
 * (individual), 'none', 'bad-check' (wrong check digit), or an EU country code.
 * `cesce`: status of an existing classification in the Cesce seed ('2', '1', '10', '66').
 * `flag`: requested limit in EUR (x_cesce_requested_limit); `granted` for classified ones.
 * `expect`: what a classification request gives ('auto', 'in-progress', 'denied').
 */
const CUSTOMERS = [
  { name: 'Construcciones Hermanos Ferrer SL', form: 'B', city: 'Valencia', state: 'V', zip: '46010', street: 'Calle de Cuba 14', vat: 'cif', cesce: '2', flag: 60000, granted: 60000, invoiceContact: true },
  { name: 'Cerámicas del Mediterráneo SA', form: 'A', city: 'Onda', state: 'CS', zip: '12200', street: 'Carretera Onda-Vila-real km 3', vat: 'es-cif', cesce: '2', flag: 100000, granted: 80000 },
  { name: 'Transportes Ribera Alta SL', form: 'B', city: 'Alzira', state: 'V', zip: '46600', street: 'Avenida Santos Patronos 22', vat: 'cif', cesce: '2', granted: 40000, longTerm: true },
  { name: 'Muebles Alcañiz Interiorismo SL', form: 'B', city: 'Zaragoza', state: 'Z', zip: '50014', street: 'Calle Miguel Servet 120', vat: 'cif' },
  { name: 'Distribuciones Alimentarias del Turia SL', form: 'B', city: 'Paterna', state: 'V', zip: '46980', street: 'Calle Ciudad de Sevilla 8, Fuente del Jarro', vat: 'es-cif', cesce: '2', granted: 90000, usd: true, invoiceContact: true },
  { name: 'Talleres Mecánicos Benlloch SL', form: 'B', city: 'Castelló de la Plana', state: 'CS', zip: '12006', street: 'Avenida Valencia 45', vat: 'cif' },
  { name: 'Plásticos Elche Inyección SA', form: 'A', city: 'Elche', state: 'A', zip: '03203', street: 'Calle Severo Ochoa 31, Parque Empresarial', vat: 'cif', cesce: '2', granted: 120000, invoiceContact: true },
  { name: 'Calzados Vinalopó SL', form: 'B', city: 'Elda', state: 'A', zip: '03600', street: 'Calle Jardines 17', vat: 'cif', cesce: '2', granted: 20000, archived: true },
  { name: 'Agrícola Huerta de Murcia S. Coop.', form: 'F', city: 'Murcia', state: 'MU', zip: '30007', street: 'Carril de la Condesa 5', vat: 'cif' },
  { name: 'Frutas y Cítricos La Safor SL', form: 'B', city: 'Gandia', state: 'V', zip: '46701', street: 'Avenida del Grau 88', vat: 'es-cif' },
  { name: 'Hostelería Costa Blanca SL', form: 'B', city: 'Benidorm', state: 'A', zip: '03501', street: 'Avenida del Mediterráneo 210', vat: 'cif', cesce: '10', requested: 40000, invoiceContact: true },
  { name: 'Ferretería Industrial Madrileña SA', form: 'A', city: 'Getafe', state: 'M', zip: '28903', street: 'Calle Torres Quevedo 7', vat: 'cif', cesce: '2', flag: 60000, granted: 60000 },
  { name: 'Gráficas Levante Impresores SL', form: 'B', city: 'Alicante', state: 'A', zip: '03008', street: 'Calle Pintor Gisbert 40', vat: 'cif', cesce: '2', granted: 15000 },
  { name: 'Suministros Eléctricos Catalunya SA', form: 'A', city: 'Sabadell', state: 'B', zip: '08202', street: 'Carrer de Gràcia 101', vat: 'cif', cesce: '2', flag: 30000, granted: 30000 },
  { name: 'Envases y Embalajes del Ebro SL', form: 'B', city: 'Zaragoza', state: 'Z', zip: '50197', street: 'Plataforma Logística PLAZA, Calle Bari 25', vat: 'cif', flag: 30000, expect: 'auto', invoiceContact: true },
  { name: 'Textil Ontinyent SL', form: 'B', city: 'Ontinyent', state: 'V', zip: '46870', street: 'Avenida Daniel Gil 12', vat: 'es-cif', cesce: '2', granted: 35000 },
  { name: 'Vidrios y Cristales Andaluces SA', form: 'A', city: 'Sevilla', state: 'SE', zip: '41007', street: 'Polígono Store, Calle A 14', vat: 'cif', cesce: '1', requested: 200000, invoiceContact: true },
  { name: 'Maderas Norte de Bizkaia SL', form: 'B', city: 'Bilbao', state: 'BI', zip: '48013', street: 'Zorrotzaurre Kalea 3', vat: 'cif', cesce: '66', requested: 50000 },
  { name: 'Climatización Integral Toledo SL', form: 'B', city: 'Toledo', state: 'TO', zip: '45007', street: 'Calle Río Jarama 132', vat: 'cif', flag: 60000, expect: 'auto' },
  { name: 'Azulejos Castellón Export SA', form: 'A', city: 'Vila-real', state: 'CS', zip: '12540', street: 'Camí Fondo 2', vat: 'cif', flag: 250000, expect: 'in-progress' },
  { name: 'Química Fina Tarragona SA', form: 'A', city: 'Tarragona', state: 'T', zip: '43006', street: 'Polígono Entrevías, Calle Alcalde Fornells 9', vat: 'cif' },
  { name: 'Bodegas Utiel-Requena S. Coop.', form: 'F', city: 'Requena', state: 'V', zip: '46340', street: 'Calle Cooperativa 1', vat: 'cif' },
  { name: 'Logística Puerto de Sagunto SL', form: 'B', city: 'Sagunto', state: 'V', zip: '46520', street: 'Avenida Hispanidad 15', vat: 'cif', flag: 60000, expect: 'denied' },
  { name: 'Panificadora Albacete SL', form: 'B', city: 'Albacete', state: 'AB', zip: '02006', street: 'Calle Pescadores 4, Polígono Campollano', vat: 'none', flag: 30000 },
  { name: 'Conservas Rías Baixas SA', form: 'A', city: 'Vigo', state: 'PO', zip: '36202', street: 'Avenida de Beiramar 60', vat: 'cif', flag: 120000, expect: 'auto' },
  { name: 'Recambios Automoción Navarra SL', form: 'B', city: 'Pamplona', state: 'NA', zip: '31013', street: 'Calle C 12, Polígono Landaben', vat: 'bad-check', flag: 60000 },
  { name: 'Hoteles Baleares Mar SL', form: 'B', city: 'Palma', state: 'PM', zip: '07014', street: 'Passeig Marítim 18', vat: 'es-cif' },
  { name: 'Electrodomésticos Granada SL', form: 'B', city: 'Granada', state: 'GR', zip: '18015', street: 'Calle Juncaril 6', vat: 'cif' },
  { name: 'Informática y Sistemas Málaga SL', form: 'B', city: 'Málaga', state: 'MA', zip: '29004', street: 'Calle Severo Ochoa 30, PTA', vat: 'cif' },
  { name: 'Mármoles Novelda SA', form: 'A', city: 'Novelda', state: 'A', zip: '03660', street: 'Carretera de Aspe 3', vat: 'cif' },
  { name: 'Juguetes Ibi SL', form: 'B', city: 'Ibi', state: 'A', zip: '03440', street: 'Avenida de la Industria 44', vat: 'es-cif' },
  { name: 'Instalaciones Térmicas Gandía SL', form: 'B', city: 'Gandia', state: 'V', zip: '46702', street: 'Calle Alcoi 9', vat: 'cif' },
  { name: 'Papelera del Júcar SA', form: 'A', city: 'Alzira', state: 'V', zip: '46600', street: 'Partida Materna 1', vat: 'cif' },
  { name: 'José Martínez Soler', form: 'person', city: 'Sueca', state: 'V', zip: '46410', street: 'Calle Sant Cristòfol 3', vat: 'nif' },
  { name: 'Carmen Ruiz Pastor', form: 'person', city: 'Xàtiva', state: 'V', zip: '46800', street: 'Albereda Jaume I 27', vat: 'nif' },
  { name: 'Reformas y Pinturas Burjassot SL', form: 'B', city: 'Burjassot', state: 'V', zip: '46100', street: 'Calle Mayor 51', vat: 'es-cif' },
  { name: 'Metalúrgica del Vinalopó SA', form: 'A', city: 'Petrer', state: 'A', zip: '03610', street: 'Avenida de Madrid 77', vat: 'cif' },
  { name: 'Cooperativa Oleícola Sierra de Segura S. Coop.', form: 'F', city: 'Murcia', state: 'MU', zip: '30012', street: 'Camino de Tiñosa 10', vat: 'es-cif' },
  { name: 'Société Lyonnaise de Distribution SAS', country: 'FR', city: 'Lyon', zip: '69003', street: '25 Rue Garibaldi', vat: 'FR', cesce: '2', granted: 50000, invoiceContact: true },
  { name: 'Transports Garonne SARL', country: 'FR', city: 'Toulouse', zip: '31200', street: '8 Chemin de Gabardie', vat: 'FR' },
  { name: 'Schwarzwald Maschinenbau GmbH', country: 'DE', city: 'Freiburg im Breisgau', zip: '79108', street: 'Tullastraße 61', vat: 'DE', flag: 90000, expect: 'auto' },
  { name: 'Têxteis do Minho Lda', country: 'PT', city: 'Braga', zip: '4700-320', street: 'Rua do Raio 144', vat: 'PT', cesce: '2', granted: 25000 },
  { name: 'Ceramiche Sassuolo SpA', country: 'IT', city: 'Sassuolo', zip: '41049', street: 'Via Radici in Piano 260', vat: 'IT' },
  { name: 'Arredamenti Brianza Srl', country: 'IT', city: 'Monza', zip: '20900', street: 'Viale Lombardia 150', vat: 'IT', invoiceContact: true },
];

const PEOPLE = [
  'María López Navarro',
  'Vicente Sanchis Climent',
  'Laura Gómez Pardo',
  'Andrés Ibáñez Roig',
  'Pilar Castelló Mas',
  'Jordi Puig Ferrer',
  'Elena Marín Soriano',
  'Sergio Llorens Vidal',
  'Claire Dubois',
  'Giulia Rossi',
];

// ---------------------------------------------------------------------------------------------

function slug(name) {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\b(sl|sa|sas|sarl|gmbh|lda|spa|srl|s\. coop\.)\b/g, '')
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 40);
}

const AREA_CODES = { A: '965', AB: '967', B: '93', BI: '94', CS: '964', GR: '958', M: '91', MA: '952', MU: '968', NA: '948', PM: '971', PO: '986', SE: '954', T: '977', TO: '925', V: '96', Z: '976' };

function spanishPhone(rnd, state) {
  const digits = AREA_CODES[state] + rnd.digits(9 - AREA_CODES[state].length);
  return `+34 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

function time(rnd) {
  return `${String(rnd.int(8, 18)).padStart(2, '0')}:${String(rnd.int(0, 59)).padStart(2, '0')}:${String(rnd.int(0, 59)).padStart(2, '0')}`;
}

/** Builds everything; pure and deterministic. */
export function generateDemo() {
  const rnd = makeRandom(20260901);

  // --- partners -------------------------------------------------------------------------------
  const partners = [
    { id: 1, name: DEMO.companyName, is_company: true, company_id: 1, vat: `ES${DEMO.companyTaxCode}`, country_id: 68, state_id: STATE.V.id, city: 'Valencia', zip: '46023', street: 'Avenida del Puerto 180', email: 'administracion@demolevante.es', phone: '+34 963 000 180', lang: 'es_ES', create_date: '2025-12-15 09:00:00', write_date: '2025-12-15 09:00:00' },
    { id: 2, name: 'OdooBot', is_company: false, active: false, email: 'odoobot@example.com', create_date: '2025-12-15 09:00:00', write_date: '2025-12-15 09:00:00' },
    { id: 3, name: 'Administrator', is_company: false, company_id: 1, email: 'admin@demolevante.es', create_date: '2025-12-15 09:00:00', write_date: '2025-12-15 09:00:00' },
    { id: 7, name: 'Cesce Bot', is_company: false, company_id: 1, email: 'cesce-bot@demolevante.es', create_date: '2026-06-01 10:00:00', write_date: '2026-06-01 10:00:00' },
  ];
  const suppliers = [
    { name: 'Aceros Sagunto Suministros SL', city: 'Sagunto', state: 'V', zip: '46520' },
    { name: 'Lubricantes Industriales Iberia SA', city: 'Madrid', state: 'M', zip: '28021' },
    { name: 'Electricidad Vall d’Albaida SL', city: 'Ontinyent', state: 'V', zip: '46870' },
  ];

  let nextPartnerId = 14;
  const customers = [];
  const contacts = [];
  for (const [index, c] of CUSTOMERS.entries()) {
    const id = nextPartnerId;
    nextPartnerId += rnd.int(1, 3);
    const country = c.country ?? 'ES';
    let vat = false;
    if (c.vat === 'cif' || c.vat === 'es-cif' || c.vat === 'bad-check') {
      let cif = makeCif(rnd, c.form, rnd.pick(STATE[c.state].cif));
      if (c.vat === 'bad-check') cif = cif.slice(0, -1) + String((Number(cif.slice(-1)) + 3) % 10);
      vat = c.vat === 'es-cif' ? `ES${cif}` : cif;
    } else if (c.vat === 'nif') vat = makeNif(rnd);
    else if (c.vat === 'FR') vat = makeFrVat(rnd);
    else if (c.vat === 'DE') vat = makeDeVat(rnd);
    else if (c.vat === 'PT') vat = makePtVat(rnd);
    else if (c.vat === 'IT') vat = makeItVat(rnd);
    const termDays = country === 'ES' ? rnd.weighted([[30, 4], [60, 4], [90, 2]]) : rnd.pick([60, 90]);
    const hasRef = rnd.chance(0.7);
    const created = `${addDays('2026-01-10', rnd.int(0, 200))} ${time(rnd)}`;
    const record = {
      id,
      name: c.name,
      is_company: c.form !== 'person',
      type: 'contact',
      vat,
      country_id: COUNTRY_ID[country],
      state_id: country === 'ES' ? STATE[c.state].id : false,
      zip: c.zip,
      city: c.city,
      street: c.street,
      email: `${c.form === 'person' ? 'contacto' : 'administracion'}@${slug(c.name)}.${country.toLowerCase() === 'es' ? 'es' : country.toLowerCase()}`,
      phone: country === 'ES' ? spanishPhone(rnd, c.state) : false,
      lang: country === 'ES' ? 'es_ES' : 'en_US',
      ref: hasRef ? `CLI${String(index + 1).padStart(4, '0')}` : false,
      active: !c.archived,
      company_id: rnd.chance(0.25) ? 1 : false,
      customer_rank: 0,
      supplier_rank: 0,
      property_payment_term_id: TERM_BY_DAYS[termDays].id,
      x_cesce_requested_limit: c.flag ?? 0,
      create_date: created,
      write_date: created,
    };
    partners.push(record);
    const customer = { spec: c, record, country, termDays, taxCode: c.vat === 'none' || c.vat === 'bad-check' ? null : taxCodeOf(vat, country), invoiceContactId: null };
    customers.push(customer);
    if (c.invoiceContact) {
      const contactId = nextPartnerId++;
      partners.push({
        id: contactId,
        name: rnd.chance(0.5) ? false : rnd.pick(['Administración', 'Contabilidad', 'Cuentas a pagar']),
        is_company: false,
        type: 'invoice',
        parent_id: id,
        vat,
        country_id: record.country_id,
        state_id: record.state_id,
        zip: record.zip,
        city: record.city,
        street: record.street,
        email: `facturas@${slug(c.name)}.${country === 'ES' ? 'es' : country.toLowerCase()}`,
        active: true,
        company_id: record.company_id,
        customer_rank: 0,
        create_date: created,
        write_date: created,
      });
      customer.invoiceContactId = contactId;
      contacts.push({ type: 'invoice', id: contactId });
    }
  }
  // Person contacts of some customers (never debtors themselves).
  for (const [i, person] of PEOPLE.entries()) {
    const parent = customers[(i * 7 + 3) % customers.length];
    const id = nextPartnerId++;
    partners.push({
      id,
      name: person,
      is_company: false,
      type: 'contact',
      parent_id: parent.record.id,
      vat: parent.record.vat,
      country_id: parent.record.country_id,
      email: `${slug(person)}@${slug(parent.spec.name)}.es`,
      function: undefined,
      active: true,
      company_id: parent.record.company_id,
      customer_rank: 0,
      create_date: parent.record.create_date,
      write_date: parent.record.write_date,
    });
    contacts.push({ type: 'contact', id });
  }
  for (const s of suppliers) {
    const id = nextPartnerId++;
    const cif = makeCif(rnd, s.name.endsWith('SA') ? 'A' : 'B', rnd.pick(STATE[s.state].cif));
    partners.push({ id, name: s.name, is_company: true, vat: cif, country_id: 68, state_id: STATE[s.state].id, zip: s.zip, city: s.city, active: true, company_id: false, customer_rank: 0, supplier_rank: rnd.int(2, 9), create_date: '2026-01-20 10:00:00', write_date: '2026-01-20 10:00:00' });
    s.id = id;
  }
  for (const p of partners) for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];

  // --- documents ------------------------------------------------------------------------------
  const periodDays = daysBetween(DEMO.firstDate, DEMO.lastDate);
  const drafts = [];
  const invoices = [];
  for (const cu of customers) {
    const c = cu.spec;
    const n = c.archived ? 4 : cu.country === 'ES' ? rnd.int(6, 10) : rnd.int(3, 6);
    for (let i = 0; i < n; i++) {
      const date = c.archived ? addDays(DEMO.firstDate, rnd.int(0, 25)) : addDays(DEMO.firstDate, rnd.int(0, periodDays));
      const size = rnd.weighted([['s', 80], ['m', 15], ['l', 5]]);
      const untaxed = size === 's' ? rnd.int(50_000, 1_500_000) : size === 'm' ? rnd.int(1_500_000, 6_000_000) : rnd.int(6_000_000, 12_000_000);
      invoices.push({ cu, date, untaxed, currency: 'EUR', termDays: cu.termDays, state: 'posted' });
    }
    if (c.usd) invoices.push({ cu, date: '2026-10-14', untaxed: 1_845_000, currency: 'USD', termDays: cu.termDays, state: 'posted', special: 'usd' });
    if (c.longTerm) invoices.push({ cu, date: '2026-10-05', untaxed: 2_480_000, currency: 'EUR', termDays: 210, state: 'posted', special: 'term-210' });
  }
  // Cancelled invoices (they took a number) and drafts (no number yet).
  for (let i = 0; i < 4; i++) {
    const cu = customers[(i * 11 + 5) % customers.length];
    invoices.push({ cu, date: addDays(DEMO.firstDate, rnd.int(0, periodDays)), untaxed: rnd.int(100_000, 900_000), currency: 'EUR', termDays: cu.termDays, state: 'cancel' });
  }
  for (let i = 0; i < 5; i++) {
    const cu = customers[(i * 9 + 2) % customers.length];
    drafts.push({ cu, date: i < 3 ? false : addDays('2026-11-24', i), untaxed: rnd.int(100_000, 2_000_000), currency: 'EUR', termDays: cu.termDays, state: 'draft' });
  }

  // Numbers are given at posting, in posting order (date, then time of day).
  for (const inv of invoices) inv.time = time(rnd);
  invoices.sort((a, b) => (`${a.date} ${a.time}` < `${b.date} ${b.time}` ? -1 : `${a.date} ${a.time}` > `${b.date} ${b.time}` ? 1 : a.cu.record.id - b.cu.record.id));
  invoices.forEach((inv, i) => {
    inv.name = `INV/2026/${String(i + 1).padStart(5, '0')}`;
    inv.tax = divRound(inv.untaxed * 21, 100);
    inv.total = inv.untaxed + inv.tax;
    inv.due = addDays(inv.date, inv.termDays);
    inv.viaContact = inv.cu.invoiceContactId !== null && rnd.chance(0.5);
  });

  // Credit notes: reversals (total) and partial credits, linked to an earlier invoice of the same
  // customer; plus one credit note without origin.
  const refundable = invoices.filter((inv) => inv.state === 'posted' && !inv.special && inv.date <= '2026-11-20');
  const refunds = [];
  const used = new Set();
  while (refunds.length < 17) {
    const origin = refundable[rnd.int(0, refundable.length - 1)];
    if (used.has(origin)) continue;
    used.add(origin);
    const total = refunds.length % 2 === 0;
    const untaxed = total ? origin.untaxed : divRound(origin.untaxed * rnd.int(10, 50), 100);
    const date = minIso(addDays(origin.date, rnd.int(2, 20)), DEMO.lastDate);
    refunds.push({ cu: origin.cu, origin, date, untaxed, currency: 'EUR', partial: !total, state: 'posted' });
  }
  const noOriginCustomer = customers.find((cu) => cu.spec.name.startsWith('Plásticos Elche'));
  refunds.push({ cu: noOriginCustomer, origin: null, date: '2026-11-18', untaxed: 125_000, currency: 'EUR', partial: true, state: 'posted' });
  for (const r of refunds) r.time = r.origin && r.date === r.origin.date ? '19:30:00' : time(rnd);
  refunds.sort((a, b) => (`${a.date} ${a.time}` < `${b.date} ${b.time}` ? -1 : `${a.date} ${a.time}` > `${b.date} ${b.time}` ? 1 : a.cu.record.id - b.cu.record.id));
  refunds.forEach((r, i) => {
    r.name = `RINV/2026/${String(i + 1).padStart(5, '0')}`;
    r.tax = divRound(r.untaxed * 21, 100);
    r.total = r.untaxed + r.tax;
    r.due = r.date;
    r.viaContact = false;
    if (r.origin && !r.partial) r.origin.reversedOn = r.date;
  });

  // Vendor bills: account.move records the connector must ignore.
  const bills = suppliers.slice(0, 2).map((s, i) => ({ supplier: s, name: `BILL/2026/${String(i + 1).padStart(5, '0')}`, date: addDays('2026-09-15', i * 30), untaxed: rnd.int(200_000, 900_000) }));

  const USD_RATE_CENTS_PER_EUR = 108; // 1 EUR = 1.08 USD
  const creationKey = (m) => `${m.date || '2026-11-27'} ${m.time ?? '12:00:00'} ${m.name ?? ''}`;
  const all = [
    ...invoices.map((m) => ({ kind: 'out_invoice', ...m })),
    ...refunds.map((m) => ({ kind: 'out_refund', ...m })),
    ...drafts.map((m) => ({ kind: 'out_invoice', name: '/', time: time(rnd), ...m })),
    ...bills.map((b) => ({ kind: 'in_invoice', cu: null, state: 'posted', currency: 'EUR', termDays: 30, time: time(rnd), ...b })),
  ].sort((a, b) => (creationKey(a) < creationKey(b) ? -1 : creationKey(a) > creationKey(b) ? 1 : 0));
  let moveId = 1;
  const moves = [];
  const byInvoice = new Map();
  for (const m of all) {
    m.id = moveId;
    moveId += rnd.chance(0.15) ? 2 : 1; // gaps: deleted drafts and other journal entries
    byInvoice.set(m, m.id);
  }
  const idOf = (inv) => all.find((m) => m.name === inv.name && m.kind === 'out_invoice').id;

  for (const m of all) {
    const tax = m.tax ?? divRound(m.untaxed * 21, 100);
    const total = m.total ?? m.untaxed + tax;
    const date = m.date || false;
    const due = date ? addDays(date, m.termDays ?? 0) : false;
    let paymentState = 'not_paid';
    let residual = total;
    let writeDate = date ? `${date} ${m.time}` : `2026-11-27 ${m.time}`;
    if (m.state === 'posted' && m.kind === 'out_invoice') {
      if (m.reversedOn) {
        paymentState = 'reversed';
        residual = 0;
        writeDate = `${m.reversedOn} ${m.time}`;
      } else if (due && due < DEMO.asOf) {
        paymentState = rnd.weighted([['paid', 70], ['in_payment', 10], ['partial', 10], ['not_paid', 10]]);
      } else {
        paymentState = rnd.weighted([['not_paid', 85], ['paid', 10], ['partial', 5]]);
      }
      if (paymentState === 'paid' || paymentState === 'in_payment') residual = 0;
      if (paymentState === 'partial') residual = total - divRound(total * rnd.int(20, 80), 100);
      if (paymentState !== 'not_paid' && paymentState !== 'reversed') {
        const paidOn = minIso(addDays(date, rnd.int(5, Math.max(6, Math.min(m.termDays, 75)))), '2026-11-30');
        writeDate = `${paidOn} ${time(rnd)}`;
      }
    } else if (m.state === 'posted' && m.kind === 'out_refund') {
      paymentState = m.partial ? 'not_paid' : 'paid';
      residual = m.partial ? total : 0;
    } else if (m.kind === 'in_invoice') {
      paymentState = 'paid';
      residual = 0;
    }
    const sign = m.kind === 'out_refund' || m.kind === 'in_invoice' ? -1 : 1;
    const totalInEur = m.currency === 'USD' ? divRound(total * 100, USD_RATE_CENTS_PER_EUR) : total;
    const partnerId = m.kind === 'in_invoice' ? m.supplier.id : m.viaContact ? m.cu.invoiceContactId : m.cu.record.id;
    const record = {
      id: m.id,
      name: m.name,
      move_type: m.kind,
      state: m.state,
      partner_id: partnerId,
      commercial_partner_id: m.kind === 'in_invoice' ? m.supplier.id : m.cu.record.id,
      company_id: 1,
      currency_id: m.currency === 'USD' ? 2 : 1,
      date: date || '2026-11-27',
      invoice_date: date,
      invoice_date_due: m.state === 'draft' && !date ? false : due,
      invoice_payment_term_id: TERM_BY_DAYS[m.termDays]?.id ?? false,
      invoice_origin: m.kind === 'out_invoice' && rnd.chance(0.6) ? `S${String(rnd.int(100, 2999)).padStart(5, '0')}` : false,
      ref: m.kind === 'out_invoice' && rnd.chance(0.3) ? `PO ${rnd.int(1000, 99999)}` : m.kind === 'out_refund' && m.origin ? `Reversal of: ${m.origin.name}` : false,
      payment_reference: m.name !== '/' ? m.name : false,
      amount_untaxed: float(m.untaxed),
      amount_tax: float(tax),
      amount_total: float(total),
      amount_residual: float(residual),
      amount_total_signed: float(sign * totalInEur),
      payment_state: paymentState,
      reversed_entry_id: m.kind === 'out_refund' && m.origin ? idOf(m.origin) : false,
      create_date: date ? `${date} ${m.time}` : `2026-11-27 ${m.time}`,
      write_date: writeDate,
    };
    if (m.kind === 'out_refund' && !m.origin) record.ref = 'Rappel volumen Q3';
    moves.push(record);
    m.record = record;
  }
  moves.sort((a, b) => a.id - b.id);

  // customer_rank: number of posted customer invoices (Odoo increments it on posting).
  for (const cu of customers) {
    cu.record.customer_rank = invoices.filter((inv) => inv.cu === cu && inv.state === 'posted').length;
  }

  // --- Cesce seed -------------------------------------------------------------------------------
  const classifications = [];
  let requestNo = 4100100;
  for (const cu of customers) {
    const c = cu.spec;
    if (!c.cesce) continue;
    requestNo += rnd.int(3, 40);
    const entry = addDays('2026-01-20', rnd.int(0, 190));
    const decided = addDays(entry, rnd.int(2, 9));
    const requested = c.flag ?? c.requested ?? c.granted;
    const base = {
      requestNo: String(requestNo),
      endorsementNo: c.cesce === '2' || c.cesce === '66' ? String(requestNo) : null,
      taxCode: cu.taxCode,
      countryCode: cu.country,
      companyName: c.name,
      customerReference: cu.record.ref || String(cu.record.id),
      creditLimitRequested: cents(requested * 100),
      creditLimitGranted: c.cesce === '2' ? cents(c.granted * 100) : '0.00',
      currencyCode: 'EUR',
      statusCode: c.cesce,
      paymentTermsRequested: String(cu.termDays),
      ...(c.cesce === '2' ? { paymentTermsGranted: String(cu.termDays) } : {}),
      requestEntryDate: entry,
    };
    if (c.cesce === '2') {
      Object.assign(base, { classificationDate: decided, effectiveDate: decided, validityDate: null, cancellationDate: null });
    } else if (c.cesce === '1') {
      Object.assign(base, { requestEntryDate: '2026-08-20', classificationDate: null, effectiveDate: null, validityDate: null, cancellationDate: null });
    } else if (c.cesce === '10') {
      Object.assign(base, { classificationDate: decided, effectiveDate: null, validityDate: null, cancellationDate: null });
    } else if (c.cesce === '66') {
      Object.assign(base, { requestEntryDate: '2026-02-02', classificationDate: '2026-02-06', effectiveDate: '2026-02-06', validityDate: null, cancellationDate: '2026-08-31' });
    }
    classifications.push(base);
  }
  const deniedTaxCodes = customers.filter((cu) => cu.spec.expect === 'denied').map((cu) => cu.taxCode);
  const policy = (contractNo, effectiveDate, expiryDate, deniedTaxCodes, classifications) => ({
    contractNo,
    policyholderTaxCode: DEMO.companyTaxCode,
    policyholderName: DEMO.companyName,
    effectiveDate,
    expiryDate,
    currencies: ['EUR'],
    options: { creditNotes: true, endorsements: true, maxPaymentTermDays: 180, rejectDuplicateInvoices: false },
    classificationRules: { autoGrantUpTo: '150000.00', grantPercent: 100, deniedTaxCodes, inProgressTaxCodes: [] },
    classifications,
    sales: [],
  });
  const sandbox = {
    description:
      'Demo seed of the Cesce emulator, generated by examples/demo/generate.mjs together with the Odoo dataset examples/demo/odoo-dataset.json. Do not edit by hand: change the generator and run it again.',
    tokenTtlSeconds: 3600,
    applications: [
      {
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
        scopes: ['create', 'read', 'update', 'delete'],
        products: ['oauth', 'classifications', 'sales', 'movements', 'collections', 'claims', 'financial'],
        policyholderTaxCode: DEMO.companyTaxCode,
      },
    ],
    policies: [
      policy(DEMO.contractNo, '2026-01-01', '2031-12-31', deniedTaxCodes, classifications),
      policy(DEMO.expiredContractNo, '2024-07-01', '2025-06-30', [], []),
    ],
  };

  // --- Odoo dataset ---------------------------------------------------------------------------
  const odoo = {
    description:
      'Demo Odoo 17 database of Industrias Demo Levante SL, generated by examples/demo/generate.mjs (see examples/demo/README.md). Do not edit by hand.',
    version: '17.0',
    database: DEMO.database,
    users: [{ id: 6, login: DEMO.login, password: DEMO.password, apiKeys: [DEMO.apiKey], name: 'Cesce Bot', companyIds: [1], companyId: 1 }],
    customFields: {
      'res.partner': {
        x_cesce_requested_limit: { type: 'float', string: 'Cesce: límite solicitado' },
        x_cesce_status: { type: 'char', string: 'Cesce: estado' },
        x_cesce_granted_limit: { type: 'float', string: 'Cesce: límite concedido' },
        x_cesce_endorsement_no: { type: 'char', string: 'Cesce: nº suplemento' },
      },
      'account.move': {
        x_cesce_sale_ref: { type: 'char', string: 'Cesce: referencia venta' },
        x_cesce_sale_state: { type: 'char', string: 'Cesce: estado declaración' },
      },
    },
    records: {
      'res.company': [
        { id: 1, name: DEMO.companyName, partner_id: 1, vat: `ES${DEMO.companyTaxCode}`, company_registry: 'Registro Mercantil de Valencia, Tomo 10457, Hoja V-182340', currency_id: 1, country_id: 68, state_id: STATE.V.id, city: 'Valencia', zip: '46023', street: 'Avenida del Puerto 180' },
      ],
      'res.currency': [
        { id: 1, name: 'EUR', symbol: '€', decimal_places: 2, rounding: 0.01, active: true },
        { id: 2, name: 'USD', symbol: '$', decimal_places: 2, rounding: 0.01, active: true },
      ],
      'res.country': COUNTRIES.map((c) => ({ ...c, currency_id: c.code === 'US' ? 2 : 1 })),
      'res.country.state': STATES.map((s) => ({ id: s.id, name: s.name, code: s.code, country_id: 68 })),
      'account.payment.term': TERMS.map((t, i) => ({ id: t.id, name: t.name, sequence: i + 1, active: true, company_id: false })),
      'account.payment.term.line': TERMS.map((t, i) => ({ id: i + 1, payment_id: t.id, value: 'percent', value_amount: 100, nb_days: t.days, delay_type: 'days_after' })),
      'res.partner': partners.sort((a, b) => a.id - b.id),
      'account.move': moves,
    },
  };

  // --- summary --------------------------------------------------------------------------------
  const posted = moves.filter((m) => m.state === 'posted' && (m.move_type === 'out_invoice' || m.move_type === 'out_refund'));
  const postedInvoices = posted.filter((m) => m.move_type === 'out_invoice');
  const postedRefunds = posted.filter((m) => m.move_type === 'out_refund');
  const docsOf = (pred) => posted.filter((m) => pred(customers.find((cu) => cu.record.id === m.commercial_partner_id))).length;
  const flagged = customers.filter((cu) => cu.spec.flag);
  const status = (s) => (cu) => cu.spec.cesce === s;
  const sumCents = (list) => list.reduce((s, m) => s + Math.round(m.amount_total * 100), 0);
  const summary = {
    database: DEMO.database,
    login: DEMO.login,
    company: `${DEMO.companyName} (${DEMO.companyTaxCode})`,
    partners: {
      records: partners.length,
      debtors: customers.length,
      activeDebtors: customers.filter((cu) => cu.record.active).length,
      archivedDebtors: customers.filter((cu) => !cu.record.active).length,
      invoiceAddresses: contacts.filter((c) => c.type === 'invoice').length,
      personContacts: contacts.filter((c) => c.type === 'contact').length,
      suppliers: suppliers.length,
      companyAndUsers: 4,
    },
    taxIds: {
      spanishCif: customers.filter((cu) => cu.spec.vat === 'cif').length,
      spanishCifWithEsPrefix: customers.filter((cu) => cu.spec.vat === 'es-cif').length,
      spanishNif: customers.filter((cu) => cu.spec.vat === 'nif').length,
      euVat: Object.fromEntries(['FR', 'DE', 'PT', 'IT'].map((cc) => [cc, customers.filter((cu) => cu.spec.vat === cc).length])),
      missing: customers.filter((cu) => cu.spec.vat === 'none').length,
      invalidCheckDigit: customers.filter((cu) => cu.spec.vat === 'bad-check').length,
      blockedDebtors: customers.filter((cu) => cu.taxCode === null).length,
    },
    flagged: {
      total: flagged.length,
      alreadyClassified: flagged.filter((cu) => cu.spec.cesce === '2').length,
      toRequestAutoGranted: flagged.filter((cu) => cu.spec.expect === 'auto').length,
      toRequestStaysInProgress: flagged.filter((cu) => cu.spec.expect === 'in-progress').length,
      toRequestDenied: flagged.filter((cu) => cu.spec.expect === 'denied').length,
      blockedNoVat: flagged.filter((cu) => cu.spec.vat === 'none').length,
      blockedInvalidVat: flagged.filter((cu) => cu.spec.vat === 'bad-check').length,
    },
    cesce: {
      classifications: classifications.length,
      classified: classifications.filter((c) => c.statusCode === '2').length,
      inProgress: classifications.filter((c) => c.statusCode === '1').length,
      denied: classifications.filter((c) => c.statusCode === '10').length,
      cancelled: classifications.filter((c) => c.statusCode === '66').length,
      withoutClassification: customers.filter((cu) => !cu.spec.cesce).length,
    },
    moves: {
      records: moves.length,
      postedInvoices: postedInvoices.length,
      postedCreditNotes: postedRefunds.length,
      creditNotesTotalReversal: refunds.filter((r) => r.origin && !r.partial).length,
      creditNotesPartial: refunds.filter((r) => r.origin && r.partial).length,
      creditNotesWithoutOrigin: refunds.filter((r) => !r.origin).length,
      drafts: moves.filter((m) => m.state === 'draft').length,
      cancelled: moves.filter((m) => m.state === 'cancel').length,
      vendorBills: moves.filter((m) => m.move_type === 'in_invoice').length,
      usdInvoices: posted.filter((m) => m.currency_id === 2).length,
      termOver180Days: posted.filter((m) => m.invoice_date_due && daysBetween(m.invoice_date, m.invoice_date_due) > 180).length,
      addressedToInvoiceContact: posted.filter((m) => m.partner_id !== m.commercial_partner_id).length,
      postedEurTotal: cents(sumCents(posted.filter((m) => m.currency_id === 1 && m.move_type === 'out_invoice'))),
      postedEurCreditNotes: cents(sumCents(posted.filter((m) => m.currency_id === 1 && m.move_type === 'out_refund'))),
    },
    documentsToRead: posted.length,
    documentsByDebtor: {
      classified: docsOf(status('2')),
      classifiedArchived: docsOf((cu) => cu.spec.cesce === '2' && cu.spec.archived),
      inProgress: docsOf(status('1')),
      denied: docsOf(status('10')),
      cancelled: docsOf(status('66')),
      flaggedToRequest: docsOf((cu) => !cu.spec.cesce && cu.spec.flag),
      withoutClassificationNotFlagged: docsOf((cu) => !cu.spec.cesce && !cu.spec.flag),
      blockedDebtor: docsOf((cu) => cu.taxCode === null),
    },
  };

  // Invariants the demo relies on.
  const check = (ok, what) => {
    if (!ok) throw new Error(`demo generator invariant failed: ${what}`);
  };
  check(customers.length >= 40, 'at least 40 customers');
  check(moves.filter((m) => m.move_type !== 'in_invoice').length >= 300, 'at least 300 customer moves');
  check(moves.every((m) => !m.invoice_date || (m.invoice_date >= DEMO.firstDate && m.invoice_date <= DEMO.lastDate)), 'invoice dates in Sep–Nov 2026');
  check(summary.flagged.total >= 12 && summary.flagged.total <= 13, '~12 flagged customers');
  check(summary.taxIds.missing === 1 && summary.flagged.blockedNoVat === 1, 'exactly one flagged customer without VAT');
  check(summary.moves.creditNotesWithoutOrigin === 1 && summary.moves.usdInvoices === 1 && summary.moves.termOver180Days === 1, 'one of each special document');
  check(Object.values(summary.documentsByDebtor).every((n) => n > 0), 'documents for every debtor category');
  check(summary.cesce.classifications === 15, '15 classifications in the Cesce seed');
  check(refunds.every((r) => !r.origin || (r.origin.cu === r.cu && r.origin.date <= r.date)), 'credit notes follow an invoice of the same customer');
  check(new Set(classifications.map((c) => c.taxCode)).size === classifications.length, 'distinct classified tax codes');
  check(new Set(customers.map((c) => c.taxCode).filter(Boolean)).size === customers.filter((c) => c.taxCode).length, 'distinct customer tax codes');

  return { odoo, sandbox, summary, countsMarkdown: countsMarkdown(summary) };
}

function countsMarkdown(s) {
  const rows = (pairs) => pairs.map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  return [
    '| Partners (res.partner) | count |',
    '|---|---|',
    rows([
      ['records in the file', s.partners.records],
      ['**debtors** (commercial customers the connector reads)', s.partners.debtors],
      ['— of which archived (active = false)', s.partners.archivedDebtors],
      ['invoice-address contacts (type invoice, parent = customer)', s.partners.invoiceAddresses],
      ['person contacts of customers', s.partners.personContacts],
      ['suppliers (customer_rank 0)', s.partners.suppliers],
      ['company, OdooBot, admin and bot-user partners', s.partners.companyAndUsers],
    ]),
    '',
    '| Debtor tax ids | count |',
    '|---|---|',
    rows([
      ['Spanish CIF without prefix', s.taxIds.spanishCif],
      ['Spanish CIF with `ES` prefix', s.taxIds.spanishCifWithEsPrefix],
      ['Spanish NIF (individuals)', s.taxIds.spanishNif],
      ...Object.entries(s.taxIds.euVat).map(([cc, n]) => [`EU VAT ${cc}`, n]),
      ['no VAT (blocked)', s.taxIds.missing],
      ['wrong check digit (blocked)', s.taxIds.invalidCheckDigit],
    ]),
    '',
    '| Flagged for a classification (x_cesce_requested_limit > 0) | count |',
    '|---|---|',
    rows([
      ['flagged in total', s.flagged.total],
      ['already classified in Cesce (no new request)', s.flagged.alreadyClassified],
      ['to request, ≤ 150 000 → classified at once', s.flagged.toRequestAutoGranted],
      ['to request, 250 000 → stays En trámite', s.flagged.toRequestStaysInProgress],
      ['to request, tax code in deniedTaxCodes → denied', s.flagged.toRequestDenied],
      ['blocked: no VAT', s.flagged.blockedNoVat],
      ['blocked: wrong check digit', s.flagged.blockedInvalidVat],
    ]),
    '',
    `| Cesce seed, policy ${DEMO.contractNo} | count |`,
    '|---|---|',
    rows([
      ['classifications', s.cesce.classifications],
      ['statusCode 2 (Clasificado)', s.cesce.classified],
      ['statusCode 1 (En trámite)', s.cesce.inProgress],
      ['statusCode 10 (Denegado)', s.cesce.denied],
      ['statusCode 66 (Baja)', s.cesce.cancelled],
      ['debtors without any classification', s.cesce.withoutClassification],
    ]),
    '',
    '| Documents (account.move) | count |',
    '|---|---|',
    rows([
      ['records in the file', s.moves.records],
      ['**posted customer documents the connector reads**', s.documentsToRead],
      ['— posted invoices (out_invoice)', s.moves.postedInvoices],
      ['— posted credit notes (out_refund)', s.moves.postedCreditNotes],
      ['credit notes reversing a whole invoice', s.moves.creditNotesTotalReversal],
      ['partial credit notes linked to an invoice', s.moves.creditNotesPartial],
      ['credit notes without origin (reversed_entry_id false)', s.moves.creditNotesWithoutOrigin],
      ['invoices in USD', s.moves.usdInvoices],
      ['invoices with a payment term over 180 days (210)', s.moves.termOver180Days],
      ['documents addressed to an invoice-address contact', s.moves.addressedToInvoiceContact],
      ['drafts (ignored)', s.moves.drafts],
      ['cancelled (ignored)', s.moves.cancelled],
      ['vendor bills (ignored)', s.moves.vendorBills],
      ['total of posted EUR invoices', `${s.moves.postedEurTotal} EUR`],
      ['total of posted EUR credit notes', `${s.moves.postedEurCreditNotes} EUR`],
    ]),
    '',
    '| Posted documents by the debtor’s situation | count |',
    '|---|---|',
    rows([
      ['classified (statusCode 2)', s.documentsByDebtor.classified],
      ['— of the archived classified customer', s.documentsByDebtor.classifiedArchived],
      ['debtor En trámite (1)', s.documentsByDebtor.inProgress],
      ['debtor denied (10)', s.documentsByDebtor.denied],
      ['debtor Baja (66)', s.documentsByDebtor.cancelled],
      ['debtor flagged, classification to be requested', s.documentsByDebtor.flaggedToRequest],
      ['— of which the debtor is blocked (no/invalid VAT: no request is sent)', s.documentsByDebtor.blockedDebtor],
      ['debtor without classification, not flagged', s.documentsByDebtor.withoutClassificationNotFlagged],
    ]),
  ].join('\n');
}

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
const START = '<!-- counts:start (generated by generate.mjs; do not edit) -->';
const END = '<!-- counts:end -->';

/** The README with its counts block replaced. */
export function readmeWithCounts(readme, markdown) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`examples/demo/README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, a + START.length)}\n${markdown}\n${readme.slice(b)}`;
}

function main(argv) {
  const out = generateDemo();
  const files = [
    [OUTPUT.odoo, json(out.odoo)],
    [OUTPUT.sandbox, json(out.sandbox)],
    [OUTPUT.readme, readmeWithCounts(readFileSync(OUTPUT.readme, 'utf8'), out.countsMarkdown)],
  ];
  if (argv.includes('--json')) {
    process.stdout.write(json(out.summary));
    return 0;
  }
  if (argv.includes('--check')) {
    const stale = files.filter(([file, text]) => {
      try {
        return readFileSync(file, 'utf8') !== text;
      } catch {
        return true;
      }
    });
    for (const [file] of stale) console.error(`out of date: ${relative(ROOT, file)} (run node examples/demo/generate.mjs)`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const [file, text] of files) {
    writeFileSync(file, text);
    console.log(`wrote ${relative(ROOT, file)}`);
  }
  console.log('');
  console.log(out.countsMarkdown);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
