import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIsoDate, todayIso, type OperationId } from '@cesce-connect/core';
import { guardApiCall, parseJsonBody } from './api.js';
import {
  handleAcceptDenyPremium,
  handleActivateDeactivate,
  handleClassificationCancel,
  handleClassificationCreate,
  handleClassificationQuery,
} from './classifications.js';
import { handleClaims } from './claims.js';
import { handleCollectionCreate } from './collections.js';
import { handleFinancial } from './financial.js';
import type { EnvironmentKind, HandlerContext, Reply } from './context.js';
import { CATALOGS, DEFAULT_DATA_FILE, loadSandboxData, parseSandboxData, type SandboxData } from './data.js';
import { matchRoute } from './routes.js';
import { ruleError, type RuleName } from './rules/messages.js';
import { DEFAULT_MOVEMENTS_PAGE_SIZE, handleMovements } from './movements.js';
import { handleSaleConsult, handleSaleCreate, handleSaleModify, handleSalesList, handleSubsidiaries } from './sales.js';
import { Store, type EmulatorState } from './store.js';
import { FaultInjector, parseFaults, type ChaosDecision, type EmulatorFaults, type FaultStats } from './faults.js';
import { findModelCase, loadSandboxModel, parseSandboxModel, type SandboxModelCase } from './sandbox-model.js';
import { handleToken } from './token.js';

export interface CesceEmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
  /** Seed data (validated). Takes precedence over `dataFile`. */
  data?: SandboxData;
  /** Seed data file (default: the embedded demo, `DEFAULT_DATA_FILE`). */
  dataFile?: string;
  /** Persist the state here (atomic write after every change); resumed at start when it exists. */
  stateFile?: string;
  /** Token lifetime: this option, else the data file's `tokenTtlSeconds`, else 3600. */
  tokenTtlSeconds?: number;
  /** Portfolio Movements page size: this option, else the data file's `movementsPageSize`, else 50. */
  movementsPageSize?: number;
  /**
   * The environment the root URL acts as. 'sandbox' (default): username/password ignored; 'pre' /
   * 'pro': required and checked. The prefixes `/sandbox`, `/pre` and `/pro` always act as their
   * own catalog (see `CesceEmulator.url`).
   */
  environment?: EnvironmentKind;
  /** Today's date, YYYY-MM-DD (default: the UTC date of `clock()`). */
  now?: () => string;
  /** Epoch milliseconds used for token expiry (default Date.now). */
  clock?: () => number;
  /**
   * Delay every answer by this many milliseconds, after the request has taken effect: the window
   * in which a client that dies has been served without knowing it (fault injection).
   */
  latencyMs?: number;
  /**
   * Fault injection: deterministic 503s, a rate limit (429 + Retry-After), errors on named
   * operations, and seeded random chaos (5xx, hangs, resets, 429 bursts, early token expiry).
   */
  faults?: EmulatorFaults;
  /**
   * 'simulation' (default): stateful business rules over the seed data. 'sandbox-model': like
   * Cesce's remote sandbox, only the model's sample inputs are answered (fixed outputs), anything
   * else is 404; the token endpoint still works with the seed data's applications.
   */
  mode?: 'simulation' | 'sandbox-model';
  /** The sandbox model: a file path, or the cases (array or `{cases}` object). Required in sandbox-model mode. */
  model?: unknown;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** The operation matched, when any. */
  operation?: OperationId;
  /** The error rule answered, when any (see RULES). */
  rule?: RuleName;
  /** The catalog of the path prefix (`/sandbox`, `/pre`, `/pro`), when the request had one. */
  catalog?: EnvironmentKind;
  /** The chaos fault injected into this request, e.g. 'reset-after' (status 0: no answer was sent). */
  fault?: string;
}

export interface CesceEmulator {
  /**
   * Base URL without a trailing slash, e.g. http://127.0.0.1:41234: acts as the `environment`
   * option's catalog. `${url}/sandbox`, `${url}/pre` and `${url}/pro` act as those catalogs
   * (https://api.cesce.es/sandbox, …/pre, …/pro), with one data set and one state.
   */
  url: string;
  close(): Promise<void>;
  /** Deep copy of the current state. */
  state(): EmulatorState;
  /** Every request answered, in order. */
  requestLog: RequestLogEntry[];
  /** Chaos fault counts (also served at GET /_emulator/faults). */
  faultStats(): FaultStats;
}

/** Path of the emulator's own fault-statistics endpoint (not a Cesce path). */
export const FAULT_STATS_PATH = '/_emulator/faults';

/**
 * Path of the emulator's own request counter (not a Cesce path): `GET` answers
 * `{ total, byOperation }`, the requests answered so far by operation (`other` when none matched),
 * e.g. for the benchmark (bench/) to count a sync's calls from the server side.
 */
export const REQUEST_COUNTS_PATH = '/_emulator/requests';

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Splits a catalog prefix (`/pre/oauth2/v1/token`) off a path; the root has none. */
function splitCatalog(pathname: string): { catalog: EnvironmentKind | undefined; path: string } {
  const m = /^\/([^/]+)(\/.*)?$/.exec(pathname);
  const first = m?.[1];
  if (first && (CATALOGS as readonly string[]).includes(first)) return { catalog: first as EnvironmentKind, path: m[2] ?? '/' };
  return { catalog: undefined, path: pathname };
}

function send(res: ServerResponse, reply: Reply, nowMs: number): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    // The server's clock (the `clock` option), as clients compare theirs with it.
    date: new Date(nowMs).toUTCString(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(reply.headers ?? {}),
  });
  res.end(text);
}

/** Starts the Cesce API emulator over real HTTP. */
export async function startCesceEmulator(options: CesceEmulatorOptions = {}): Promise<CesceEmulator> {
  const host = options.host ?? '127.0.0.1';
  const environment = options.environment ?? 'sandbox';
  if (!['sandbox', 'pre', 'pro'].includes(environment)) {
    throw new TypeError(`Unknown emulator environment '${environment}': expected sandbox, pre or pro.`);
  }
  const clock = options.clock ?? (() => Date.now());
  const now = options.now ?? (() => todayIso(new Date(clock())));
  const today = (): string => {
    const d = now();
    if (!isIsoDate(d)) throw new TypeError(`options.now() returned '${d}', expected YYYY-MM-DD`);
    return d;
  };

  const store = Store.open(
    () =>
      options.data !== undefined
        ? parseSandboxData(options.data)
        : loadSandboxData(options.dataFile ?? DEFAULT_DATA_FILE),
    options.stateFile,
    environment,
  );
  const ttl = options.tokenTtlSeconds ?? store.dataTokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new TypeError(`tokenTtlSeconds must be a positive number, got ${ttl}`);

  const movementsPageSize = options.movementsPageSize ?? store.dataMovementsPageSize ?? DEFAULT_MOVEMENTS_PAGE_SIZE;
  if (!Number.isInteger(movementsPageSize) || movementsPageSize < 1) {
    throw new TypeError(`movementsPageSize must be a positive integer, got ${movementsPageSize}`);
  }

  const mode = options.mode ?? 'simulation';
  if (mode !== 'simulation' && mode !== 'sandbox-model') {
    throw new TypeError(`Unknown emulator mode '${String(mode)}': expected simulation or sandbox-model.`);
  }
  let modelCases: SandboxModelCase[] | undefined;
  if (mode === 'sandbox-model') {
    if (environment !== 'sandbox') throw new TypeError(`sandbox-model mode emulates the sandbox environment, not '${environment}'.`);
    if (options.model === undefined) throw new TypeError('sandbox-model mode needs a model (file or object).');
    modelCases = typeof options.model === 'string' ? loadSandboxModel(options.model) : parseSandboxModel(options.model);
  }
  const faults = options.faults ? new FaultInjector(parseFaults(options.faults), clock) : undefined;

  const base: HandlerContext = { store, environment, today, nowMs: clock, tokenTtlSeconds: ttl, movementsPageSize };
  /** One handler context per catalog: the same store, the catalog's environment rules. */
  const contexts = Object.fromEntries(CATALOGS.map((c) => [c, { ...base, environment: c }])) as Record<EnvironmentKind, HandlerContext>;
  const requestLog: RequestLogEntry[] = [];

  const dispatch = (
    req: IncomingMessage,
    rawBody: string,
    url: URL,
    path: string,
    catalog: EnvironmentKind | undefined,
  ): { reply: Reply; operation?: OperationId } => {
    const ctx = contexts[catalog ?? environment];
    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(method, path);
    const matchedOperation = match.kind === 'match' ? match.route.operation : undefined;
    const withOperation = (reply: Reply): { reply: Reply; operation?: OperationId } =>
      matchedOperation ? { reply, operation: matchedOperation } : { reply };
    const fault = faults?.check(matchedOperation);
    if (fault) return withOperation(fault);
    if (modelCases) {
      // A model of Cesce's remote sandbox has no PRE or PRO catalog.
      if (ctx.environment !== 'sandbox') return { reply: ruleError('notFound') };
      if (matchedOperation === 'token') return withOperation(handleToken(ctx, rawBody));
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      const record = bearer ? ctx.store.token(bearer, ctx.nowMs()) : undefined;
      if (!record || record.environment !== ctx.environment) return withOperation(ruleError('securityChecks'));
      const found = findModelCase(modelCases, method, path, url.searchParams, rawBody);
      return withOperation(found ? { status: found.status, body: found.response } : ruleError('notFound'));
    }
    if (match.kind === 'not-found') return { reply: ruleError('notFound') };
    if (match.kind === 'method-not-allowed') {
      const reply = ruleError('methodNotAllowed', { method });
      reply.headers = { ...reply.headers, allow: match.allowed.join(', ') };
      return { reply };
    }
    const { route, contractNo, params } = match;
    const operation = route.operation;
    if (operation === 'token') return { reply: handleToken(ctx, rawBody, faults ? () => faults.tokenLifetimeSeconds() : undefined), operation };
    const guard = guardApiCall(ctx, route, contractNo, req.headers.authorization);
    if (!guard.ok) return { reply: guard.reply, operation };
    const { policy } = guard;
    switch (operation) {
      case 'classifications.query':
        return { reply: handleClassificationQuery(ctx, policy, url.searchParams), operation };
      case 'classifications.create':
        return { reply: handleClassificationCreate(ctx, policy, parseJsonBody(rawBody)), operation };
      case 'sales.create':
        return { reply: handleSaleCreate(ctx, policy, parseJsonBody(rawBody)), operation };
      case 'sales.list':
        return { reply: handleSalesList(ctx, policy, url.searchParams), operation };
      case 'sales.consult':
        return { reply: handleSaleConsult(ctx, policy, url.searchParams), operation };
      case 'classifications.activateDeactivate':
        return { reply: handleActivateDeactivate(ctx, policy, parseJsonBody(rawBody)), operation };
      case 'classifications.cancel':
        return { reply: handleClassificationCancel(ctx, policy, parseJsonBody(rawBody)), operation };
      case 'classifications.acceptDenyPremium':
        return { reply: handleAcceptDenyPremium(ctx, policy, parseJsonBody(rawBody)), operation };
      case 'movements.list':
        return { reply: handleMovements(ctx, policy, url.searchParams), operation };
      case 'sales.modify':
        return { reply: handleSaleModify(ctx, policy, parseJsonBody(rawBody)), operation };
      case 'sales.subsidiaries':
        return { reply: handleSubsidiaries(ctx, policy), operation };
      case 'collections.create':
        return { reply: handleCollectionCreate(ctx, policy, parseJsonBody(rawBody)), operation };
      case 'financial.request':
      case 'financial.list':
      case 'financial.status':
      case 'financial.answerConditions':
        return { reply: handleFinancial(ctx, policy, operation, params, url.searchParams, () => parseJsonBody(rawBody)), operation };
      default:
        return { reply: handleClaims(ctx, policy, operation, params, url.searchParams, () => parseJsonBody(rawBody)), operation };
    }
  };

  const latency = Math.max(0, options.latencyMs ?? 0);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const { catalog, path } = splitCatalog(url.pathname);
    let chaos: ChaosDecision | undefined;
    const log = (status: number, operation?: OperationId, rule?: RuleName): void => {
      requestLog.push({
        method,
        path: url.pathname,
        status,
        ...(operation ? { operation } : {}),
        ...(rule ? { rule } : {}),
        ...(catalog ? { catalog } : {}),
        ...(chaos ? { fault: chaos.kind === '429' ? '429' : `${chaos.kind}-${chaos.phase}` } : {}),
      });
    };
    const finish = (reply: Reply, operation?: OperationId): void => {
      log(reply.status, operation, reply.rule);
      const delay = latency + (chaos?.kind === 'hang' && chaos.phase === 'after' ? (chaos.delayMs ?? 0) : 0);
      if (delay > 0) setTimeout(() => send(res, reply, clock()), delay);
      else send(res, reply, clock());
    };
    /** Chaos reset: the connection is cut, no answer (the client sees a network error). */
    const reset = (operation?: OperationId): void => {
      log(0, operation);
      req.socket.destroy();
    };
    readBody(req).then(
      (rawBody) => {
        if (method === 'GET' && url.pathname === REQUEST_COUNTS_PATH) {
          const byOperation: Record<string, number> = {};
          for (const entry of requestLog) byOperation[entry.operation ?? 'other'] = (byOperation[entry.operation ?? 'other'] ?? 0) + 1;
          send(res, { status: 200, body: { total: requestLog.length, byOperation } }, clock());
          return;
        }
        if (faults && method === 'GET' && url.pathname === FAULT_STATS_PATH) {
          send(res, { status: 200, body: faults.stats() }, clock());
          return;
        }
        const matched = faults ? matchRoute(method, path) : undefined;
        const chaosOperation = matched?.kind === 'match' ? matched.route.operation : undefined;
        chaos = faults?.chaos(chaosOperation);
        if (chaos?.phase === 'before') {
          if (chaos.kind === 'reset') return reset(chaosOperation);
          if (chaos.kind === 'hang') {
            // Held past the client's timeout, then a 504 from the gateway: nothing was done.
            setTimeout(() => finish(chaos!.reply!, chaosOperation), chaos.delayMs ?? 0);
            return;
          }
          return finish(chaos.reply!, chaosOperation);
        }
        // Everything from here to the answer is synchronous: one request's checks, mutation and
        // state-file write cannot interleave with another's.
        try {
          const { reply, operation } = dispatch(req, rawBody, url, path, catalog);
          // After processing: the request took effect; the client learns nothing of it.
          if (chaos?.kind === 'reset') return reset(operation);
          if (chaos?.kind === '5xx') return finish(chaos.reply!, operation);
          finish(reply, operation);
        } catch (err) {
          finish(ruleError('internalError', { detail: (err as Error).message }));
        }
      },
      (err: unknown) => {
        if (err instanceof BodyTooLarge) finish(ruleError('payloadTooLarge', { limit: MAX_BODY_BYTES }));
        else if (!res.headersSent) finish(ruleError('internalError', { detail: (err as Error).message }));
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    requestLog,
    faultStats: () => (faults ?? new FaultInjector({}, clock)).stats(),
    state: () => store.snapshot({ environment, today: today(), nowMs: clock() }),
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
