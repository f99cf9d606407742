/** What `cesce explain` does; loaded by its definition (../commands/explain.ts) only when the command runs. */
import {
  findEntry,
  GENERIC_ENTRIES,
  KNOWLEDGE_BASE,
  matchKnowledgeBase,
  OPERATION_SCOPES,
  type EnvironmentName,
  type KnowledgeBaseEntry,
} from '@cesce-connect/core';

export type Lang = 'es' | 'en';
type LangChoice = Lang | 'both';

export interface ExplainFlags {
  lang?: LangChoice;
  json?: boolean;
  operation?: string;
  env?: EnvironmentName;
  code?: string;
}

/** Spanish when the locale (LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them) starts with "es"; English otherwise. */
export function langFromEnvironment(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v.trim() !== '') ?? '';
  return /^es([_.@-]|$)/i.test(locale.trim()) ? 'es' : 'en';
}

const LABELS: Record<Lang, { cause: string; fix: string; actor: string; retry: string; catalogue: string; source: string }> = {
  es: { cause: 'Causa', fix: 'Solución', actor: 'Quién actúa', retry: '¿Reintentar?', catalogue: 'Catálogo', source: 'Origen' },
  en: { cause: 'Cause', fix: 'Fix', actor: 'Who acts', retry: 'Retry helps?', catalogue: 'Catalogue', source: 'Source' },
};

const ACTORS: Partial<Record<string, Record<Lang, string>>> = {
  you: { es: 'tú (el asegurado o quien integra)', en: 'you (the insured or the integrator)' },
  'cesce-transformation': { es: 'el equipo de Transformación de Cesce', en: 'Cesce’s Transformation team' },
  'cesce-support': { es: 'el equipo de soporte de Cesce', en: 'Cesce’s support team' },
  'commercial-agent': { es: 'tu agente comercial', en: 'your commercial agent' },
  'cesce-portal': { es: 'tú, en el portal de Cesce (Sandbox)', en: 'you, on Cesce’s portal (Sandbox)' },
};

function actorText(actor: string, lang: Lang): string {
  return ACTORS[actor]?.[lang] ?? actor;
}

/** Every entry, specific ones first, then the generic fallbacks. */
function allEntries(): KnowledgeBaseEntry[] {
  return [...KNOWLEDGE_BASE, ...GENERIC_ENTRIES];
}

/** The entries that can explain an answer of `status`, narrowed by operation and environment when given. */
export function entriesForStatus(status: number, refine: { operation?: string | undefined; environment?: EnvironmentName | undefined } = {}): KnowledgeBaseEntry[] {
  const family = status >= 500 ? 500 : status;
  return allEntries().filter((e) => {
    const recognisers = e.recognise.filter((r) => r.status === status);
    if (recognisers.length === 0) {
      // A generic entry covers its whole family (500 covers 502, 503, ...).
      return !!e.generic && e.status === family && !allEntries().some((o) => o.generic && o.status === status);
    }
    return recognisers.some(
      (r) =>
        (!r.operations || !refine.operation || r.operations.includes(refine.operation)) &&
        (!r.environments || !refine.environment || r.environments.includes(refine.environment)),
    );
  });
}

function renderLang(entry: KnowledgeBaseEntry, lang: Lang): string[] {
  const l = LABELS[lang];
  const retry =
    lang === 'es'
      ? entry.retryable
        ? 'sí: el mismo envío puede funcionar más tarde'
        : 'no: reintentar no sirve sin corregir la causa'
      : entry.retryable
        ? 'yes: the same request may work later'
        : 'no: retrying does not help until the cause is fixed';
  const catalogue = entry.catalogueRef
    ? lang === 'es'
      ? `${entry.catalogueRef} (documentación de soporte a la integración de Cesce)`
      : `${entry.catalogueRef} (Cesce’s integration-support documentation)`
    : lang === 'es'
      ? 'no figura en el catálogo de Cesce'
      : 'not in Cesce’s catalogue';
  const source =
    lang === 'es'
      ? entry.inferred
        ? 'inferido: la causa y cómo se reconoce son suposición nuestra; la solución sigue el catálogo cuando figura en él'
        : 'publicado por Cesce'
      : entry.inferred
        ? 'inferred: the cause and how it is recognised are our assumption; the fix follows the catalogue when it is in it'
        : 'published by Cesce';
  const width = Math.max(...Object.values(l).map((s) => s.length)) + 2;
  const row = (label: string, text: string) => `  ${`${label}:`.padEnd(width)}${text}`;
  return [
    `  ${entry.title[lang]}`,
    row(l.cause, entry.cause[lang]),
    row(l.fix, entry.fix[lang]),
    row(l.actor, actorText(entry.actor, lang)),
    row(l.retry, retry),
    row(l.catalogue, catalogue),
    row(l.source, source),
  ];
}

export function renderEntry(entry: KnowledgeBaseEntry, langs: readonly Lang[]): string {
  const lines = [`${entry.id}  (HTTP ${entry.status})`];
  langs.forEach((lang, i) => {
    if (i > 0) lines.push('');
    lines.push(...renderLang(entry, lang));
  });
  return lines.join('\n');
}

/** An entry as plain JSON (message patterns as "/source/flags" strings). */
export function entryToJson(entry: KnowledgeBaseEntry): Record<string, unknown> {
  return {
    ...entry,
    recognise: entry.recognise.map((r) => ({ ...r, ...(r.messagePatterns ? { messagePatterns: r.messagePatterns.map(String) } : {}) })),
  };
}

type Outcome = { code: number; stdout?: string; stderr?: string };

const USAGE_HINT = '(run `cesce explain --help` for usage)';

export function explain(target: string, words: readonly string[], flags: ExplainFlags, env: NodeJS.ProcessEnv = process.env): Outcome {
  const langs: Lang[] = flags.lang === 'both' ? ['es', 'en'] : [flags.lang ?? langFromEnvironment(env)];
  const fail = (message: string, extra: string[] = [], json: Record<string, unknown> = {}): Outcome =>
    flags.json
      ? { code: 1, stdout: `${JSON.stringify({ ok: false, error: { code: 'usage', message }, ...json }, null, 2)}\n` }
      : { code: 1, stderr: `cesce explain: ${message}\n${extra.length ? `${extra.join('\n')}\n` : ''}` };

  if (flags.operation && !(flags.operation in OPERATION_SCOPES)) {
    const ops = Object.keys(OPERATION_SCOPES);
    return fail(`unknown operation '${flags.operation}'`, ['Known operations:', ...ops.map((o) => `  ${o}`)], { operations: ops });
  }

  const print = (entries: KnowledgeBaseEntry[], heading: string[]): Outcome => {
    if (flags.json) return { code: 0, stdout: `${JSON.stringify(entries.map(entryToJson), null, 2)}\n` };
    const blocks = entries.map((e) => renderEntry(e, langs));
    return { code: 0, stdout: `${[...heading, ...(heading.length ? [''] : []), blocks.join('\n\n')].join('\n')}\n` };
  };

  if (/^\d+$/.test(target)) {
    const status = Number(target);
    if (status < 100 || status > 599) return fail(`'${target}' is not an HTTP status (100-599) ${USAGE_HINT}`);
    const es = langs[0] === 'es';
    const message = words.join(' ').trim();
    if (message || flags.code) {
      const entry = matchKnowledgeBase({ status, message, code: flags.code, operation: flags.operation, environment: flags.env });
      const facts = [
        `HTTP ${status}`,
        message ? `"${message}"` : '',
        flags.code ? `code ${flags.code}` : '',
        flags.operation ? `operation ${flags.operation}` : '',
        flags.env ? `env ${flags.env}` : '',
      ].filter(Boolean);
      const heading = [es ? `Entrada que explica ${facts.join(', ')}:` : `Entry that explains ${facts.join(', ')}:`];
      if (entry.generic) {
        const others = entriesForStatus(status, { operation: flags.operation, environment: flags.env }).filter((e) => !e.generic);
        heading.push(
          es
            ? `Ninguna entrada específica reconoce este mensaje; se aplica la genérica.${others.length ? ` Entradas de HTTP ${status}: ${others.map((e) => e.id).join(', ')}` : ''}`
            : `No specific entry recognises this message; the generic one applies.${others.length ? ` Entries for HTTP ${status}: ${others.map((e) => e.id).join(', ')}` : ''}`,
        );
      }
      return print([entry], heading);
    }
    let entries = entriesForStatus(status, { operation: flags.operation, environment: flags.env });
    if (entries.length === 0) entries = [matchKnowledgeBase({ status, operation: flags.operation, environment: flags.env })];
    const specific = entries.filter((e) => !e.generic).length;
    const heading = es
      ? `HTTP ${status}: ${specific} entrada${specific === 1 ? '' : 's'} en la base de conocimiento${entries.some((e) => e.generic) ? ' y la genérica, que explica lo que ninguna reconoce' : ''}.`
      : `HTTP ${status}: ${specific} knowledge-base entr${specific === 1 ? 'y' : 'ies'}${entries.some((e) => e.generic) ? ', plus the generic one for what none of them recognises' : ''}.`;
    return print(entries, [heading]);
  }

  const entry = findEntry(target);
  if (!entry) {
    const ids = allEntries().map((e) => e.id);
    const list = allEntries().map((e) => `  ${e.id.padEnd(40)} HTTP ${e.status}  ${e.title[langs[0]!]}`);
    return fail(`unknown knowledge-base id '${target}'`, ['Known ids:', ...list], { ids });
  }
  if (words.length) return fail(`a knowledge-base id takes no message (got '${words.join(' ')}') ${USAGE_HINT}`);
  return print([entry], []);
}

