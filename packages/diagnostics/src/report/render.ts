import { GROUP_TITLES, type CheckGroup, type CheckResult, type CheckStatus, type DiagnosisOutcome, type DiagnosticReport } from '../types.js';
import { redactDeep, redactText } from './redact.js';

const GROUPS = Object.keys(GROUP_TITLES) as CheckGroup[];

/** The one-line verdict: "ready for go-live", "ready for go-live, with 2 warnings", "3 blocking problems". */
export function verdictLine(report: DiagnosticReport): string {
  const { fail, warn } = report.counts;
  if (fail > 0) return `${fail} blocking problem${fail === 1 ? '' : 's'}${warn > 0 ? ` and ${warn} warning${warn === 1 ? '' : 's'}` : ''}: not ready for go-live`;
  // With --only, "ready" speaks for the checks that ran only.
  const partial = report.notRun.length > 0 ? ` as far as checked (${report.notRun.length} check${report.notRun.length === 1 ? '' : 's'} not run: --only)` : '';
  if (warn > 0) return `ready for go-live${partial}, with ${warn} warning${warn === 1 ? '' : 's'} to look at`;
  return `ready for go-live${partial}`;
}

function grouped(results: readonly CheckResult[]): [CheckGroup, CheckResult[]][] {
  return GROUPS.map((g) => [g, results.filter((r) => r.group === g)] as [CheckGroup, CheckResult[]]).filter(([, rs]) => rs.length > 0);
}

// ---- terminal ---------------------------------------------------------------------------------

const SYMBOL: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', skipped: '-' };
const COLOR: Record<CheckStatus, string> = { pass: '32', warn: '33', fail: '31', skipped: '2' };

export interface TerminalOptions {
  /** ANSI colours (on a TTY). */
  color?: boolean | undefined;
  /** Also list passed checks' details and knowledge-base causes. */
  verbose?: boolean | undefined;
}

/** The report for people at a terminal: grouped, one line per check, fixes under problems, the verdict last. */
export function renderTerminal(outcome: DiagnosisOutcome, options: TerminalOptions = {}): string {
  const report = redactDeep(outcome.report, outcome.redaction, false);
  const paint = (code: string, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const width = Math.max(...report.results.map((r) => r.id.length), 10);
  const lines: string[] = [];
  lines.push(`cesce diagnose: ${report.configFile}${report.environment ? `, ${report.environment.toUpperCase()}` : ''}`);
  for (const [group, results] of grouped(report.results)) {
    lines.push('', paint('1', GROUP_TITLES[group]));
    for (const r of results) {
      lines.push(`  ${paint(COLOR[r.status], SYMBOL[r.status])} ${r.id.padEnd(width)}  ${r.observed}`);
      const problem = r.status === 'fail' || r.status === 'warn';
      const indent = ' '.repeat(width + 6);
      if (problem || options.verbose) for (const d of r.details ?? []) lines.push(`${indent}${d}`);
      if (r.suggestion && problem) lines.push(`${indent}${paint('1', 'use:')} ${r.suggestion}`);
      if (r.fix && (problem || options.verbose)) lines.push(`${indent}${paint('1', 'fix:')} ${r.fix}`);
      if (r.kb && (problem || options.verbose)) {
        lines.push(`${indent}${paint('2', `knowledge base ${r.kb.id}${r.kb.catalogueRef ? ` (catalogue ${r.kb.catalogueRef})` : ''}: ${r.kb.title.en}; cesce explain ${r.kb.id}`)}`);
      }
    }
  }
  const verdictColor = report.verdict === 'blocked' ? '31' : report.verdict === 'warnings' ? '33' : '32';
  const c = report.counts;
  lines.push(
    '',
    `${paint('1', 'Verdict:')} ${paint(`1;${verdictColor}`, verdictLine(report))}`,
    paint('2', `${c.pass} passed, ${c.warn} warning${c.warn === 1 ? '' : 's'}, ${c.fail} failed, ${c.skipped} skipped in ${(report.durationMs / 1000).toFixed(1)} s; exit code ${report.exitCode}`),
  );
  return lines.join('\n');
}

// ---- JSON -------------------------------------------------------------------------------------

/** The report as JSON for machines: secrets scrubbed, personal data kept (it is the operator's own). */
export function renderJson(outcome: DiagnosisOutcome): string {
  return JSON.stringify(redactDeep(outcome.report, outcome.redaction, false), null, 2);
}

// ---- Markdown ---------------------------------------------------------------------------------

const MD_STATUS: Record<CheckStatus, string> = { pass: 'pass', warn: '**warn**', fail: '**FAIL**', skipped: 'skipped' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * The report to attach to a support request: secrets scrubbed and personal data (customer names,
 * tax ids, user names, e-mail addresses) masked; the knowledge-base cause and fix in Spanish and
 * English under each problem.
 */
export function renderMarkdown(outcome: DiagnosisOutcome): string {
  const report = redactDeep(outcome.report, outcome.redaction, true);
  const c = report.counts;
  const out: string[] = [
    '# cesce-connect diagnosis',
    '',
    `- **Verdict:** ${verdictLine(report)} (exit code ${report.exitCode})`,
    `- **Config:** \`${report.configFile}\``,
    `- **Environment:** ${report.environment ? report.environment.toUpperCase() : 'unknown'}`,
    `- **Run:** ${report.startedAt}, ${(report.durationMs / 1000).toFixed(1)} s, ${report.tool.name} ${report.tool.version}`,
    `- **Checks:** ${c.pass} passed, ${c.warn} warning${c.warn === 1 ? '' : 's'}, ${c.fail} failed, ${c.skipped} skipped`,
    '',
    '> Secrets are removed and personal data (names, tax ids, user names, e-mail addresses) is masked in this report.',
    '',
    '| Check | Status | What was seen |',
    '|---|---|---|',
    ...report.results.map((r) => `| \`${r.id}\` | ${MD_STATUS[r.status]} | ${cell(r.observed)} |`),
  ];
  for (const [group, results] of grouped(report.results)) {
    const problems = results.filter((r) => r.status === 'fail' || r.status === 'warn');
    if (problems.length === 0) continue;
    out.push('', `## ${GROUP_TITLES[group]}`);
    for (const r of problems) {
      out.push('', `### ${r.status === 'fail' ? 'FAIL' : 'warn'}: ${r.title} (\`${r.id}\`)`, '', r.observed);
      if (r.details?.length) out.push('', ...r.details.map((d) => `- ${d}`));
      if (r.suggestion) out.push('', `**Use:** \`${r.suggestion}\``);
      if (r.fix) out.push('', `**Fix:** ${r.fix}`);
      if (r.kb) {
        out.push(
          '',
          `**Knowledge base \`${r.kb.id}\`${r.kb.catalogueRef ? ` (Cesce catalogue ${r.kb.catalogueRef})` : ''}**`,
          '',
          `- Causa: ${r.kb.cause.es}`,
          `- Solución: ${r.kb.fix.es}`,
          `- Cause: ${r.kb.cause.en}`,
          `- Fix: ${r.kb.fix.en}`,
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** Redacts any text produced outside the renderers (e.g. a fatal error) like the Markdown report does. */
export function redactForSupport(text: string, outcome: DiagnosisOutcome): string {
  return redactText(text, outcome.redaction, true);
}
