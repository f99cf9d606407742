/** What `cesce diagnose` does; loaded by its definition (../commands/diagnose.ts) only when the command runs. */
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { diagnose, renderJson, renderMarkdown, renderTerminal, type ErpHooks } from '@cesce-connect/diagnostics';
import { parseErpSections, SECRET_PATHS } from '../config.js';
import { sourceFromConfig } from '../erp-source.js';
import { createProgress, printFatal } from '../output.js';

export interface DiagnoseFlags {
  config: string;
  env?: 'sandbox' | 'pre' | 'pro';
  json?: boolean;
  report?: string;
  only?: string[];
  verbose?: boolean;
  ledger?: string;
}

/** The ERP and sync sections as `cesce sync` reads them. */
export function cliErpHooks(file: string, ledger?: string): ErpHooks {
  return {
    secretPaths: SECRET_PATHS.filter((p) => !p.startsWith('cesce.')),
    load(resolved) {
      const parsed = parseErpSections(resolved, file);
      if (!parsed.ok) return parsed;
      return { ok: true, source: sourceFromConfig(parsed.config), ledgerFile: ledger ? resolve(ledger) : parsed.config.sync.ledger };
    },
  };
}

/**
 * Where the Markdown report may go, checked before the diagnosis runs: never over the config
 * file, never over a file that is not a report, into a folder that exists.
 */
function reportPath(report: string, config: string): string {
  const file = resolve(report);
  if (file === resolve(config)) throw new TypeError(`--report ${report} is the config file itself: name another file, e.g. diagnosis.md`);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new TypeError(`--report ${report} is a folder: name a file in it, e.g. ${resolve(file, 'diagnosis.md')}`);
    if (!/\.(md|markdown)$/i.test(file)) throw new TypeError(`--report ${report} exists and is not a Markdown (.md) file: it is not overwritten; name a .md file`);
  } else if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) {
    throw new TypeError(`--report ${report}: the folder ${dirname(file)} does not exist`);
  }
  return file;
}

export async function diagnoseCommand(flags: DiagnoseFlags): Promise<number> {
  const json = flags.json ?? false;
  const progress = createProgress(!json && process.stderr.isTTY === true);
  try {
    const report = flags.report === undefined ? undefined : reportPath(flags.report, flags.config);
    let settled = 0;
    const outcome = await diagnose({
      configFile: flags.config,
      environment: flags.env,
      erp: cliErpHooks(flags.config, flags.ledger),
      only: flags.only,
      onResult: (r) => progress.update(`Checking… ${++settled} done (${r.id})`),
    });
    progress.done();
    // The diagnosis is printed first: a report that cannot be written must not lose it.
    if (json) process.stdout.write(`${renderJson(outcome)}\n`);
    else {
      process.stdout.write(`${renderTerminal(outcome, { color: process.stdout.isTTY === true && !process.env.NO_COLOR, verbose: flags.verbose ?? false })}\n`);
    }
    if (report) {
      try {
        writeFileSync(report, renderMarkdown(outcome), { mode: 0o600 });
        // An existing file keeps its mode on write: personal data must not stay readable by others.
        chmodSync(report, 0o600);
        if (!json) process.stderr.write(`Markdown report written to ${report} (secrets removed, personal data masked).\n`);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        process.stderr.write(`cesce: the Markdown report could not be written to ${report} (${code}); the diagnosis is above.\n`);
        return 1;
      }
    }
    return outcome.report.exitCode;
  } catch (error) {
    progress.done();
    printFatal(error, { json, secrets: [], verbose: flags.verbose ?? false });
    return 1;
  }
}
