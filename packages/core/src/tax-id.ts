/**
 * Tax identifiers of debtors. Cesce identifies a debtor by `taxCode` + `countryCode`; ERPs often
 * store the VAT number with its ISO country prefix ("ESB12345674"), which is stripped on purpose.
 */
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const CIF_CONTROL_LETTERS = 'JABCDEFGHI';

export type SpanishTaxIdKind = 'NIF' | 'NIE' | 'CIF';

export function spanishTaxIdKind(id: string): SpanishTaxIdKind | null {
  if (/^\d{8}[A-Z]$/.test(id) || /^[KLM]\d{7}[A-Z]$/.test(id)) return 'NIF';
  if (/^[XYZ]\d{7}[A-Z]$/.test(id)) return 'NIE';
  if (/^[ABCDEFGHJNPQRSUVW]\d{7}[0-9A-J]$/.test(id)) return 'CIF';
  return null;
}

function cifControl(body7: string): { digit: string; letter: string } {
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const n = body7.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      const d = n * 2;
      sum += Math.floor(d / 10) + (d % 10);
    } else sum += n;
  }
  const c = (10 - (sum % 10)) % 10;
  return { digit: String(c), letter: CIF_CONTROL_LETTERS[c]! };
}

/** Computes the check character of a Spanish tax id body (everything but the last character). */
export function spanishCheckCharacter(body: string): string {
  const first = body[0]!;
  if (/^\d{8}$/.test(body)) return DNI_LETTERS[Number(body) % 23]!;
  if (/^[KLM]\d{7}$/.test(body)) return DNI_LETTERS[Number(body.slice(1)) % 23]!;
  if (/^[XYZ]\d{7}$/.test(body)) return DNI_LETTERS[Number(String('XYZ'.indexOf(first)) + body.slice(1)) % 23]!;
  if (/^[ABCDEFGHJNPQRSUVW]\d{7}$/.test(body)) {
    const { digit, letter } = cifControl(body.slice(1));
    // Entities that use a letter: P, Q, R, S, N, W, and K-style; those that use a digit: A, B, E, H.
    return 'PQRSNW'.includes(first) ? letter : digit;
  }
  throw new TypeError(`'${body}' is not the body of a Spanish NIF, NIE or CIF`);
}

/** True when a Spanish NIF/NIE/CIF has a valid check character. */
export function isValidSpanishTaxId(id: string): boolean {
  const kind = spanishTaxIdKind(id);
  if (!kind) return false;
  const body = id.slice(0, -1);
  const check = id.slice(-1);
  if (kind === 'CIF') {
    const first = id[0]!;
    const { digit, letter } = cifControl(body.slice(1));
    if ('ABEH'.includes(first)) return check === digit;
    if ('PQRSNW'.includes(first)) return check === letter;
    return check === digit || check === letter;
  }
  return spanishCheckCharacter(body) === check;
}

/** National VAT number formats (without the country prefix) of the EU member states. */
export const EU_VAT_FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{12}$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
};

export interface NormalizedTaxId {
  /** The id as Cesce expects it: no country prefix, no separators, upper case. */
  taxCode: string;
  /** ISO 3166-1 alpha-2 country of the debtor. */
  countryCode: string;
}

export type TaxIdResult = { ok: true; value: NormalizedTaxId } | { ok: false; reason: string };

/**
 * Normalises a VAT/tax id read from an ERP. The country comes from the partner's country when
 * known, else from the VAT prefix. A prefix that disagrees with the partner's country is an error.
 * Spanish ids must have valid check characters; EU VAT numbers must match their national format.
 */
export function normalizeTaxId(raw: string | null | undefined, partnerCountry?: string | null): TaxIdResult {
  const compact = (raw ?? '').toUpperCase().replace(/[\s.\-/_]/g, '');
  if (!compact) return { ok: false, reason: 'no tax id (VAT) is set' };
  if (!/^[A-Z0-9]+$/.test(compact)) return { ok: false, reason: `tax id '${raw}' contains characters other than letters and digits` };
  const country = (partnerCountry ?? '').toUpperCase() || null;
  let prefix: string | null = null;
  let body = compact;
  const maybePrefix = compact.slice(0, 2);
  const vatCountry = maybePrefix === 'GR' ? 'EL' : maybePrefix;
  if (/^[A-Z]{2}/.test(compact) && (EU_VAT_FORMATS[vatCountry] || vatCountry === country)) {
    // "ES" + a Spanish id, or any EU prefix: strip it. A Spanish NIE starting with X/Y/Z is not a prefix.
    if (!(country === 'ES' && spanishTaxIdKind(compact))) {
      prefix = vatCountry === 'EL' ? 'GR' : vatCountry;
      body = compact.slice(2);
    }
  }
  const countryCode = country ?? prefix;
  if (!countryCode) return { ok: false, reason: `tax id '${raw}' has no country prefix and the partner has no country` };
  if (prefix && country && prefix !== country && !(prefix === 'GR' && country === 'GR')) {
    return { ok: false, reason: `tax id '${raw}' has country prefix ${prefix} but the partner's country is ${country}` };
  }
  if (countryCode === 'ES') {
    if (!spanishTaxIdKind(body)) return { ok: false, reason: `'${raw}' is not a Spanish NIF, NIE or CIF` };
    if (!isValidSpanishTaxId(body)) return { ok: false, reason: `Spanish tax id '${raw}' has a wrong check character` };
  } else {
    const fmt = EU_VAT_FORMATS[countryCode === 'GR' ? 'EL' : countryCode];
    if (fmt && !fmt.test(body)) return { ok: false, reason: `'${raw}' does not match the ${countryCode} VAT number format` };
  }
  return { ok: true, value: { taxCode: body, countryCode } };
}
