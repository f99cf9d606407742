/** The definition of `cesce explain`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/explain.ts. */
import { Option, type Command } from 'commander';
import type { ExplainFlags } from '../actions/explain.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('Explain a Cesce error: its cause, the fix (in Spanish or English), who acts and whether retrying helps')
    .argument('<status|kb-id>', 'an HTTP status (e.g. 400) or a knowledge-base id (e.g. cesce-400-contract-format)')
    .argument('[message...]', 'Cesce’s error message, to find the one entry that explains it')
    .addOption(new Option('--lang <lang>', 'language: es, en or both (default: from LC_ALL / LC_MESSAGES / LANG; es* → es, else en)').choices(['es', 'en', 'both']))
    .option('--operation <operation>', 'the operation that failed (e.g. sales.create, token), to pick the right entry')
    .addOption(new Option('--env <environment>', 'the Cesce environment the error came from').choices(['sandbox', 'pre', 'pro']))
    .option('--code <code>', 'Cesce’s error code (errorCode, OAuth2 error or httpCode), e.g. invalid_grant')
    .option('--json', 'print the entries as JSON (both languages, message patterns as strings)')
    .addHelpText(
      'after',
      `
With a status alone, prints every knowledge-base entry for it; with a status and a message, the
one entry that explains that answer (as the client does for every CesceApiError); with an id, that
entry. Each entry gives the cause, the fix, who acts, whether retrying helps, its place in Cesce's
integration-support catalogue and whether it is published or inferred.

Exit codes:
  0  explained
  1  unknown id or operation, or not an HTTP status (the known ids are listed)

Examples:
  $ cesce explain 400                                   # every 400 and its fix
  $ cesce explain 400 --lang es
  $ cesce explain 400 "La póliza 38100029218 está vencida desde 2025-06-30."
  $ cesce explain 404 --env sandbox --lang both
  $ cesce explain 401 --operation token
  $ cesce explain 422 "'nonPaymentInd' is missing." --json
  $ cesce explain cesce-400-contract-format`,
    )
    .action(async (target: string, words: string[], flags: ExplainFlags) => {
      const { explain } = await import('../actions/explain.js');
      const out = explain(target, words, flags);
      if (out.stdout) process.stdout.write(out.stdout);
      if (out.stderr) process.stderr.write(out.stderr);
      process.exitCode = out.code;
    });
}
