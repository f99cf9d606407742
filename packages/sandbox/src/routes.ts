import { API_BASE_PATHS, type OperationId } from '@cesce-connect/core';

/**
 * The URL layout of the emulator: one row per operation, relative to the emulator's base URL
 * (which stands for `https://api.cesce.es/sandbox`). Base paths come from core's `API_BASE_PATHS`
 * (`oauth2/v1` and `portfolio-movements/v1` are published; `classifications/v1`, `sales/v1` and
 * `collections/v1` are [inferred]); the paths below `/contracts/{contractNo}` are published on the portal.
 */
export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** Path template with `{contractNo}`. */
  path: string;
  operation: OperationId;
  /** Product the application must be subscribed to. */
  product: 'oauth' | 'classifications' | 'sales' | 'movements' | 'collections';
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: `/${API_BASE_PATHS.oauth2}/token`, operation: 'token', product: 'oauth' },
  {
    method: 'GET',
    path: `/${API_BASE_PATHS.classifications}/contracts/{contractNo}/classifications`,
    operation: 'classifications.query',
    product: 'classifications',
  },
  {
    method: 'POST',
    path: `/${API_BASE_PATHS.classifications}/contracts/{contractNo}/classifications`,
    operation: 'classifications.create',
    product: 'classifications',
  },
  {
    method: 'POST',
    path: `/${API_BASE_PATHS.classifications}/contracts/{contractNo}/classifications/activate-deactivate`,
    operation: 'classifications.activateDeactivate',
    product: 'classifications',
  },
  {
    method: 'POST',
    path: `/${API_BASE_PATHS.classifications}/contracts/{contractNo}/classifications/cancel`,
    operation: 'classifications.cancel',
    product: 'classifications',
  },
  {
    method: 'POST',
    path: `/${API_BASE_PATHS.classifications}/contracts/{contractNo}/classifications/accept-deny-premium`,
    operation: 'classifications.acceptDenyPremium',
    product: 'classifications',
  },
  { method: 'GET', path: `/${API_BASE_PATHS.movements}/contracts/{contractNo}/movements`, operation: 'movements.list', product: 'movements' },
  { method: 'POST', path: `/${API_BASE_PATHS.sales}/contracts/{contractNo}/sales`, operation: 'sales.create', product: 'sales' },
  { method: 'GET', path: `/${API_BASE_PATHS.sales}/contracts/{contractNo}/sales`, operation: 'sales.list', product: 'sales' },
  { method: 'GET', path: `/${API_BASE_PATHS.sales}/contracts/{contractNo}/sale`, operation: 'sales.consult', product: 'sales' },
  { method: 'POST', path: `/${API_BASE_PATHS.sales}/contracts/{contractNo}/sale`, operation: 'sales.modify', product: 'sales' },
  { method: 'GET', path: `/${API_BASE_PATHS.sales}/contracts/{contractNo}/subsidiaries`, operation: 'sales.subsidiaries', product: 'sales' },
  {
    method: 'POST',
    path: `/${API_BASE_PATHS.collections}/contracts/{contractNo}/collections`,
    operation: 'collections.create',
    product: 'collections',
  },
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface CompiledRoute extends RouteDefinition {
  regex: RegExp;
}

const COMPILED: CompiledRoute[] = ROUTES.map((r) => ({
  ...r,
  regex: new RegExp(`^${escapeRegExp(r.path).replace('\\{contractNo\\}', '([^/]*)')}$`),
}));

export type RouteMatch =
  | { kind: 'match'; route: RouteDefinition; contractNo: string | undefined }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** Finds the route for a method and a (still percent-encoded) path. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of COMPILED) {
    const m = route.regex.exec(pathname);
    if (!m) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    let contractNo: string | undefined;
    if (m[1] !== undefined) {
      try {
        contractNo = decodeURIComponent(m[1]);
      } catch {
        contractNo = m[1];
      }
    }
    return { kind: 'match', route, contractNo };
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}
