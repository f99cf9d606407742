import type { Store } from './store.js';
import type { RuleName } from './rules/messages.js';

export type EnvironmentKind = 'sandbox' | 'pre' | 'pro';

export interface HandlerContext {
  store: Store;
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
