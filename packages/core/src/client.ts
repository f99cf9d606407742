import { TokenProvider, type Credentials } from './auth/token-provider.js';
import { parseContractNumber, type ContractNumber } from './contract-number.js';
import { ClaimsApi } from './domains/claims/operations.js';
import { ClassificationsApi } from './domains/classifications/operations.js';
import { FinancialApi } from './domains/financial/operations.js';
import { CollectionsApi } from './domains/collections/operations.js';
import { MovementsApi } from './domains/movements/operations.js';
import { SalesApi } from './domains/sales/operations.js';
import { resolveEnvironment, type Environment, type EnvironmentName } from './environments.js';
import { CesceHttp } from './http/cesce-http.js';
import type { RateLimiter } from './http/rate-limit.js';
import type { RetryPolicy } from './http/retry.js';
import { fetchWithCa } from './http/tls.js';

export interface CesceClientOptions {
  environment: EnvironmentName;
  /** Overrides the environment's base URL (e.g. the local emulator). */
  baseUrl?: string | undefined;
  contractNo: string;
  credentials: Credentials;
  scope?: string | undefined;
  timeoutMs?: number | undefined;
  /** The one retry policy: reads are retried by the client, creates by the sync engine (`client.retryPolicy`). */
  retry?: Partial<RetryPolicy> | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  clock?: (() => number) | undefined;
  /**
   * PEM text of CA certificates to trust in addition to the system's roots, for token and API
   * requests (config `cesce.tlsCa`). Certificate verification itself is always on.
   */
  tlsCa?: string | undefined;
  /**
   * Waited on before every API call: the credential's rate limit (config `cesce.rateLimit`), e.g. a
   * `LocalRateLimiter`, or the PostgreSQL one shared by every worker of the multi-worker mode.
   */
  rateLimiter?: RateLimiter | undefined;
}

/** One object exposing the Cesce API domains for one contract (policy). */
export class CesceClient {
  readonly environment: Environment;
  readonly contract: ContractNumber;
  readonly tokens: TokenProvider;
  readonly classifications: ClassificationsApi;
  readonly sales: SalesApi;
  /** Customer Portfolio Movements: the classification feed over the `nextEndorsementNo` cursor. */
  readonly movements: MovementsApi;
  readonly collections: CollectionsApi;
  /** Claims: dossiers (expedientes), non-payments, settlements, recoveries, documents. */
  readonly claims: ClaimsApi;
  /** Financial: financing of insured invoices ([inferred] API). */
  readonly financial: FinancialApi;
  /** Per-request timeout (ms). */
  readonly timeoutMs: number;
  private readonly http: CesceHttp;

  constructor(options: CesceClientOptions) {
    this.contract = parseContractNumber(options.contractNo);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.environment = resolveEnvironment(options.environment, { baseUrl: options.baseUrl });
    if (this.environment.requiresUserCredentials && !(options.credentials.username && options.credentials.password)) {
      throw new TypeError(`Environment '${options.environment}' needs a username and password (sent by email from noreply@cesce.es).`);
    }
    const fetchImpl = options.tlsCa ? fetchWithCa(options.tlsCa, options.fetch) : options.fetch;
    this.tokens = new TokenProvider({
      environment: this.environment,
      credentials: options.credentials,
      scope: options.scope,
      timeoutMs: options.timeoutMs,
      fetch: fetchImpl,
      clock: options.clock,
    });
    this.http = new CesceHttp({
      environment: this.environment,
      tokens: this.tokens,
      contractNo: this.contract.value,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      fetch: fetchImpl,
      rateLimiter: options.rateLimiter,
      secrets: [options.credentials.clientSecret, options.credentials.password ?? ''].filter((v) => v.length > 0),
    });
    this.classifications = new ClassificationsApi(this.http);
    this.sales = new SalesApi(this.http);
    this.movements = new MovementsApi(this.http);
    this.collections = new CollectionsApi(this.http);
    this.claims = new ClaimsApi(this.http);
    this.financial = new FinancialApi(this.http);
  }

  /** The retry policy of this client, for callers that retry creates themselves (the sync engine). */
  get retryPolicy(): RetryPolicy {
    return this.http.retry;
  }

  /** Requests sent so far: API calls and token requests. */
  get requestCounts(): { api: number; token: number } {
    return { api: this.http.requests, token: this.tokens.requests };
  }
}
