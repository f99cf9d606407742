import { API_BASE_PATHS, type OperationId } from '@cesce-connect/core';

/**
 * The URL layout of the emulator: one row per operation, relative to the emulator's base URL
 * (which stands for `https://api.cesce.es/sandbox`). Base paths come from core's `API_BASE_PATHS`
 * (`oauth2/v1` and `portfolio-movements/v1` are published; `classifications/v1`, `sales/v1` and
 * `collections/v1` are [inferred]); the paths below `/contracts/{contractNo}` are published on the portal.
 */
export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** Path template with `{contractNo}` and, for Claims, `{dossierNo}`, `{internalNo}` or `{settlementNo}`. */
  path: string;
  operation: OperationId;
  /** Product the application must be subscribed to. */
  product: 'oauth' | 'classifications' | 'sales' | 'movements' | 'collections' | 'claims' | 'financial';
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
  // Claims ([portal] paths; "dossiers/{dossierNo}" and "dossiers/{dossierNo}/recoveries" normalised from the
  // published typos; the document upload path is [inferred]).
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers`, operation: 'claims.dossiers', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}`, operation: 'claims.dossier', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/non-payments`, operation: 'claims.nonPayments', product: 'claims' },
  { method: 'POST', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/non-payments`, operation: 'claims.declareNonPayment', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/non-payments/{internalNo}`, operation: 'claims.nonPayment', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/settlements`, operation: 'claims.settlements', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/settlements/{settlementNo}`, operation: 'claims.settlement', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/settlements/{settlementNo}/unpaid-settlements`, operation: 'claims.unpaidSettlements', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/recoveries`, operation: 'claims.recoveries', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/documents`, operation: 'claims.documents', product: 'claims' },
  { method: 'POST', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/documents`, operation: 'claims.uploadDocument', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/processing-steps`, operation: 'claims.processingSteps', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/recovery-procedures`, operation: 'claims.recoveryProcedures', product: 'claims' },
  { method: 'GET', path: `/${API_BASE_PATHS.claims}/contracts/{contractNo}/dossiers/{dossierNo}/dates-pending-settlements`, operation: 'claims.datesPendingSettlements', product: 'claims' },
  // Financial: nothing is published; base path, paths and bodies are [inferred].
  { method: 'POST', path: `/${API_BASE_PATHS.financial}/contracts/{contractNo}/financing-requests`, operation: 'financial.request', product: 'financial' },
  { method: 'GET', path: `/${API_BASE_PATHS.financial}/contracts/{contractNo}/financing-requests`, operation: 'financial.list', product: 'financial' },
  { method: 'GET', path: `/${API_BASE_PATHS.financial}/contracts/{contractNo}/financing-requests/{requestNo}`, operation: 'financial.status', product: 'financial' },
  {
    method: 'POST',
    path: `/${API_BASE_PATHS.financial}/contracts/{contractNo}/financing-requests/{requestNo}/answer`,
    operation: 'financial.answerConditions',
    product: 'financial',
  },
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface CompiledRoute extends RouteDefinition {
  regex: RegExp;
  /** Names of the path parameters, in order (`contractNo` first). */
  names: string[];
}

const COMPILED: CompiledRoute[] = ROUTES.map((r) => {
  const names: string[] = [];
  const pattern = escapeRegExp(r.path).replace(/\\\{(\w+)\\\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]*)';
  });
  return { ...r, regex: new RegExp(`^${pattern}$`), names };
});

export type RouteMatch =
  | { kind: 'match'; route: RouteDefinition; contractNo: string | undefined; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

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
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      const v = m[i + 1];
      if (v !== undefined) params[name] = decode(v);
    });
    return { kind: 'match', route, contractNo: params.contractNo, params };
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}
