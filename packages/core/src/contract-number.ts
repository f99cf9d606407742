/**
 * Cesce contract numbers: the modality code followed by the policy number, together and
 * without spaces [seed]: `34109150331` (341 Máster Oro Integral) or `38100029218`
 * (381 Póliza Clásica). Both examples have 3 + 8 digits.
 */
export const MODALITIES = {
  '341': 'Máster Oro Integral',
  '381': 'Póliza Clásica',
} as const;

export type ModalityCode = keyof typeof MODALITIES;

export interface ContractNumber {
  /** The 11-digit value sent in `/contracts/{contractNo}`. */
  value: string;
  modality: ModalityCode;
  modalityName: string;
  policyNumber: string;
}

export const CONTRACT_NUMBER_FORMAT =
  '11 digits without spaces: the modality (341 Máster Oro Integral or 381 Póliza Clásica) followed by the 8-digit policy number, e.g. 34109150331';

export type ContractNumberProblem =
  | 'empty'
  | 'separators'
  | 'non-digit'
  | 'missing-modality'
  | 'unknown-modality'
  | 'wrong-length';

export type ContractNumberResult =
  | { ok: true; contract: ContractNumber }
  | { ok: false; problem: ContractNumberProblem; message: string; suggestion?: string };

function isModality(code: string): code is ModalityCode {
  return Object.prototype.hasOwnProperty.call(MODALITIES, code);
}

/** Checks a contract number and explains what is wrong with it, suggesting a fix where one is clear. */
/** Letters typed for the digits they look like. */
const LOOK_ALIKES: Record<string, string> = { O: '0', o: '0', l: '1', I: '1', i: '1', S: '5', B: '8' };

/** The code point of the zero of a decimal digit's script (its digits are consecutive). */
function digitZeroOf(code: number): number {
  let zero = code;
  while (zero > 0 && /^\p{Nd}$/u.test(String.fromCodePoint(zero - 1))) zero -= 1;
  return zero;
}

export function checkContractNumber(input: unknown): ContractNumberResult {
  if (typeof input === 'number' && !(Number.isSafeInteger(input) && input >= 0)) {
    return { ok: false, problem: 'non-digit', message: `${String(input)} is not a whole number that can be read exactly; write the contract number in quotes, as text: ${CONTRACT_NUMBER_FORMAT}` };
  }
  const raw = typeof input === 'number' ? String(input) : typeof input === 'string' ? input : '';
  const trimmed = raw.trim();
  if (!trimmed) return { ok: false, problem: 'empty', message: `is empty; expected ${CONTRACT_NUMBER_FORMAT}` };
  const compact = trimmed.replace(/[\s.\-/]/g, '');
  if (compact !== trimmed) {
    const suggestion = /^\d{11}$/.test(compact) && isModality(compact.slice(0, 3)) ? compact : undefined;
    return {
      ok: false,
      problem: 'separators',
      message: `'${trimmed}' contains spaces or separators; expected ${CONTRACT_NUMBER_FORMAT}`,
      ...(suggestion ? { suggestion } : {}),
    };
  }
  if (!/^\d+$/.test(compact)) {
    // Full-width or other scripts' digits (NFKC and \p{Nd}), and letters typed for look-alike digits.
    const readable = [...compact.normalize('NFKC')]
      .map((ch) => {
        if (/^[0-9]$/.test(ch)) return ch;
        if (/^\p{Nd}$/u.test(ch)) return String(ch.codePointAt(0)! - digitZeroOf(ch.codePointAt(0)!));
        return LOOK_ALIKES[ch] ?? ch;
      })
      .join('');
    const suggestion = /^\d{11}$/.test(readable) && isModality(readable.slice(0, 3)) ? readable : undefined;
    return { ok: false, problem: 'non-digit', message: `'${trimmed}' must contain digits only (0-9); expected ${CONTRACT_NUMBER_FORMAT}`, ...(suggestion ? { suggestion } : {}) };
  }
  if (compact.length === 8) {
    return {
      ok: false,
      problem: 'missing-modality',
      message: `'${trimmed}' looks like a policy number without its modality; expected ${CONTRACT_NUMBER_FORMAT}`,
    };
  }
  if (compact.length !== 11) {
    return {
      ok: false,
      problem: 'wrong-length',
      message: `'${trimmed}' has ${compact.length} digits; expected ${CONTRACT_NUMBER_FORMAT}`,
    };
  }
  const modality = compact.slice(0, 3);
  if (!isModality(modality)) {
    return {
      ok: false,
      problem: 'unknown-modality',
      message: `'${trimmed}' starts with modality ${modality}; expected ${CONTRACT_NUMBER_FORMAT}`,
    };
  }
  return {
    ok: true,
    contract: { value: compact, modality, modalityName: MODALITIES[modality], policyNumber: compact.slice(3) },
  };
}

/** Parses a contract number or throws a `TypeError` with the reason. */
export function parseContractNumber(input: unknown): ContractNumber {
  const result = checkContractNumber(input);
  if (!result.ok) throw new TypeError(`Contract number ${result.message}`);
  return result.contract;
}
