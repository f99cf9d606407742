import { apiUrl, type Environment } from '../environments.js';
import { CesceAuthError, CesceResponseError, NetworkError, type ResponseProblem } from '../errors.js';
import { describeErrorResponse, describeJsonKind, interpretBody, isJsonObject, readBodyText } from '../http/cesce-http.js';
import { matchKnowledgeBase } from '../knowledge-base/matcher.js';
import { reportExchange } from '../http/exchanges.js';
import { describeTlsFailure } from '../http/tls.js';
import { z } from 'zod';

export interface Credentials {
  clientId: string;
  clientSecret: string;
  /** Required in PRE and PRO; not issued in sandbox [seed]. */
  username?: string | undefined;
  password?: string | undefined;
}

export interface TokenProviderOptions {
  environment: Environment;
  credentials: Credentials;
  /** Space-separated scopes; default "create read update delete" (the portal's example order). */
  scope?: string | undefined;
  timeoutMs?: number | undefined;
  /** Seconds before `expires_in` at which a cached token is renewed (default 60, like the known client). */
  renewBeforeSeconds?: number | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  clock?: (() => number) | undefined;
  /** Largest token answer read, in bytes (default 5 MB). */
  maxBodyBytes?: number | undefined;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().int().positive().optional(),
  scope: z.string().optional(),
});

export interface AccessToken {
  value: string;
  expiresAt: number;
  scope: string | undefined;
}

/**
 * OAuth2 password grant ([portal]). The token is cached until shortly before `expires_in`;
 * concurrent callers share one refresh in flight. Secrets never leave this object in errors.
 */
export class TokenProvider {
  private cached: AccessToken | undefined;
  private inFlight: Promise<AccessToken> | undefined;
  private readonly clock: () => number;
  private readonly fetchImpl: typeof globalThis.fetch;
  /** Number of token requests sent (for reports and benchmarks). */
  requests = 0;

  constructor(private readonly options: TokenProviderOptions) {
    this.clock = options.clock ?? Date.now;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  get url(): string {
    return apiUrl(this.options.environment, 'oauth2', 'token');
  }

  async getToken(): Promise<AccessToken> {
    const renew = (this.options.renewBeforeSeconds ?? 60) * 1000;
    if (this.cached && this.clock() < this.cached.expiresAt - renew) return this.cached;
    this.inFlight ??= this.requestToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Drops the cached token if it is still `token` (after a 401), so the next call fetches a new one. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async requestToken(): Promise<AccessToken> {
    const { credentials, environment } = this.options;
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: this.options.scope ?? 'create read update delete',
    });
    if (credentials.username) form.set('username', credentials.username);
    if (credentials.password) form.set('password', credentials.password);
    const url = this.url;
    this.requests += 1;
    // The audit trail keeps a token request as one line: never its form (secrets) or answer (the token).
    const at = new Date();
    const started = performance.now();
    const line = (status: number | null, error: string | null) =>
      reportExchange(
        { at: at.toISOString(), operation: 'token', method: 'POST', url, status, durationMs: Math.round(performance.now() - started), requestBody: null, responseBody: null, error },
        [credentials.clientSecret, credentials.password ?? ''],
      );
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const code = (error as { cause?: { code?: string } }).cause?.code;
      const tls = timedOut ? undefined : describeTlsFailure(error);
      line(null, timedOut ? 'timed out' : (tls ?? `unreachable${code ? ` (${code})` : ''}`));
      const message = timedOut ? 'Cesce token request timed out' : tls ? `Cesce token request failed: ${tls}` : `Cesce token endpoint unreachable${code ? ` (${code})` : ''}`;
      throw new NetworkError(url, message, {
        timedOut,
        cause: error,
      });
    }
    const limits = { maxBytes: this.options.maxBodyBytes, timeoutMs: this.options.timeoutMs ?? 30_000 };
    line(response.status, null);
    if (!response.ok) {
      // The body is never quoted here: a token endpoint's answer may echo credentials.
      const fallback = response.statusText || `HTTP ${response.status}`;
      const { code, message } = await describeErrorResponse(response, fallback, { ...limits, quoteText: false });
      const entry = matchKnowledgeBase({ status: response.status, message, code, operation: 'token', environment: environment.name });
      throw new CesceAuthError({ status: response.status, operation: 'token', cesceCode: code, cesceMessage: message, entry });
    }
    const status = response.status;
    const fail = (problem: ResponseProblem, detail: string, cause?: unknown) =>
      new CesceResponseError({ status, operation: 'token', problem, detail, url, cause });
    const read = await readBodyText(response, limits);
    if (!read.ok) throw fail(read.problem, read.detail, read.cause);
    const got = interpretBody(read.text, response.headers.get('content-type'), { quoteText: false });
    if (got.kind === 'bad') throw fail(got.problem, got.detail);
    if (got.kind === 'empty') throw fail('empty', `${status === 204 ? 'no content (204)' : 'an empty body'} where a token was expected`);
    const body = got.value;
    if (!isJsonObject(body)) throw fail('not-object', `JSON that is not an object: ${describeJsonKind(body)}`);
    if (typeof body.error === 'string' && body.access_token === undefined) {
      // An OAuth2 refusal sent with a success status: still a refusal of the credentials.
      const code = body.error;
      const message = typeof body.error_description === 'string' && body.error_description ? body.error_description : code;
      const kbStatus = code === 'invalid_grant' || code === 'invalid_request' ? 400 : 401;
      const entry = matchKnowledgeBase({ status: kbStatus, message, code, operation: 'token', environment: environment.name });
      throw new CesceAuthError({ status, operation: 'token', cesceCode: code, cesceMessage: message, entry });
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unexpected shape';
      throw fail('shape', `a token answer without a usable access_token (${where})`);
    }
    const expiresIn = parsed.data.expires_in ?? 3600;
    this.cached = { value: parsed.data.access_token, expiresAt: this.clock() + expiresIn * 1000, scope: parsed.data.scope };
    return this.cached;
  }
}
