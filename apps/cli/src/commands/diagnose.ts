import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  ALL_CHECKS,
  diagnose,
  GROUP_TITLES,
  renderJson,
  renderMarkdown,
  renderTerminal,
  type ErpHooks,
} from '@cesce-connect/diagnostics';
import { parseErpSections, SECRET_PATHS } from '../config.js';
import { sourceFromConfig } from '../erp-source.js';
import { createProgress, printFatal } from '../output.js';

interface DiagnoseFlags {
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

function checkList(): string {
  const groups = Object.keys(GROUP_TITLES) as (keyof typeof GROUP_TITLES)[];
  return groups
    .map((g) => {
      const ids = ALL_CHECKS.filter((c) => c.group === g).map((c) => c.id);
      return ids.length ? `  ${g.padEnd(9)} ${GROUP_TITLES[g]}: ${ids.join(', ')}` : '';
    })
    .filter(Boolean)
    .join('\n');
}

export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('Check an installation before go-live: config and secrets, contract number, connectivity, credentials, products and policy, ERP data')
    .requiredOption('-c, --config <file>', 'config file (JSON), the one cesce sync uses')
    .addOption(new Option('--env <environment>', 'check against this Cesce environment instead of cesce.environment').choices(['sandbox', 'pre', 'pro']))
    .option('--json', 'print the report as one JSON object instead of the table')
    .option('--report <file.md>', 'also write a Markdown report, secrets removed and personal data masked, to attach to a support request')
    .option('--only <check...>', 'run only these checks or groups (and what they need), e.g. --only auth network')
    .option('--ledger <file>', 'the ledger the first-sync check plans against (overrides sync.ledger, as for cesce sync)')
    .option('--verbose', 'also show the details, fixes and knowledge-base entries of passed checks')
    .addHelpText(
      'after',
      `
Checks (each passes, warns, fails, or is skipped because a check it needs failed):
${checkList()}

Every problem comes with what was seen, the fix, and the knowledge-base entry that explains
Cesce's answer (cesce explain <id> prints it in Spanish and English). Secret values are never
printed; the Markdown report also masks customer names, tax ids, user names and e-mail addresses.

--env checks the same config against another environment: a base URL ending in a catalog
(/sandbox, /pre, /pro, as on https://api.cesce.es) is moved to that catalog. Credentials issued
for one environment and used against another are recognised where Cesce's answers allow it.

--only runs the named checks or groups and the checks they need; the verdict then speaks for
those checks only ("ready for go-live as far as checked").

Secrets in the config are best given as "env:NAME" (an environment variable) or "file:PATH"
(a file, relative to the config file); written inline they warn, and block a PRO installation.

Exit codes:
  0  ready for go-live
  2  warnings only (go-live possible; read them)
  1  blocking problems (or the diagnosis itself could not run)

Examples:
  $ cesce diagnose --config cesce.config.json
  $ cesce diagnose --config cesce.config.json --env pro --report diagnosis.md
  $ cesce diagnose --config cesce.config.json --json --only auth policy`,
    )
    .action(async (flags: DiagnoseFlags) => {
      process.exitCode = await diagnoseCommand(flags);
    });
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
