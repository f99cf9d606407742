import { resolveEnvironment, type Environment } from '@cesce-connect/core';

/** Catalogs of Cesce's API gateway: one host, one path segment per environment ([portal] `/sandbox`). */
export const CATALOGS = ['sandbox', 'pre', 'pro'] as const;
export type CatalogName = (typeof CATALOGS)[number];

/**
 * The base URL of another catalog on the same gateway, when `baseUrl` ends with a catalog segment
 * (`https://api.cesce.es/pre`, or an emulator's `http://127.0.0.1:4010/pre`); undefined otherwise.
 */
export function siblingCatalogUrl(baseUrl: string, catalog: CatalogName): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const segments = url.pathname.replace(/\/+$/, '').split('/');
  const last = segments[segments.length - 1];
  if (!last || !(CATALOGS as readonly string[]).includes(last)) return undefined;
  segments[segments.length - 1] = catalog;
  url.pathname = segments.join('/');
  return url.toString().replace(/\/+$/, '');
}

/**
 * The environment to check: the configured one, or `override` (`--env`). With an override, a base
 * URL ending in a catalog segment is moved to the overriding catalog; any other base URL is kept.
 */
export function environmentToCheck(
  configured: 'sandbox' | 'pre' | 'pro' | 'custom',
  baseUrl: string | undefined,
  override: CatalogName | undefined,
): Environment {
  // Plain http:// for PRE/PRO is what network.tls reports, with its fix: the check describes it.
  if (!override || override === configured) return resolveEnvironment(configured, { baseUrl, allowPlainHttp: true });
  const moved = baseUrl ? (siblingCatalogUrl(baseUrl, override) ?? baseUrl) : undefined;
  return resolveEnvironment(override, { baseUrl: moved, allowPlainHttp: true });
}
