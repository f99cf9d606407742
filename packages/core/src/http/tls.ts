import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Checks PEM text holds at least one certificate; returns the certificates found. `where` names
 * the setting in the error (e.g. "cesce.tlsCa").
 */
export function parsePemCertificates(pem: string, where = 'tlsCa'): string[] {
  const certs = pem.match(PEM_CERT) ?? [];
  if (certs.length === 0) {
    throw new TypeError(`${where}: expected PEM text with at least one "-----BEGIN CERTIFICATE-----" block (e.g. the content of a .pem or .crt file).`);
  }
  return certs;
}

/**
 * A fetch that trusts the given CA certificates in addition to the system's public roots, with
 * certificate verification always on (it is never turned off). For a gateway or proxy whose
 * certificate is signed by a company CA.
 */
export function fetchWithCa(pem: string, base: typeof globalThis.fetch = globalThis.fetch): typeof globalThis.fetch {
  const ca = [...rootCertificates, ...parsePemCertificates(pem)];
  const dispatcher = new Agent({ connect: { ca } });
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) => base(input, { ...init, dispatcher } as RequestInit)) as typeof globalThis.fetch;
}

const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/**
 * When a fetch failed because the server's certificate could not be verified, a sentence saying
 * so and what to do; undefined for any other failure.
 */
export function describeTlsFailure(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.test(code)) {
      return `the server's TLS certificate could not be verified (${code}); if Cesce's gateway (or a proxy in between) uses a certificate of a private CA, set cesce.tlsCa to that CA's certificate ("file:PATH" of a PEM file); verification is never turned off`;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
