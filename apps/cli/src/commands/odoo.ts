/** The definition of `cesce odoo setup`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/odoo.ts. */
import type { Command } from 'commander';
import type { SetupFlags } from '../actions/odoo.js';

export function registerOdoo(program: Command): void {
  const odoo = program.command('odoo').description('Prepare an Odoo database for the connector');
  odoo
    .command('setup')
    .description('Create the custom fields the connector reads and writes (idempotent: existing fields are kept)')
    .requiredOption('-c, --config <file>', 'config file (JSON); only its odoo section is used')
    .option('--dry-run', 'only check: list the fields that would be created, create nothing')
    .option('--json', 'print one JSON object with the report instead of the table')
    .option('--verbose', 'show error details such as Odoo tracebacks')
    .addHelpText(
      'after',
      `
Fields (names are the defaults; rename them with odoo.fields in the config):
  res.partner   x_cesce_requested_limit  Float  you type the limit to request; > 0 asks Cesce
                x_cesce_status           Char   Cesce's status label (Clasificado, Denegado, ...)
                x_cesce_granted_limit    Float  the limit Cesce granted
                x_cesce_endorsement_no   Char   Cesce's endorsement number (suplemento)
  account.move  x_cesce_sale_ref         Char   Cesce's reference of the declared sale
                x_cesce_sale_state       Char   declared / rejected (a rejection also leaves a note
                                                in the invoice's chatter)

With odoo.fieldsPreset "oca" (or "auto" and the OCA module partner_risk_insurance installed) the
granted limit and endorsement go into insurance_credit_limit and risk_insurance_code instead,
and only the other four fields are created.

Fields are created as custom fields (Settings > Technical > Fields: state "manual", stored). A
field that exists with another type is an error: setup never alters or deletes a field.

Rights: the Odoo user running setup needs Administration / Settings (creating ir.model.fields).
The sync itself does not: it needs Invoicing read access plus write access to partners and
invoices (and, for odoo.writeNativeCreditLimit on Odoo 16+, Accounting billing rights).

Exit codes:
  0  done: fields created, or unchanged (everything already there)
  1  error (bad config, Odoo unreachable, wrong credentials, missing rights, a field of the wrong type)
  2  --dry-run only: fields are missing and would be created

Examples:
  $ cesce odoo setup --config cesce.config.json --dry-run
  $ cesce odoo setup --config cesce.config.json
  $ cesce odoo setup --config cesce.config.json --json`,
    )
    .action(async (flags: SetupFlags) => {
      const { odooSetupCommand } = await import('../actions/odoo.js');
      process.exitCode = await odooSetupCommand(flags);
    });
}
