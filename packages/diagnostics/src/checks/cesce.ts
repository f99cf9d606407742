/**
 * Credentials, scopes, contract and policy checks against Cesce: one token request, then one
 * harmless read per configured API. Every refusal is named with its knowledge-base entry and a fix
 * for this environment.
 */
import {
  CesceApiError,
  CesceAuthError,
  CesceClient,
  CesceResponseError,
  checkContractNumber,
  fetchWithCa,
  NetworkError,
  OPERATION_SCOPES,
  resolveEnvironment,
  TokenProvider,
  type AccessToken,
  type Credentials,
  type KnowledgeBaseEntry,
  type OperationId,
} from '@cesce-connect/core';
import { CATALOGS, siblingCatalogUrl, type CatalogName } from '../catalogs.js';
import { CESCE_APIS, kbReference, type CesceApi, type CheckDefinition, type CheckOutcome, type DiagnosticContext } from '../types.js';
import { contractCandidates, valueAt } from './config.js';

/**
 * The operations each feature of cesce-connect uses, per configured API: the scopes an
 * installation needs are derived from them through core's `OPERATION_SCOPES`.
 */
export const API_OPERATIONS: Record<CesceApi, readonly OperationId[]> = {
  // sync: looks debtors up, requests classifications for new ones
  classifications: ['classifications.query', 'classifications.create'],
  // sync: declares invoices and credit notes, reconciles with the sales list
  sales: ['sales.create', 'sales.list'],
  // non-payments: declared on a dossier, documents uploaded, dossiers listed
  claims: ['claims.dossiers', 'claims.declareNonPayment', 'claims.uploadDocument'],
  // financing: requests, their list, accepting conditions
  financial: ['financial.request', 'financial.list', 'financial.answerConditions'],
};

/** Name of each API's product in the Cesce portal. */
const PRODUCT_NAMES: Record<CesceApi, string> = {
  classifications: 'Classifications',
  sales: 'Sales',
  claims: 'Claims',
  financial: 'Financial',
};

/** The scopes an API needs, in the portal's order (create read update delete). */
export function scopesNeeded(api: CesceApi): string[] {
  const needed = new Set(API_OPERATIONS[api].map((op) => OPERATION_SCOPES[op]));
  return (['create', 'read', 'update', 'delete'] as const).filter((s) => needed.has(s));
}

/** A syntactically valid Spanish tax id (CIF) no debtor has: the classification query changes nothing. */
const PROBE_TAX_CODE = 'B00000000';
/** Stands in for a malformed contract number so a client can be built; never sent. */
const PLACEHOLDER_CONTRACT = '34100000000';

interface HarmlessRead {
  operation: OperationId;
  /** What was asked, for messages. */
  asked: string;
  /** Runs the read; returns what Cesce answered, for `observed`. */
  run(client: CesceClient): Promise<string>;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One read per API that changes nothing at Cesce. */
const READS: Record<CesceApi, HarmlessRead> = {
  classifications: {
    operation: 'classifications.query',
    asked: `a classification query for the test tax id ${PROBE_TAX_CODE}`,
    async run(client) {
      // A "no classification" answer (400) comes after the policy checks: core returns [] for it.
      const found = await client.classifications.query({ taxCode: PROBE_TAX_CODE, countryCode: 'ES' });
      return `the classification query answered (${plural(found.length, 'classification')} for the test tax id ${PROBE_TAX_CODE})`;
    },
  },
  sales: {
    operation: 'sales.list',
    asked: 'the first page of the sales list',
    async run(client) {
      const page = await client.sales.listPage({}, 1);
      return `the sales list answered (${plural(page.totalElements, 'sale')} declared)`;
    },
  },
  claims: {
    operation: 'claims.dossiers',
    asked: 'the first page of the claim files (dossiers)',
    async run(client) {
      const page = await client.claims.listDossiersPage({}, 1);
      return `the claim-file list answered (${plural(page.totalElements, 'dossier')})`;
    },
  },
  financial: {
    operation: 'financial.list',
    asked: 'the list of financing requests',
    async run(client) {
      const list = await client.financial.list();
      return `the financing-request list answered (${plural(list.length, 'request')})`;
    },
  },
};

function envLabel(ctx: DiagnosticContext): string {
  const name = ctx.environment?.name ?? 'sandbox';
  return name === 'custom' ? 'the custom environment' : name.toUpperCase();
}

/** The environment as an adjective: "your PRE application", "your application for this environment". */
function envAdjective(ctx: DiagnosticContext): { of: (noun: string) => string } {
  const name = ctx.environment?.name ?? 'sandbox';
  return { of: (noun) => (name === 'custom' ? `${noun} for this environment` : `${name === 'sandbox' ? 'sandbox' : name.toUpperCase()} ${noun}`) };
}

function catalogLabel(name: CatalogName): string {
  return name === 'sandbox' ? 'sandbox' : name.toUpperCase();
}

function credentialsOf(ctx: DiagnosticContext): Credentials {
  const c = ctx.cesce!;
  return { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password };
}

/** The CA certificates to trust: the option of the library call, else `cesce.tlsCa`. */
export function tlsCaOf(ctx: DiagnosticContext): string | undefined {
  return ctx.options.tlsCa ?? ctx.cesce?.tlsCa;
}

/** A Cesce client with the configured credentials for the checked environment and `contractNo`. */
function buildClient(ctx: DiagnosticContext, contractNo: string): CesceClient {
  const c = ctx.cesce!;
  const env = ctx.environment!;
  return new CesceClient({
    environment: env.name,
    baseUrl: env.baseUrl,
    contractNo,
    credentials: credentialsOf(ctx),
    scope: c.scope,
    timeoutMs: c.timeoutMs,
    // A diagnosis reports what Cesce answered, without waiting through retries.
    retry: { limit: 0 },
    tlsCa: tlsCaOf(ctx),
    clock: ctx.clock,
  });
}

const requestedScopes = (ctx: DiagnosticContext): string[] => [...new Set(ctx.cesce!.scope.split(/\s+/).filter(Boolean))];

/** The scopes the configured APIs need, each with the APIs that need it. */
function neededScopes(ctx: DiagnosticContext): Map<string, CesceApi[]> {
  const needed = new Map<string, CesceApi[]>();
  for (const api of ctx.cesce!.apis) for (const s of scopesNeeded(api)) needed.set(s, [...(needed.get(s) ?? []), api]);
  return needed;
}

function kb(entry: KnowledgeBaseEntry | undefined): CheckOutcome['kb'] {
  return entry ? kbReference(entry) : undefined;
}

/** "401 invalid_client", "403 POL003": what Cesce answered, without its (possibly echoing) body. */
function answerOf(error: CesceApiError): string {
  return `${error.status}${error.cesceCode && error.cesceCode !== String(error.status) ? ` ${error.cesceCode}` : ''}`;
}

/** A failure that is not a Cesce business answer: network, unusable body, or a bug. */
function transportFailure(error: unknown, ctx: DiagnosticContext, what: string): CheckOutcome {
  if (error instanceof NetworkError) {
    return {
      status: 'fail',
      observed: `${what}: ${error.message}`,
      fix: error.timedOut
        ? `Cesce did not answer within ${ctx.cesce!.timeoutMs} ms: check the proxy and firewall between this machine and ${ctx.environment!.baseUrl} (see the connectivity checks), or raise cesce.timeoutMs.`
        : `This machine cannot reach ${ctx.environment!.baseUrl}: check cesce.baseUrl, DNS, the proxy and the firewall (see the connectivity checks).`,
    };
  }
  if (error instanceof CesceResponseError) {
    return { status: 'fail', observed: `${what}: ${error.message}`, fix: error.hint };
  }
  throw error;
}

/** A Cesce answer that no specific rule below explains: its knowledge-base entry and fix. */
function genericAnswer(error: CesceApiError, ctx: DiagnosticContext, what: string): CheckOutcome {
  const transient = error.retryable || error.status === 429 || error.status >= 500;
  return {
    status: 'fail',
    observed: `${what}: Cesce answered ${answerOf(error)} in ${envLabel(ctx)} (${error.cesceMessage || 'no message'})`,
    fix: transient ? `Cesce is busy or unavailable right now: run the diagnosis again in a few minutes. ${error.entry.fix.en}` : error.entry.fix.en,
    kb: kb(error.entry),
  };
}

// ---- auth.token ------------------------------------------------------------------------------

type SiblingResult = { catalog: CatalogName; url: string; outcome: 'issued' | 'client-known' | 'refused' | 'error' };

/**
 * Tries the same credentials on the other catalogs of the same gateway (same origin, never another
 * host). `issued`: a token; `client-known`: the client id and secret were accepted but something
 * after them was refused (username/password, scope, OAuth product).
 */
async function trySiblingCatalogs(ctx: DiagnosticContext, refusal: 'invalid_client' | 'invalid_grant'): Promise<SiblingResult[]> {
  const env = ctx.environment!;
  const own = new URL(env.baseUrl).pathname.replace(/\/+$/, '').split('/').pop();
  // After invalid_grant the client was known: only another catalog that checks usernames can say more.
  const others = CATALOGS.filter((c) => c !== own && (refusal === 'invalid_client' || c !== 'sandbox'));
  // PRE and PRO before the sandbox: the likelier mix-up, and the sandbox ignores usernames.
  others.sort((a, b) => Number(a === 'sandbox') - Number(b === 'sandbox'));
  const results: SiblingResult[] = [];
  for (const catalog of others) {
    const url = siblingCatalogUrl(env.baseUrl, catalog);
    if (!url || new URL(url).origin !== new URL(env.baseUrl).origin) continue;
    const outcome = await probeToken(ctx, catalog, url);
    results.push({ catalog, url, outcome });
    if (outcome === 'issued') break;
  }
  return results;
}

/** Asks one catalog (same host as the config's) for a token with the configured credentials. */
async function probeToken(ctx: DiagnosticContext, catalog: CatalogName, url: string): Promise<SiblingResult['outcome']> {
  const credentials = credentialsOf(ctx);
  const provider = new TokenProvider({
    environment: resolveEnvironment(catalog, { baseUrl: url }),
    // The sandbox does not use a username or password: they are not sent there.
    credentials: catalog === 'sandbox' ? { clientId: credentials.clientId, clientSecret: credentials.clientSecret } : credentials,
    scope: ctx.cesce!.scope,
    timeoutMs: ctx.cesce!.timeoutMs,
    clock: ctx.clock,
    ...(tlsCaOf(ctx) ? { fetch: fetchWithCa(tlsCaOf(ctx)!) } : {}),
  });
  try {
    const token = await provider.getToken();
    ctx.secret(token.value);
    return 'issued';
  } catch (error) {
    // Refusals that come after the client id and secret were accepted.
    const known =
      error instanceof CesceAuthError &&
      (['invalid_grant', 'invalid_scope', 'invalid_request'].includes(error.cesceCode ?? '') || error.entry.id === 'cesce-401-product-subscription');
    return known ? 'client-known' : error instanceof CesceAuthError ? 'refused' : 'error';
  }
}

/**
 * A base URL without its catalog (`https://gateway` instead of `https://gateway/pre`) sends the
 * token request to whatever the host serves at its root. When the same host with the configured
 * environment's catalog issues a token, the catalog is what is missing, not the credentials.
 */
async function catalogMissing(ctx: DiagnosticContext, error: CesceAuthError): Promise<CheckOutcome | undefined> {
  const env = ctx.environment!;
  if (env.name === 'custom' || siblingCatalogUrl(env.baseUrl, 'sandbox')) return undefined;
  const url = `${env.baseUrl.replace(/\/+$/, '')}/${env.name}`;
  if ((await probeToken(ctx, env.name, url)) !== 'issued') return undefined;
  return {
    status: 'fail',
    observed: `${envLabel(ctx)} at ${env.baseUrl} refused the credentials (${answerOf(error)}), but the same host with the ${envLabel(ctx)} catalog, ${url}, issues a token: cesce.baseUrl lacks its catalog`,
    fix: `Set cesce.baseUrl to ${url}. A base URL names the gateway and the catalog of the environment (/sandbox, /pre or /pro), as in https://api.cesce.es/sandbox.`,
    kb: kb(error.entry),
    data: { refusal: error.cesceCode, catalogUrl: url },
  };
}

function credentialsMixUp(ctx: DiagnosticContext, error: CesceAuthError, siblings: SiblingResult[]): CheckOutcome | undefined {
  const env = ctx.environment!;
  const here = envLabel(ctx);
  const issued = siblings.find((s) => s.outcome === 'issued');
  // After invalid_grant the client id and secret were known here too: only a token says more.
  const known = error.cesceCode === 'invalid_client' ? siblings.find((s) => s.outcome === 'client-known') : undefined;
  const match = issued ?? known;
  if (!match) return undefined;
  const there = catalogLabel(match.catalog);
  const override = ctx.options.environment ? ` (or run diagnose with --env ${match.catalog})` : '';
  const ownCredentials =
    env.name === 'sandbox'
      ? 'Use the sandbox application’s client id and secret (the sandbox needs no username or password)'
      : `Use the ${envAdjective(ctx).of('credentials')}: cesce.clientId and cesce.clientSecret of your ${envAdjective(ctx).of('application')}, and cesce.username / cesce.password sent by e-mail from noreply@cesce.es for ${here}. PRE and PRO have separate credentials`;
  const observed = issued
    ? `${here} refused the credentials (${answerOf(error)}), but the same credentials get a token from ${there} at ${match.url}: these are ${there} credentials used against ${here}`
    : `${here} refused the credentials (${answerOf(error)}); ${there} at ${match.url} knows the client id and secret (it refused only what comes after them): these are ${there} client credentials used against ${here}`;
  return {
    status: 'fail',
    observed,
    details: siblings.map((s) => `${catalogLabel(s.catalog)} (${s.url}): ${s.outcome === 'issued' ? 'token issued' : s.outcome === 'client-known' ? 'client id and secret known' : s.outcome === 'refused' ? 'credentials refused' : 'no answer'}`),
    fix: `${ownCredentials}. Or, if this installation is meant for ${there}, point the config at it: cesce.environment "${match.catalog}" and cesce.baseUrl ${match.url}${override}.`,
    kb: kb(error.entry),
    data: { issuedFor: issued ? match.catalog : undefined, clientKnownIn: known?.catalog, refusal: error.cesceCode, tried: siblings.map((s) => s.catalog) },
  };
}

async function tokenRefused(ctx: DiagnosticContext, error: CesceAuthError): Promise<CheckOutcome> {
  const env = ctx.environment!;
  const here = envLabel(ctx);
  const code = error.cesceCode;
  if ((code === 'invalid_client' || code === 'invalid_grant') && siblingCatalogUrl(env.baseUrl, 'sandbox')) {
    const mixUp = credentialsMixUp(ctx, error, await trySiblingCatalogs(ctx, code));
    if (mixUp) return mixUp;
  }
  if (code === 'invalid_client' || code === 'invalid_grant') {
    const missing = await catalogMissing(ctx, error);
    if (missing) return missing;
  }
  if (code === 'invalid_client' || (error.status === 401 && error.entry.id === 'cesce-401-client-credentials')) {
    return {
      status: 'fail',
      observed: `${here} refused the client id and secret (${answerOf(error)}): the application is unknown or the secret does not match`,
      fix:
        env.name === 'sandbox'
          ? 'Copy the CLIENT ID and CLIENT SECRET of your sandbox application from the Cesce portal again into cesce.clientId and into the variable or file cesce.clientSecret refers to. The sandbox needs no username or password.'
          : `Copy the CLIENT ID and CLIENT SECRET of your ${envAdjective(ctx).of('application')} from the Cesce portal again into cesce.clientId and into the variable or file cesce.clientSecret refers to. PRE and PRO have separate credentials: the sandbox or the other environment’s do not work in ${here}.`,
      kb: kb(error.entry),
      data: { refusal: code },
    };
  }
  if (error.status === 404 || error.status === 405) {
    // Nothing answers token requests there: a path that is not Cesce's API gateway.
    return {
      status: 'fail',
      observed: `${here}: ${ctx.environment!.baseUrl}/oauth2/v1/token answered ${error.status} (${answerOf(error)}): no token endpoint there`,
      fix: 'cesce.baseUrl does not point at Cesce’s API gateway: it must be the gateway host and the catalog of the environment, e.g. https://api.cesce.es/sandbox (or an emulator’s URL as it prints it).',
      kb: kb(error.entry),
      data: { refusal: `http-${error.status}` },
    };
  }
  if (code === 'invalid_request' && !ctx.environment!.requiresUserCredentials) {
    // The sandbox asks no username or password: the request itself was refused.
    return {
      status: 'fail',
      observed: `${here} refused the token request as malformed (${answerOf(error)})`,
      fix: 'The sandbox needs only cesce.clientId and cesce.clientSecret. Check that cesce.baseUrl points at Cesce’s gateway (a proxy or another server answers otherwise), and attach this report to a support request if it does.',
      kb: kb(error.entry),
      data: { refusal: code },
    };
  }
  if (code === 'invalid_grant' || code === 'invalid_request') {
    return {
      status: 'fail',
      observed: `${here} accepted the client id and secret but refused the username or password (${answerOf(error)})`,
      fix: `Use the USERNAME and PASSWORD Cesce sent by e-mail from noreply@cesce.es for ${here} (not the ones of your registration on the Cesce website) in cesce.username and in the variable or file cesce.password refers to.`,
      kb: kb(error.entry),
      data: { refusal: code },
    };
  }
  if (code === 'invalid_scope') {
    const refused = /'([^']+)'/.exec(error.cesceMessage)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    const needed = neededScopes(ctx);
    const neededRefused = refused.filter((s) => needed.has(s));
    const enough = [...needed.keys()].join(' ');
    const fix =
      refused.length > 0 && neededRefused.length === 0
        ? `The application does not have ${refused.join(', ')}, and this installation does not need ${refused.length === 1 ? 'it' : 'them'}: set cesce.scope to "${enough}" (what ${ctx.cesce!.apis.join(', ')} need).`
        : `Ask for the scope${neededRefused.length === 1 ? '' : 's'} ${(neededRefused.length > 0 ? neededRefused : refused).join(', ') || '(see Cesce’s message)'} on your application in the Cesce portal (${ctx.cesce!.apis.join(', ')} need ${enough}), or request only the scopes the application has in cesce.scope.`;
    return {
      status: 'fail',
      observed: `${here} refused the requested scope${refused.length === 1 ? '' : 's'} ${refused.length > 0 ? refused.map((s) => `'${s}'`).join(', ') : `in "${ctx.cesce!.scope}"`} (${answerOf(error)}): the application was not granted ${refused.length === 1 ? 'it' : 'them'}`,
      fix,
      kb: kb(error.entry),
      data: { refusal: code, refusedScopes: refused, requested: requestedScopes(ctx) },
    };
  }
  if (error.entry.id === 'cesce-401-product-subscription') {
    return {
      status: 'fail',
      observed: `${here} refused the token request: the application is not subscribed to the OAuth product (${answerOf(error)})`,
      fix: `Log in to the Cesce portal for ${here}, open ‘Productos’, choose the OAuth product, select your application and press ‘Continuar’; without the OAuth product no token is issued.`,
      kb: kb(error.entry),
      data: { refusal: 'oauth-product' },
    };
  }
  return genericAnswer(error, ctx, 'token request');
}

const authToken: CheckDefinition = {
  id: 'auth.token',
  group: 'auth',
  title: 'Token (client id, secret, username, password)',
  // network.reachability is ignored when it is not among the checks run.
  needs: ['config.required', 'network.reachability'],
  async run(ctx) {
    const c = ctx.cesce!;
    const env = ctx.environment!;
    const contract = checkContractNumber(c.contractNo);
    let client: CesceClient;
    try {
      client = buildClient(ctx, contract.ok ? contract.contract.value : PLACEHOLDER_CONTRACT);
    } catch (error) {
      return { status: 'fail', observed: (error as Error).message, fix: 'Complete the cesce section as the message says (see config.required).' };
    }
    let token: AccessToken;
    try {
      token = await client.tokens.getToken();
    } catch (error) {
      if (error instanceof CesceAuthError) return tokenRefused(ctx, error);
      return transportFailure(error, ctx, 'token request');
    }
    ctx.secret(token.value);
    ctx.token = token;
    ctx.client = client;
    const lifetime = Math.round((token.expiresAt - ctx.clock()) / 1000);
    const scope = token.scope === undefined ? `no scope named (requested "${c.scope}")` : `scope "${token.scope}"`;
    const observed = `${envLabel(ctx)} issued a token at ${client.tokens.url}: valid ${lifetime} s, ${scope}`;
    const data = { environment: env.name, tokenUrl: client.tokens.url, lifetimeSeconds: lifetime, scope: token.scope ?? null };
    if (lifetime <= 60) {
      return {
        status: 'warn',
        observed,
        fix: 'Tokens this short are renewed before nearly every call (cesce-connect renews 60 s before expiry): ask Cesce why the token lifetime is so short, and check the clock of this machine (see the clock check).',
        data,
      };
    }
    return { status: 'pass', observed, data };
  },
};

// ---- auth.scopes -----------------------------------------------------------------------------

const authScopes: CheckDefinition = {
  id: 'auth.scopes',
  group: 'auth',
  title: 'Scopes for the APIs used',
  needs: ['auth.token'],
  async run(ctx) {
    const c = ctx.cesce!;
    const fromToken = ctx.token?.scope;
    const granted = new Set((fromToken ?? c.scope).split(/\s+/).filter(Boolean));
    const source = fromToken === undefined ? `Cesce did not say which scopes it granted; assuming the requested "${c.scope}"` : `granted "${fromToken}"`;
    const needed = neededScopes(ctx);
    const missing = [...needed.keys()].filter((s) => !granted.has(s));
    const data = { granted: [...granted], needed: Object.fromEntries(c.apis.map((a) => [a, scopesNeeded(a)])), missing, fromToken: fromToken !== undefined };
    if (missing.length === 0) {
      return { status: 'pass', observed: `${source}; ${c.apis.map((a) => `${a} needs ${scopesNeeded(a).join('+')}`).join(', ')}`, data };
    }
    const requested = new Set(requestedScopes(ctx));
    const notRequested = missing.filter((s) => !requested.has(s));
    return {
      status: 'fail',
      observed: `${source}; missing ${missing.map((s) => `'${s}'`).join(', ')}`,
      details: missing.map(
        (s) => `${s}: needed by ${needed.get(s)!.map((a) => `${a} (${API_OPERATIONS[a].filter((op) => OPERATION_SCOPES[op] === s).join(', ')})`).join('; ')}`,
      ),
      fix:
        notRequested.length > 0
          ? `Add ${notRequested.join(' ')} to cesce.scope (e.g. "${[...new Set([...requested, ...missing])].join(' ')}"), and make sure your application has ${notRequested.length === 1 ? 'that scope' : 'those scopes'} in the Cesce portal.`
          : `Cesce granted fewer scopes than requested: ask for ${missing.join(', ')} on your application in the Cesce portal (or ask Cesce's support which scopes it was given).`,
      data,
    };
  },
};

// ---- policy ----------------------------------------------------------------------------------

/** Whether an API answer is a refusal at the gateway (product or scope), before the policy is looked at. */
function gateRefusal(error: CesceApiError): 'product' | 'scope' | undefined {
  if (error.status === 401 && error.entry.id === 'cesce-401-product-subscription') return 'product';
  if ((error.status === 403 || error.status === 401) && /\bscope\b/i.test(error.cesceMessage)) return 'scope';
  return undefined;
}

function policyExpiredFix(ctx: DiagnosticContext, contractNo: string): string {
  const pre = 'In PRE: ask Cesce’s Transformation team to update the policy’s expiry date.';
  const pro = 'In PRO: ask your commercial agent at Cesce why the policy has expired and how to renew it.';
  const name = ctx.environment!.name;
  const advice = name === 'pre' ? pre : name === 'pro' ? pro : `${pre} ${pro}`;
  return `${advice} If you have a newer policy, set cesce.contractNo to its number instead of ${contractNo}.`;
}

/** A policy-level answer (contract, policy registered, in force, valid): undefined if it is not one. */
function policyAnswer(error: CesceApiError, ctx: DiagnosticContext, contractNo: string): CheckOutcome | undefined {
  const here = envLabel(ctx);
  const seen = `Cesce answered ${answerOf(error)} for contract ${contractNo} in ${here} (${error.cesceMessage})`;
  const base = { status: 'fail' as const, observed: seen, kb: kb(error.entry), data: { contractNo, status: error.status, code: error.cesceCode } };
  switch (error.entry.id) {
    case 'cesce-403-policy-not-registered':
      return {
        ...base,
        observed: `${seen}: the policy is not registered for your company’s tax id in ${here}`,
        fix:
          ctx.environment!.name === 'sandbox'
            ? `Check cesce.contractNo (${contractNo}): the sandbox knows only the contracts of its data sets, registered for the sandbox application’s company. A real policy number works in PRE and PRO only.`
            : `Check that ${contractNo} is the contract number on your policy. If it is, ask Cesce’s Transformation team to register the policy in ${here} for your company’s tax id (the one your ${envAdjective(ctx).of('credentials')} belong to).`,
      };
    case 'cesce-400-policy-expired':
      return { ...base, observed: `${seen}: the policy has expired`, fix: policyExpiredFix(ctx, contractNo) };
    case 'cesce-400-check-policy':
      return {
        ...base,
        observed: `${seen}: the policy is not valid to operate`,
        fix: `Check that ${contractNo} is your policy’s contract number; if it is, send the case to Cesce’s Transformation team: the policy is not active or not linked to your credentials in ${here}.`,
      };
    case 'cesce-400-contract-format':
      return {
        ...base,
        observed: `${seen}: Cesce does not accept the contract number’s format`,
        fix: `Set cesce.contractNo to the 11 digits of your contract: the modality (341 Máster Oro Integral or 381 Póliza Clásica) followed by the 8-digit policy number, without spaces.`,
      };
    default:
      return undefined;
  }
}

/** What one harmless read of `api` says, judged for the per-API check. */
async function readApi(ctx: DiagnosticContext, client: CesceClient, api: CesceApi): Promise<CheckOutcome> {
  const read = READS[api];
  const here = envLabel(ctx);
  const contractNo = client.contract.value;
  try {
    const seen = await read.run(client);
    return { status: 'pass', observed: `${seen} in ${here}`, data: { api, operation: read.operation } };
  } catch (error) {
    if (!(error instanceof CesceApiError)) return transportFailure(error, ctx, read.asked);
    const gate = gateRefusal(error);
    const product = PRODUCT_NAMES[api];
    if (gate === 'product') {
      return {
        status: 'fail',
        observed: `${here} refused ${read.asked}: the application is not subscribed to the ${product} product (${answerOf(error)})`,
        fix: `Subscribe the application to the "${product}" product in the Cesce portal for ${here}: open ‘Productos’, choose ${product}, select your application and press ‘Continuar’.${api === 'claims' || api === 'financial' ? ` Or, if this installation does not use ${api}, remove it from cesce.apis.` : ''}`,
        kb: kb(error.entry),
        data: { api, operation: read.operation, refusal: 'product' },
      };
    }
    if (gate === 'scope') {
      const scope = OPERATION_SCOPES[read.operation] ?? 'read';
      return {
        status: 'fail',
        observed: `${here} refused ${read.asked}: the token lacks the '${scope}' scope (${answerOf(error)})`,
        fix: `Add ${scope} to cesce.scope and make sure your application has the ${scope} scope in the Cesce portal.`,
        kb: kb(error.entry),
        data: { api, operation: read.operation, refusal: 'scope', scope },
      };
    }
    const policy = policyAnswer(error, ctx, contractNo);
    if (policy) return policy;
    if (error.status === 404) {
      const sandbox = error.entry.id === 'cesce-404-sandbox-dataset';
      return {
        status: sandbox ? 'warn' : 'fail',
        observed: sandbox
          ? `the sandbox answered 404 to ${read.asked}: the remote sandbox answers only the data sets' exact requests, so it cannot check this installation's own data`
          : `${here} answered 404 to ${read.asked} (${error.cesceMessage})`,
        fix: sandbox
          ? 'Nothing to fix in the config: Cesce’s sandbox returns only the outputs of its published data sets, so it cannot exercise this installation’s own contract and debtors. Check the policy in PRE (cesce diagnose --env pre), or rehearse with the local emulator (cesce emulate cesce).'
          : `Check that cesce.baseUrl (${ctx.environment!.baseUrl}) is the right catalog for ${here} and that ${contractNo} is your real policy in force: ${error.entry.fix.en}`,
        kb: kb(error.entry),
        data: { api, operation: read.operation, status: 404 },
      };
    }
    return { ...genericAnswer(error, ctx, read.asked), data: { api, operation: read.operation } };
  }
}

const policyAccess: CheckDefinition = {
  id: 'policy.access',
  group: 'policy',
  title: 'Policy registered and in force',
  needs: ['auth.token', 'contract.format'],
  async run(ctx) {
    const client = ctx.client!;
    const contractNo = client.contract.value;
    const tried: string[] = [];
    let unconfirmed: CheckOutcome | undefined;
    // The first configured API whose gateway lets the read through decides; product or scope
    // refusals are the per-API checks' to report.
    for (const api of ctx.cesce!.apis) {
      const outcome = await readApi(ctx, client, api);
      if (outcome.status === 'pass') {
        return {
          status: 'pass',
          observed: `Cesce accepted contract ${contractNo} for these credentials: ${outcome.observed}`,
          data: { contractNo, api },
        };
      }
      const refusal = (outcome.data as { refusal?: string } | undefined)?.refusal;
      if (refusal === 'product' || refusal === 'scope') {
        tried.push(`${api}: ${outcome.observed}`);
        continue;
      }
      if (outcome.status === 'warn') {
        tried.push(`${api}: ${outcome.observed}`);
        unconfirmed ??= outcome;
        continue;
      }
      return outcome;
    }
    if (unconfirmed) {
      return {
        status: 'warn',
        observed: `the policy could not be confirmed: ${unconfirmed.observed}`,
        details: tried,
        fix: unconfirmed.fix,
        kb: unconfirmed.kb,
        data: { contractNo },
      };
    }
    return {
      status: 'warn',
      observed: `the policy could not be checked: every configured API was refused at the gateway (product or scope)`,
      details: tried,
      fix: 'See the policy.api checks below for what each API needs; run the diagnosis again once they pass.',
      data: { contractNo },
    };
  },
};

function policyApi(api: CesceApi): CheckDefinition {
  return {
    id: `policy.api.${api}`,
    group: 'policy',
    title: `${PRODUCT_NAMES[api]} API`,
    needs: ['policy.access'],
    skipWhen: (ctx) => (ctx.cesce && !ctx.cesce.apis.includes(api) ? 'not used by this installation (cesce.apis)' : undefined),
    run: (ctx) => readApi(ctx, ctx.client!, api),
  };
}

// ---- contract.lookup -------------------------------------------------------------------------

function configuredContract(ctx: DiagnosticContext): string {
  const raw = valueAt(ctx.resolved, 'cesce.contractNo');
  return typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
}

const contractLookup: CheckDefinition = {
  id: 'contract.lookup',
  group: 'contract',
  title: 'Contract number Cesce accepts',
  needs: ['auth.token'],
  after: ['contract.format'],
  // The same judgement as contract.format, from the config: nothing to look up when it passed.
  skipWhen: (ctx) => {
    const value = configuredContract(ctx);
    if (checkContractNumber(value).ok) return 'not needed: contract.format passed (the contract number is well-formed)';
    if (contractCandidates(value).length === 0) return 'no candidate contract number to try (see contract.format)';
    return undefined;
  },
  async run(ctx) {
    const candidates = contractCandidates(configuredContract(ctx));
    const api = ctx.cesce!.apis[0] ?? 'classifications';
    const answers: { contractNo: string; outcome: CheckOutcome }[] = [];
    for (const contractNo of candidates) {
      answers.push({ contractNo, outcome: await readApi(ctx, buildClient(ctx, contractNo), api) });
    }
    const accepted = answers.find((a) => a.outcome.status === 'pass');
    // Registered for these credentials, but expired or not valid to operate: still the right number.
    const registered = answers.find((a) => ['cesce-400-policy-expired', 'cesce-400-check-policy'].includes(a.outcome.kb?.id ?? ''));
    const details = answers.map((a) => `${a.contractNo}: ${a.outcome.status === 'pass' ? 'accepted' : a.outcome.observed}`);
    const found = accepted ?? registered;
    if (found) {
      return {
        status: 'pass',
        observed: `Cesce ${accepted ? 'accepts' : 'knows'} ${found.contractNo} for these credentials in ${envLabel(ctx)}${accepted ? '' : ` (${found.outcome.observed})`}`,
        details,
        suggestion: found.contractNo,
        fix: `Set cesce.contractNo to ${found.contractNo}.${accepted ? '' : ` Then see policy.access: ${found.outcome.fix ?? ''}`}`,
        ...(accepted ? {} : { kb: found.outcome.kb }),
        data: { candidates, accepted: found.contractNo },
      };
    }
    const gated = answers.every((a) => ['product', 'scope'].includes((a.outcome.data as { refusal?: string } | undefined)?.refusal ?? ''));
    return {
      status: 'fail',
      observed: gated
        ? `the candidates could not be tried: the ${api} API refused the application at the gateway`
        : `none of the candidates is registered for your credentials in ${envLabel(ctx)}`,
      details,
      fix: gated
        ? answers[0]?.outcome.fix
        : `Copy the contract number from your policy documents (modality and policy number, 11 digits), or ask Cesce’s Transformation team which contract is registered for your company’s tax id in ${envLabel(ctx)}.`,
      kb: answers[0]?.outcome.kb,
      data: { candidates, accepted: null },
    };
  },
};

export const CESCE_CHECKS: readonly CheckDefinition[] = [
  authToken,
  authScopes,
  contractLookup,
  policyAccess,
  ...CESCE_APIS.map(policyApi),
];
