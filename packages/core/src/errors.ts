import type { KnowledgeBaseEntry } from './knowledge-base/types.js';

/**
 * The error family. One base class with a stable `code`, a human `message` and a `hint`;
 * subclasses carry context. Messages never contain secrets: bodies and URLs are redacted.
 */
export class CesceConnectError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** Bad input: which record, which field, what is expected. */
export class ValidationError extends CesceConnectError {
  readonly record: string | undefined;
  readonly field: string;

  constructor(field: string, message: string, options: { record?: string | undefined; hint?: string | undefined } = {}) {
    super('validation', options.record ? `${options.record}: ${field}: ${message}` : `${field}: ${message}`, options);
    this.field = field;
    this.record = options.record;
  }
}

/** Config file problems (missing value, wrong format), raised before any network call. */
export class ConfigError extends CesceConnectError {
  readonly issues: { path: string; message: string }[];

  constructor(file: string, issues: { path: string; message: string }[]) {
    super('config', `Invalid config ${file}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/** Network failures and timeouts talking to Cesce or an ERP. */
export class NetworkError extends CesceConnectError {
  readonly url: string;
  readonly timedOut: boolean;

  constructor(url: string, message: string, options: { timedOut?: boolean; cause?: unknown } = {}) {
    super(options.timedOut ? 'timeout' : 'network', `${message} (${url})`, { cause: options.cause });
    this.url = url;
    this.timedOut = options.timedOut ?? false;
  }
}

/** An error answer from the Cesce API, with the knowledge-base entry that explains it. */
export class CesceApiError extends CesceConnectError {
  readonly status: number;
  readonly operation: string;
  /** Cesce's `errorCode`, OAuth2 `error` or gateway `httpCode`, when present. */
  readonly cesceCode: string | undefined;
  /** Cesce's own message (`errorDescription`, `error_description` or `moreInformation`). */
  readonly cesceMessage: string;
  readonly entry: KnowledgeBaseEntry;
  readonly retryable: boolean;

  constructor(args: {
    status: number;
    operation: string;
    cesceCode?: string | undefined;
    cesceMessage: string;
    entry: KnowledgeBaseEntry;
    code?: string;
  }) {
    super(
      args.code ?? 'cesce_api',
      `Cesce ${args.operation} failed with HTTP ${args.status}: ${args.cesceMessage || '(no message)'} [${args.entry.id}]`,
      { hint: args.entry.fix.en },
    );
    this.status = args.status;
    this.operation = args.operation;
    this.cesceCode = args.cesceCode;
    this.cesceMessage = args.cesceMessage;
    this.entry = args.entry;
    this.retryable = args.entry.retryable;
  }
}

/** A token request that Cesce refused (wrong client or user credentials, missing OAuth subscription). */
export class CesceAuthError extends CesceApiError {
  constructor(args: ConstructorParameters<typeof CesceApiError>[0]) {
    super({ ...args, code: 'cesce_auth' });
  }
}

/** What was wrong with a Cesce answer that could not be used. */
export type ResponseProblem =
  /** No body (or only whitespace) where a JSON object was expected, e.g. 200 or 204 with nothing. */
  | 'empty'
  /** An HTML page (a gateway or maintenance page), whatever the content-type claimed. */
  | 'html'
  /** JSON cut short: the body ends in the middle of a value. */
  | 'truncated'
  /** Text that is not JSON at all. */
  | 'not-json'
  /** Valid JSON that is not an object (an array, a string, a number, null). */
  | 'not-object'
  /** A JSON object whose fields have the wrong types or are missing (zod names the field). */
  | 'shape'
  /** A body over the size limit (5 MB by default); reading stopped there. */
  | 'too-large'
  /** The connection broke while the body was being read. */
  | 'interrupted'
  /** The body stalled for longer than the timeout. */
  | 'timeout';

/**
 * A Cesce answer with a success (or unusable) status whose body cannot be used: an HTML page,
 * truncated or malformed JSON, wrong types, an empty body, a body too large, a connection cut
 * mid-body. Names the operation, the HTTP status and the problem; never contains the body's secrets.
 * For POSTs the outcome at Cesce is unknown: the request may have taken effect.
 */
export class CesceResponseError extends CesceConnectError {
  readonly status: number;
  readonly operation: string;
  readonly problem: ResponseProblem;
  readonly url: string;
  /** Whether sending the same request again may work (a broken connection or a stall). */
  readonly retryable: boolean;

  constructor(args: { status: number; operation: string; problem: ResponseProblem; detail: string; url: string; cause?: unknown }) {
    super('cesce_response', `Cesce ${args.operation} answered HTTP ${args.status} with ${args.detail} (${args.url})`, {
      hint:
        args.problem === 'interrupted' || args.problem === 'timeout'
          ? 'The connection to Cesce failed mid-answer; try again. For a declaration, check at Cesce whether it was registered before sending it again.'
          : 'Cesce (or a gateway in front of it) answered with something other than the API’s JSON. Check the base URL and the environment; if it persists, send this message to Cesce’s support team.',
      cause: args.cause,
    });
    this.status = args.status;
    this.operation = args.operation;
    this.problem = args.problem;
    this.url = args.url;
    this.retryable = args.problem === 'interrupted' || args.problem === 'timeout';
  }
}

/** A fault or transport failure from an ERP (Odoo fault codes, SOAP faults, HTML answers). */
export class ErpError extends CesceConnectError {
  readonly system: string;
  /** e.g. Odoo faultCode 1-4 mapped to 'server' | 'user' | 'access-denied' | 'access'. */
  readonly kind: 'access-denied' | 'access' | 'validation' | 'server' | 'transport' | 'timeout' | 'protocol';
  /** Full details (e.g. a Python traceback) kept out of `message`; shown with --verbose. */
  readonly details: string | undefined;

  constructor(
    system: string,
    kind: ErpError['kind'],
    message: string,
    options: { details?: string | undefined; hint?: string | undefined; cause?: unknown } = {},
  ) {
    super(`erp_${kind.replace('-', '_')}`, message, options);
    this.system = system;
    this.kind = kind;
    this.details = options.details;
  }
}

const SECRET_KEYS = /(client_secret|password|access_token|refresh_token|api[_-]?key|authorization|secret|token)/i;

/** Replaces secret values in a form/JSON/text body or object before it is logged or shown. */
export function redact(value: unknown, extraSecrets: readonly string[] = []): unknown {
  if (typeof value === 'string') {
    let out = value
      .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[REDACTED]')
      // form/query encoding (password=…) and JSON ("password":"…"); not prose such as "password: environment…"
      .replace(/((?:client_secret|password|access_token|refresh_token|api_?key)=)([^&\s]+)/gi, '$1[REDACTED]')
      .replace(/("(?:client_secret|clientSecret|password|access_token|refresh_token|api_?key|apiKey)"\s*:\s*")([^"]*)/gi, '$1[REDACTED]');
    for (const s of extraSecrets) if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, extraSecrets));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[REDACTED]' : redact(v, extraSecrets);
    return out;
  }
  return value;
}
