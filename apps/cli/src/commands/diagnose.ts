import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
}

/** The ERP and sync sections as `cesce sync` reads them. */
export function cliErpHooks(file: string): ErpHooks {
  return {
    secretPaths: SECRET_PATHS.filter((p) => !p.startsWith('cesce.')),
    load(resolved) {
      const parsed = parseErpSections(resolved, file);
      if (!parsed.ok) return parsed;
      return { ok: true, source: sourceFromConfig(parsed.config), ledgerFile: parsed.config.sync.ledger };
    },
  };
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
    let settled = 0;
    const outcome = await diagnose({
      configFile: flags.config,
      environment: flags.env,
      erp: cliErpHooks(flags.config),
      only: flags.only,
      onResult: (r) => progress.update(`Checking… ${++settled} done (${r.id})`),
    });
    progress.done();
    if (flags.report) {
      const file = resolve(flags.report);
      writeFileSync(file, renderMarkdown(outcome), { mode: 0o600 });
      if (!json) process.stderr.write(`Markdown report written to ${file} (secrets removed, personal data masked).\n`);
    }
    if (json) process.stdout.write(`${renderJson(outcome)}\n`);
    else {
      process.stdout.write(`${renderTerminal(outcome, { color: process.stdout.isTTY === true && !process.env.NO_COLOR, verbose: flags.verbose ?? false })}\n`);
    }
    return outcome.report.exitCode;
  } catch (error) {
    progress.done();
    printFatal(error, { json, secrets: [], verbose: flags.verbose ?? false });
    return 1;
  }
}
