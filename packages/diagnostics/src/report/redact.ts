import { redact } from '@cesce-connect/core';

/**
 * Masks one piece of personal data, keeping enough to recognise it: `B65410011` → `B6*****11`,
 * `Construcciones Norte SL` → `Co*******************SL`, short values → `C***`.
 */
export function maskPersonal(value: string): string {
  const chars = [...value];
  if (chars.length >= 8) return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 4) + chars.slice(-2).join('');
  return `${chars[0] ?? ''}***`;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** Addresses of Cesce itself (cesce.es and its subdomains), which support must be able to read. */
const PUBLIC_EMAIL = /@(?:[a-z0-9-]+\.)*cesce\.es$/i;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;

/** The Markdown report's redaction: secrets, then personal data, e-mail addresses and URL user names. */
export function redactText(text: string, redaction: { secrets: readonly string[]; personal: readonly string[] }, personalToo: boolean): string {
  let out = String(redact(text, redaction.secrets));
  if (!personalToo) return out;
  // Longest first: a name that contains another is masked whole.
  for (const p of [...redaction.personal].sort((a, b) => b.length - a.length)) out = out.split(p).join(maskPersonal(p));
  // Cesce's own published addresses (e.g. in a knowledge-base fix) are not personal data.
  return out.replace(URL_USERINFO, '$1***@').replace(EMAIL, (m) => (PUBLIC_EMAIL.test(m) ? m : maskPersonal(m)));
}

/** Applies `redactText` to every string in a value. */
export function redactDeep<T>(value: T, redaction: { secrets: readonly string[]; personal: readonly string[] }, personalToo: boolean): T {
  if (typeof value === 'string') return redactText(value, redaction, personalToo) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redaction, personalToo)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redaction, personalToo);
    return out as T;
  }
  return value;
}
