/**
 * Classification `statusCode` → named state. Only `1` (En Trámite) is published ([support-page]);
 * `2`, `10` and `66` are seen in live Movements data without meanings ([third-party-client]).
 * The meanings given to them here are [inferred] and kept as data so they can be corrected.
 */
export type ClassificationState = 'in-progress' | 'classified' | 'denied' | 'cancelled' | 'unknown';

export interface StatusCodeInfo {
  state: ClassificationState;
  label: { es: string; en: string };
  /** Whether sales can be declared on the debtor in this state. */
  active: boolean;
  inferred: boolean;
}

export const CLASSIFICATION_STATUS_CODES: Record<string, StatusCodeInfo> = {
  '1': { state: 'in-progress', label: { es: 'En trámite', en: 'In progress' }, active: false, inferred: false },
  '2': { state: 'classified', label: { es: 'Clasificado', en: 'Classified' }, active: true, inferred: true },
  '10': { state: 'denied', label: { es: 'Denegado', en: 'Denied' }, active: false, inferred: true },
  '66': { state: 'cancelled', label: { es: 'Baja', en: 'Cancelled (Baja)' }, active: false, inferred: true },
};

/** Looks a status code up; unknown codes are kept as `unknown`, never crashed on. */
export function describeStatusCode(code: string | null | undefined): StatusCodeInfo & { code: string } {
  const c = String(code ?? '').trim();
  const known = CLASSIFICATION_STATUS_CODES[c];
  if (known) return { ...known, code: c };
  return {
    code: c,
    state: 'unknown',
    label: { es: `Estado ${c || 'desconocido'}`, en: `Unknown status ${c || '(empty)'}` },
    active: false,
    inferred: true,
  };
}
