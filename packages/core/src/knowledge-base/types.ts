import type { EnvironmentName } from '../environments.js';

export type Actor = 'you' | 'cesce-transformation' | 'cesce-support' | 'commercial-agent' | 'cesce-portal';

export interface Bilingual {
  es: string;
  en: string;
}

/** How an error answer is recognised. Every listed condition must hold. */
export interface Recogniser {
  status: number;
  /** Matched against Cesce's message (errorDescription / error_description / moreInformation). */
  messagePatterns?: RegExp[];
  /** Matched against Cesce's code (errorCode / OAuth2 error / httpCode). */
  codes?: string[];
  /** Operations (e.g. 'sales.create', 'token') the entry applies to; any when absent. */
  operations?: string[];
  environments?: EnvironmentName[];
}

export interface KnowledgeBaseEntry {
  /** Stable id, e.g. 'cesce-400-contract-format'. */
  id: string;
  status: number;
  /** Position in the seed's catalogue, e.g. '400-7'; null for entries not in the seed. */
  catalogueRef: string | null;
  title: Bilingual;
  recognise: Recogniser[];
  cause: Bilingual;
  fix: Bilingual;
  actor: Actor;
  retryable: boolean;
  /** True when the cause/recognition is our assumption rather than published. */
  inferred: boolean;
  /** Fallback entries match any message of their status. */
  generic?: boolean;
}
