import { ALL_CHECKS } from './checks/index.js';
import {
  DEFAULT_THRESHOLDS,
  type CheckDefinition,
  type CheckResult,
  type CheckStatus,
  type DiagnoseOptions,
  type DiagnosisOutcome,
  type DiagnosticContext,
  type DiagnosticReport,
} from './types.js';
import { VERSION } from './version.js';
import { redactDeep } from './report/redact.js';

function createContext(options: DiagnoseOptions, secrets: Set<string>, personal: Set<string>): DiagnosticContext {
  return {
    options,
    thresholds: { ...DEFAULT_THRESHOLDS, ...(options.thresholds ?? {}) },
    clock: options.clock ?? Date.now,
    configFile: options.configFile,
    raw: undefined,
    resolved: undefined,
    sources: new Map(),
    cesce: undefined,
    environment: undefined,
    token: undefined,
    client: undefined,
    erp: { source: undefined, ledgerFile: undefined, description: undefined, debtors: undefined, documents: undefined },
    secret(value) {
      if (value && value.length >= 4) secrets.add(value);
    },
    personal(value) {
      const v = value?.trim();
      if (v && v.length >= 3) personal.add(v);
    },
  };
}

/** The checks to run: all, or those named (by id or group) plus everything they need. */
export function selectChecks(checks: readonly CheckDefinition[], only: readonly string[] | undefined): CheckDefinition[] {
  if (!only || only.length === 0) return [...checks];
  const byId = new Map(checks.map((c) => [c.id, c]));
  const unknown = only.filter((o) => !byId.has(o) && !checks.some((c) => c.group === o));
  if (unknown.length > 0) {
    throw new TypeError(
      `Unknown check or group ${unknown.map((u) => `'${u}'`).join(', ')}: expected one of ${[...new Set(checks.map((c) => c.group))].join(', ')} or a check id such as ${checks[0]?.id}`,
    );
  }
  const wanted = new Set<string>();
  const add = (id: string): void => {
    if (wanted.has(id)) return;
    wanted.add(id);
    const c = byId.get(id);
    for (const dep of [...(c?.needs ?? []), ...(c?.after ?? [])]) add(dep);
  };
  for (const o of only) for (const c of checks) if (c.id === o || c.group === o) add(c.id);
  return checks.filter((c) => wanted.has(c.id));
}

/** Every string of a result with the known secrets scrubbed (values only: keys such as `tokenTtl` stay). */
function scrub(result: CheckResult, secrets: readonly string[]): CheckResult {
  return redactDeep(result, { secrets, personal: [] }, false);
}

/**
 * Runs the checks and returns the report. Each check starts when the checks it needs have
 * settled; one that failed or was skipped skips those that need it. Never throws for what it finds.
 */
export async function diagnose(options: DiagnoseOptions, checks: readonly CheckDefinition[] = ALL_CHECKS): Promise<DiagnosisOutcome> {
  const secrets = new Set<string>();
  const personal = new Set<string>();
  const ctx = createContext(options, secrets, personal);
  const started = Date.now();
  const startedAt = new Date(ctx.clock()).toISOString();
  const selected = selectChecks(checks, options.only);
  const ids = new Set(selected.map((c) => c.id));
  const settled = new Map<string, Promise<CheckResult>>();

  const runOne = async (check: CheckDefinition): Promise<CheckResult> => {
    const deps = await Promise.all([...check.needs, ...(check.after ?? [])].filter((d) => ids.has(d)).map((d) => settled.get(d)!));
    const base = { id: check.id, group: check.group, title: check.title };
    const blocker = deps.find((d) => check.needs.includes(d.id) && (d.status === 'fail' || d.status === 'skipped'));
    if (blocker) {
      return {
        ...base,
        status: 'skipped',
        observed: `not run: ${blocker.id} ${blocker.status === 'fail' ? 'failed' : 'was skipped'}`,
        skippedBecause: blocker.id,
        durationMs: 0,
      };
    }
    const reason = check.skipWhen?.(ctx);
    if (reason) return { ...base, status: 'skipped', observed: reason, durationMs: 0 };
    const t0 = performance.now();
    try {
      const outcome = await check.run(ctx);
      return { ...base, ...outcome, durationMs: Math.round(performance.now() - t0) };
    } catch (error) {
      return {
        ...base,
        status: 'fail',
        observed: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'This is a bug in cesce-connect or an answer it does not understand: attach this report to a support request.',
        durationMs: Math.round(performance.now() - t0),
      };
    }
  };

  for (const check of selected) {
    const p = runOne(check).then((r) => {
      const clean = scrub(r, [...secrets]);
      options.onResult?.(clean);
      return clean;
    });
    settled.set(check.id, p);
  }
  const results = await Promise.all(selected.map((c) => settled.get(c.id)!));
  await ctx.erp.source?.close().catch(() => {});

  // Secrets learnt late (e.g. from the ERP section) are scrubbed from every result once more.
  const clean = results.map((r) => scrub(r, [...secrets]));
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const r of clean) counts[r.status] += 1;
  const verdict = counts.fail > 0 ? 'blocked' : counts.warn > 0 ? 'warnings' : 'ready';
  const report: DiagnosticReport = {
    tool: { name: 'cesce-connect', version: VERSION },
    startedAt,
    durationMs: Date.now() - started,
    configFile: options.configFile,
    environment: ctx.environment?.name ?? options.environment,
    verdict,
    counts,
    exitCode: verdict === 'blocked' ? 1 : verdict === 'warnings' ? 2 : 0,
    results: clean,
    notRun: checks.filter((c) => !ids.has(c.id)).map((c) => c.id),
  };
  return { report, redaction: { secrets: [...secrets], personal: [...personal] } };
}
