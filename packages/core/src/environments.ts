/**
 * Cesce environments. Only the sandbox token URL is published
 * (`https://api.cesce.es/sandbox/oauth2/v1/token`, [portal]); the PRE and PRO catalog
 * names are unknown ([inferred], see the fidelity table), so they can be overridden.
 */
export type EnvironmentName = 'sandbox' | 'pre' | 'pro' | 'custom';

export interface Environment {
  name: EnvironmentName;
  /** Base URL up to and including the catalog, without a trailing slash. */
  baseUrl: string;
  /** Whether username/password are required at the token endpoint. Sandbox does not issue them [seed]. */
  requiresUserCredentials: boolean;
}

/**
 * Base path of every API below the catalog. Only `oauth2` and `portfolio-movements` are published
 * ([portal], [third-party-client]); `classifications/v1`, `sales/v1`, `collections/v1`, `claims/v1` and
 * `financial/v1` are [inferred].
 */
export const API_BASE_PATHS = {
  oauth2: 'oauth2/v1',
  classifications: 'classifications/v1',
  sales: 'sales/v1',
  /** [portal] "Punto final" of Customer Portfolio Movements. */
  movements: 'portfolio-movements/v1',
  /** [inferred] */
  collections: 'collections/v1',
  /** [inferred] Claims (portal node/3131 publishes paths below /contracts only). */
  claims: 'claims/v1',
  /** [inferred] Financial has no public page at all. */
  financial: 'financial/v1',
} as const;

export type ApiName = keyof typeof API_BASE_PATHS;

const KNOWN: Record<Exclude<EnvironmentName, 'custom'>, string> = {
  sandbox: 'https://api.cesce.es/sandbox',
  // [inferred] catalog names for PRE and PRO are not published.
  pre: 'https://api.cesce.es/pre',
  pro: 'https://api.cesce.es/pro',
};

export interface EnvironmentOptions {
  /** Overrides the base URL (e.g. the local emulator, or the real PRE catalog once known). */
  baseUrl?: string | undefined;
  /**
   * Accepts plain http:// in PRE and PRO on any host. Only for tools that describe a target
   * without sending credentials to it (e.g. `cesce diagnose`, which reports it as a failed check);
   * CesceClient never sets it.
   */
  allowPlainHttp?: boolean | undefined;
}

export function resolveEnvironment(name: EnvironmentName, options: EnvironmentOptions = {}): Environment {
  const override = options.baseUrl?.trim();
  if (name === 'custom' && !override) {
    throw new TypeError("Environment 'custom' needs a base URL (cesce.baseUrl).");
  }
  const baseUrl = (override || KNOWN[name as Exclude<EnvironmentName, 'custom'>]).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`Invalid Cesce base URL '${baseUrl}': expected an absolute http(s) URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`Invalid Cesce base URL '${baseUrl}': expected an absolute http(s) URL.`);
  }
  if ((name === 'pre' || name === 'pro') && url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.allowPlainHttp) {
    throw new TypeError(
      `cesce.baseUrl '${baseUrl}' uses plain http:// in ${name.toUpperCase()}: credentials, tokens and declarations would travel unencrypted. ` +
        'Use the https:// address of the gateway (set cesce.tlsCa to a file:PATH of its CA certificate if it is signed by a private CA); plain http:// is only accepted on this machine (127.0.0.1, ::1, localhost), e.g. for the emulators.',
    );
  }
  return { name, baseUrl, requiresUserCredentials: name === 'pre' || name === 'pro' };
}

/** 127.0.0.0/8, ::1 and localhost: addresses that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return !!v4 && Number(v4[1]) === 127 && v4.slice(2).every((p) => Number(p) <= 255);
}

export function apiUrl(env: Environment, api: ApiName, path: string): string {
  return `${env.baseUrl}/${API_BASE_PATHS[api]}/${path.replace(/^\/+/, '')}`;
}
