import { checkContractNumber, OPERATION_SCOPES } from '@cesce-connect/core';
import type { SandboxApplication } from './data.js';
import type { HandlerContext, Reply } from './context.js';
import type { RouteDefinition } from './routes.js';
import { ruleError } from './rules/messages.js';
import type { PolicyState, TokenRecord } from './store.js';

export type Guarded = { ok: true; app: SandboxApplication; token: TokenRecord; policy: PolicyState } | { ok: false; reply: Reply };

/**
 * Checks common to every API call, in the order a request meets them: the gateway (Bearer token,
 * product subscription, scope), then the back end (contract number format, policy registered for
 * the application's policyholder and in this catalog, policy in force).
 */
export function guardApiCall(
  ctx: HandlerContext,
  route: RouteDefinition,
  contractNo: string | undefined,
  authorization: string | undefined,
): Guarded {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const token = m?.[1] ? ctx.store.token(m[1], ctx.nowMs()) : undefined;
  const app = token ? ctx.store.application(token.clientId) : undefined;
  // A token of another catalog is unknown here, like any invalid token ([inferred]).
  if (!token || !app || token.environment !== ctx.environment) return { ok: false, reply: ruleError('securityChecks') };
  if (!app.products.includes(route.product)) return { ok: false, reply: ruleError('productNotSubscribed') };
  const scope = OPERATION_SCOPES[route.operation];
  if (scope && !token.scopes.includes(scope)) return { ok: false, reply: ruleError('missingScope') };

  const raw = contractNo ?? '';
  const check = checkContractNumber(raw);
  if (!check.ok || check.contract.value !== raw) return { ok: false, reply: ruleError('contractFormat', { contractNo: raw }) };
  const policy = ctx.store.policy(raw);
  const inCatalog = !policy?.environments || policy.environments.includes(ctx.environment);
  if (!policy || policy.policyholderTaxCode !== app.policyholderTaxCode || !inCatalog) {
    return { ok: false, reply: ruleError('policyNotRegistered', { contractNo: raw }) };
  }
  if (ctx.today() > policy.expiryDate) {
    return { ok: false, reply: ruleError('policyExpired', { contractNo: raw, expiryDate: policy.expiryDate }) };
  }
  if (policy.inactive) return { ok: false, reply: ruleError('policyInactive', { contractNo: raw }) };
  return { ok: true, app, token, policy };
}

/** A parsed JSON request body. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJsonBody(raw: string): JsonBody {
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (err) {
    return { ok: false, error: `el cuerpo de la petición no es un JSON válido (${(err as Error).message})` };
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** First required field that is absent, null or empty (in the order given). */
export function firstMissing(body: Record<string, unknown>, required: readonly string[]): string | undefined {
  return required.find((f) => {
    const v = body[f];
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  });
}

/** A zod issue as a short Spanish detail: `el campo 'countryCode' no es válido (…)`. */
export function describeIssue(issue: { path: readonly PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'la petición no es válida';
  const path = issue.path.map(String).join('.');
  return path ? `el campo '${path}' no es válido (${issue.message})` : `la petición no es válida (${issue.message})`;
}

/** Query parameters as an object, empty values dropped. */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) if (v.trim() !== '' && !(k in out)) out[k] = v.trim();
  return out;
}

/** One page of `items` and its Movements-style pagination block (every value a string). */
export function paginate<T>(items: readonly T[], pageNo: number, pageSize: number): { page: T[]; pagination: Record<string, string> } {
  return {
    page: items.slice((pageNo - 1) * pageSize, pageNo * pageSize),
    pagination: {
      pageNo: String(pageNo),
      pageSize: String(pageSize),
      totalPages: String(Math.ceil(items.length / pageSize)),
      totalElements: String(items.length),
    },
  };
}
