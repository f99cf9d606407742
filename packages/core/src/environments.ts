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
}

export function resolveEnvironment(name: EnvironmentName, options: EnvironmentOptions = {}): Environment {
  const override = options.baseUrl?.trim();
  if (name === 'custom' && !override) {
    throw new TypeError("Environment 'custom' needs a base URL (cesce.baseUrl).");
  }
  const baseUrl = (override || KNOWN[name as Exclude<EnvironmentName, 'custom'>]).replace(/\/+$/, '');
  try {
    new URL(baseUrl);
  } catch {
    throw new TypeError(`Invalid Cesce base URL '${baseUrl}': expected an absolute http(s) URL.`);
  }
  return { name, baseUrl, requiresUserCredentials: name === 'pre' || name === 'pro' };
}

export function apiUrl(env: Environment, api: ApiName, path: string): string {
  return `${env.baseUrl}/${API_BASE_PATHS[api]}/${path.replace(/^\/+/, '')}`;
}
