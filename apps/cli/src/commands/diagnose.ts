/** The definition of `cesce diagnose`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/diagnose.ts. */
import { Option, type Command } from 'commander';
import type { DiagnoseFlags } from '../actions/diagnose.js';
import { DIAGNOSE_CHECKS, DIAGNOSE_GROUP_TITLES } from '../help-facts.js';

/** The checks by group, as `--help` lists them. */
function checkList(): string {
  const groups = Object.keys(DIAGNOSE_GROUP_TITLES) as (keyof typeof DIAGNOSE_GROUP_TITLES)[];
  return groups
    .map((g) => {
      const ids = DIAGNOSE_CHECKS.filter((c) => c.group === g).map((c) => c.id);
      return ids.length ? `  ${g.padEnd(9)} ${DIAGNOSE_GROUP_TITLES[g]}: ${ids.join(', ')}` : '';
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
      const { diagnoseCommand } = await import('../actions/diagnose.js');
      process.exitCode = await diagnoseCommand(flags);
    });
}
