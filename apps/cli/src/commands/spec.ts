/** The definition of `cesce spec check`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/spec.ts. */
import { Option, type Command } from 'commander';
import type { SpecCheckFlags } from '../actions/spec.js';
import { API_NAMES } from '../help-facts.js';

export function registerSpec(program: Command): void {
  const spec = program.command('spec').description('Compare our schemas with the API documents Cesce publishes');
  spec
    .command('check')
    .description('Compare a Swagger 2.0 / OpenAPI 3 document (JSON or YAML) with our operations, field by field')
    .argument('<file>', 'the document, e.g. as downloaded from developer-api.cesce.es')
    .addOption(
      new Option('--api <name>', 'compare with this API only (default: the APIs the document’s operations belong to)').choices(
        API_NAMES.filter((a) => a !== 'oauth2'),
      ),
    )
    .option('--json', 'print the comparison as JSON')
    .addHelpText(
      'after',
      `
Operations are matched by method and path template: the base path (basePath, or the path of the
first server URL) may include the catalog; parameter names, stray spaces and a missing "/" before
"{" are ignored. For each matched operation the request body, the query parameters and the 2xx
response are compared field by field (nested fields as a.b, array items as a[].b):
  ✓ same   ✗ differs (required-ness, type, enum values, base path)
  + only in the spec (we lack it)   − only ours (inferred by us, not in the spec)

Exit codes:
  0  no differences
  1  the file is unreadable or not a Swagger 2.0 / OpenAPI 3 document
  2  differences found

Examples:
  $ cesce spec check sales-swagger.json
  $ cesce spec check claims.yaml --api claims
  $ cesce spec check sales-swagger.json --json > report.json`,
    )
    .action(async (file: string, flags: SpecCheckFlags) => {
      const { specCheck } = await import('../actions/spec.js');
      const out = specCheck(file, flags);
      if (out.stdout) process.stdout.write(out.stdout);
      if (out.stderr) process.stderr.write(out.stderr);
      process.exitCode = out.code;
    });
}
