import type { EnvironmentName } from '../environments.js';
import { GENERIC_ENTRIES, KNOWLEDGE_BASE } from './entries.js';
import type { KnowledgeBaseEntry } from './types.js';

export interface ErrorFacts {
  status: number;
  message?: string | undefined;
  code?: string | undefined;
  operation?: string | undefined;
  environment?: EnvironmentName | undefined;
}

/** Finds the entry that explains an error answer; never returns nothing. */
export function matchKnowledgeBase(facts: ErrorFacts, entries: readonly KnowledgeBaseEntry[] = KNOWLEDGE_BASE): KnowledgeBaseEntry {
  const message = facts.message ?? '';
  for (const entry of entries) {
    for (const r of entry.recognise) {
      if (r.status !== facts.status) continue;
      if (r.operations && !(facts.operation && r.operations.includes(facts.operation))) continue;
      if (r.environments && !(facts.environment && r.environments.includes(facts.environment))) continue;
      if (r.codes && !(facts.code && r.codes.includes(facts.code))) continue;
      if (r.messagePatterns && !r.messagePatterns.some((p) => p.test(message))) continue;
      return entry;
    }
  }
  const family = facts.status >= 500 ? 500 : facts.status;
  return GENERIC_ENTRIES.find((e) => e.status === family) ?? GENERIC_ENTRIES[GENERIC_ENTRIES.length - 1]!;
}

export function findEntry(id: string): KnowledgeBaseEntry | undefined {
  return [...KNOWLEDGE_BASE, ...GENERIC_ENTRIES].find((e) => e.id === id);
}
