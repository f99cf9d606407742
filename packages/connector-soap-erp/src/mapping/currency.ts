/** ISO 4217 minor units that are not 2 (the rest, and unknown codes, have 2). */
const DECIMALS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/** Decimals of a currency's amounts, e.g. EUR 2, JPY 0, KWD 3. */
export function currencyDecimals(code: string): number {
  return DECIMALS[code.toUpperCase()] ?? 2;
}
