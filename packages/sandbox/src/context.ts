import type { Store } from './store.js';
import type { RuleName } from './rules/messages.js';
import type { Catalog } from './data.js';

/** The environment a request is served as: the catalog of its path prefix, else the emulator's own. */
export type EnvironmentKind = Catalog;

export interface HandlerContext {
  store: Store;
  /** The catalog the request came in through (`/sandbox`, `/pre`, `/pro`, or the root's environment). */
  environment: EnvironmentKind;
  /** Today's date, YYYY-MM-DD. */
  today(): string;
  /** Epoch milliseconds (token expiry). */
  nowMs(): number;
  tokenTtlSeconds: number;
  /** Debtor records per Portfolio Movements page. */
  movementsPageSize: number;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The rule that produced an error answer. */
  rule?: RuleName;
}
