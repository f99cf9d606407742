import type {
  AccessToken,
  CesceClient,
  Debtor,
  Environment,
  ErpDescription,
  ErpSource,
  KnowledgeBaseEntry,
  SaleDocument,
} from '@cesce-connect/core';

/** `skipped`: not run because a check it needs failed or was skipped. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

/** Report sections, in the order they are shown. */
export type CheckGroup = 'config' | 'contract' | 'network' | 'auth' | 'policy' | 'erp';

export const GROUP_TITLES: Record<CheckGroup, string> = {
  config: 'Config and secrets',
  contract: 'Contract number',
  network: 'Connectivity',
  auth: 'Credentials',
  policy: 'Products and policy',
  erp: 'ERP readiness',
};

/** The Cesce APIs an installation may use; `diagnose` reads each configured one once. */
export const CESCE_APIS = ['classifications', 'sales', 'claims', 'financial'] as const;
export type CesceApi = (typeof CESCE_APIS)[number];

/** A knowledge-base entry as shown in a report: cause and fix in both languages. */
export interface KbReference {
  id: string;
  /** Position in Cesce's support catalogue, e.g. '400-5'. */
  catalogueRef: string | null;
  title: { es: string; en: string };
  cause: { es: string; en: string };
  fix: { es: string; en: string };
}

/** What one check found. Strings never hold a secret; personal data is listed for redaction. */
export interface CheckOutcome {
  status: 'pass' | 'warn' | 'fail';
  /** What the check saw, one or two sentences, e.g. "Cesce answered 401 invalid_client in PRO". */
  observed: string;
  /** Lines worth listing under the check (records at fault, scopes…); bounded by the check. */
  details?: string[] | undefined;
  /** What to do about it, concrete for this case (English). */
  fix?: string | undefined;
  /** The knowledge-base entry explaining Cesce's answer, when there is one. */
  kb?: KbReference | undefined;
  /** A corrected value to use (e.g. the contract number without its dashes). */
  suggestion?: string | undefined;
  /** Machine-readable facts for JSON consumers (counts, versions, timings). */
  data?: Record<string, unknown> | undefined;
}

export interface CheckResult extends Omit<CheckOutcome, 'status'> {
  id: string;
  group: CheckGroup;
  title: string;
  status: CheckStatus;
  /** For `skipped`: the earlier check that failed (or was skipped). */
  skippedBecause?: string | undefined;
  durationMs: number;
}

export interface CheckDefinition {
  /** Stable id, `group.name`, e.g. `auth.token`. */
  id: string;
  group: CheckGroup;
  title: string;
  /**
   * Checks that must not have failed or been skipped for this one to run. A check starts as soon
   * as all of them have settled, so independent chains (Cesce, ERP) run side by side.
   */
  needs: readonly string[];
  /** Checks that must have settled first (whatever their status), e.g. to read their findings. */
  after?: readonly string[] | undefined;
  /** Skip (without blaming another check) when this returns a reason, e.g. an API not configured. */
  skipWhen?: ((ctx: DiagnosticContext) => string | undefined) | undefined;
  run(ctx: DiagnosticContext): Promise<CheckOutcome>;
}

/** The `cesce` section as diagnose uses it, resolved (`env:`/`file:` references replaced). */
export interface DiagnosedCesceConfig {
  environment: 'sandbox' | 'pre' | 'pro' | 'custom';
  /** `cesce.baseUrl` as configured (resolved), when given. */
  baseUrl: string | undefined;
  /** As configured (may be malformed: see the `contract.format` check). */
  contractNo: string;
  clientId: string;
  clientSecret: string;
  username: string | undefined;
  password: string | undefined;
  /** Space-separated scopes requested at the token endpoint. */
  scope: string;
  timeoutMs: number;
  /** The Cesce APIs this installation uses (`cesce.apis`; default classifications and sales). */
  apis: CesceApi[];
  /** `cesce.tlsCa`: CA certificates (PEM) trusted besides the system roots. */
  tlsCa: string | undefined;
}

/** Where a config value came from. */
export type ValueSource = 'inline' | 'env' | 'file';

export interface ConfigIssue {
  /** Dotted path in the config file, e.g. `cesce.clientSecret`. */
  path: string;
  message: string;
}

/**
 * What the tool around diagnose knows about the rest of the config (the ERP and sync sections):
 * the CLI implements it with its own schemas, a web page with its own.
 */
export interface ErpHooks {
  /** Dotted paths of secret values outside the `cesce` section, e.g. `odoo.password`. */
  secretPaths: readonly string[];
  /**
   * Validates the non-Cesce sections of the resolved config (`env:`/`file:` references already
   * replaced) and builds the ERP source. Issues name the config path.
   */
  load(resolved: Record<string, unknown>): { ok: true; source: ErpSource; ledgerFile?: string | undefined } | { ok: false; issues: ConfigIssue[] };
}

export interface Thresholds {
  /** Time to first byte above which `network.reachability` warns (default 2000 ms). */
  slowTtfbMs: number;
  /** Clock skew above which `network.clock` warns (default 30 s) … */
  clockSkewWarnSeconds: number;
  /** … and fails (default 300 s: tokens, TLS and signed requests go wrong). */
  clockSkewFailSeconds: number;
  /** TLS certificates expiring within this many days warn (default 21). */
  certificateExpiryWarnDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  slowTtfbMs: 2000,
  clockSkewWarnSeconds: 30,
  clockSkewFailSeconds: 300,
  certificateExpiryWarnDays: 21,
};

export interface DiagnoseOptions {
  /** The config file (JSON or YAML); also names the config in messages. */
  configFile: string;
  /** The parsed file, `env:`/`file:` references unresolved; default: read `configFile`. */
  rawConfig?: unknown;
  /** Environment variables for `env:` references (default `process.env`). */
  env?: Record<string, string | undefined> | undefined;
  /** Check against this environment instead of `cesce.environment` (`--env`). */
  environment?: 'sandbox' | 'pre' | 'pro' | undefined;
  /** ERP and sync sections; without it the ERP checks are skipped. */
  erp?: ErpHooks | undefined;
  /** DNS servers to ask instead of the system resolver (`host:port`), e.g. a test's local server. */
  dnsServers?: string[] | undefined;
  thresholds?: Partial<Thresholds> | undefined;
  /**
   * Extra CA certificate(s), PEM, trusted by the network checks' TLS connections only (a test's
   * own CA; in production use NODE_EXTRA_CA_CERTS, which every connection honours).
   */
  tlsCa?: string | undefined;
  /** Epoch milliseconds (clock-skew check, token expiry); default Date.now. */
  clock?: (() => number) | undefined;
  /** Called as each check settles (progress on a terminal). */
  onResult?: ((result: CheckResult) => void) | undefined;
  /** Run only these checks (ids or groups) and what they need; default all. */
  only?: readonly string[] | undefined;
}

/** State the checks share while a diagnosis runs. Checks fill it in for the checks after them. */
export interface DiagnosticContext {
  readonly options: DiagnoseOptions;
  readonly thresholds: Thresholds;
  readonly clock: () => number;
  readonly configFile: string;
  /** The parsed config as written (references unresolved); undefined when the file is unreadable. */
  raw: Record<string, unknown> | undefined;
  /** The config with references resolved. */
  resolved: Record<string, unknown> | undefined;
  /** Where each leaf value came from, by dotted path. */
  sources: Map<string, ValueSource>;
  /** The Cesce section, set by `config.required` when it is usable. */
  cesce: DiagnosedCesceConfig | undefined;
  /** The Cesce environment checked (after `--env`), set with `cesce`. */
  environment: Environment | undefined;
  /** Token request answer, set by `auth.token`. */
  token: AccessToken | undefined;
  /** A Cesce client with the configured credentials (token already fetched), set by `auth.token`. */
  client: CesceClient | undefined;
  /** The ERP, set by `config.erp` / `erp.connection`. */
  erp: {
    source: ErpSource | undefined;
    ledgerFile: string | undefined;
    description: ErpDescription | undefined;
    debtors: Debtor[] | undefined;
    documents: SaleDocument[] | undefined;
  };
  /** Registers secret values: scrubbed from every output. */
  secret(value: string | null | undefined): void;
  /** Registers personal data (names, tax ids, user names, e-mails): masked in the Markdown report. */
  personal(value: string | null | undefined): void;
}

/** Everything a diagnosis found, in check order. */
export interface DiagnosticReport {
  tool: { name: 'cesce-connect'; version: string };
  startedAt: string;
  durationMs: number;
  configFile: string;
  environment: string | undefined;
  /** 'ready': nothing to fix; 'warnings': go-live possible, look at the warnings; 'blocked'. */
  verdict: 'ready' | 'warnings' | 'blocked';
  counts: Record<CheckStatus, number>;
  /** 0 ready, 2 warnings only, 1 blocking problems. */
  exitCode: 0 | 1 | 2;
  results: CheckResult[];
  /** Checks left out by `only`: the verdict speaks for the checks that ran, not for these. */
  notRun: string[];
}

/** The report plus what renderers must hide; `redaction` is never serialised. */
export interface DiagnosisOutcome {
  report: DiagnosticReport;
  redaction: { secrets: string[]; personal: string[] };
}

export function kbReference(entry: KnowledgeBaseEntry): KbReference {
  return { id: entry.id, catalogueRef: entry.catalogueRef, title: entry.title, cause: entry.cause, fix: entry.fix };
}
