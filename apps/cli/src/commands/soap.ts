/** The definition of `cesce soap describe`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/soap.ts. */
import type { Command } from 'commander';
import type { DescribeFlags } from '../actions/soap.js';

export function registerSoap(program: Command): void {
  const soap = program.command('soap').description('Tools for SOAP ERPs (SAP BAPIs over SOAMANAGER, Dynamics NAV/Business Central pages, ...)');
  soap
    .command('describe')
    .description('List the services, ports and operations of a WSDL with their input and output elements, to help write a profile')
    .argument('<wsdl>', 'WSDL URL (e.g. ending in ?wsdl) or file path')
    .option('--endpoint <url>', 'address to show instead of the one in the WSDL (the WSDL often names an internal host)')
    .option('--username <user>', 'user for HTTP basic auth when the WSDL is protected')
    .option('--password-env <VAR>', 'environment variable holding the basic-auth password (never pass it on the command line)')
    .option('--soap12', 'load the WSDL for SOAP 1.2')
    .option('--encoding <charset>', 'charset of the server when it does not declare one: utf-8 or iso-8859-1')
    .option('--timeout <ms>', 'timeout for the download in milliseconds', '30000')
    .option('--json', 'print the description as JSON')
    .option('--verbose', 'show error details')
    .addHelpText(
      'after',
      `
The tree shows, per operation, the input elements (what a profile's "request" template fills in)
and the output elements (where "recordsPath" and field paths point). "[]" marks a repeated element:
list it in "arrayPaths" so a single row still reads as a list. Types are XSD types; dates and
decimals are read as the exact text of the answer.

Examples:
  $ cesce soap describe ./wsdl/zbapi_customer.wsdl
  $ SAP_PASSWORD=... cesce soap describe \\
      "https://sap.example.com:44300/sap/bc/srt/wsdl/flv_10002A111AD1/bndg_url/sap/bc/srt/rfc/sap/zcust/300/zcust/zbind?sap-client=300" \\
      --username RFC_CESCE --password-env SAP_PASSWORD
  $ cesce soap describe "http://nav:7047/DynamicsNAV/WS/CRONUS/Page/Customer" --json > customer-page.json`,
    )
    .action(async (wsdl: string, flags: DescribeFlags) => {
      const { soapDescribeCommand } = await import('../actions/soap.js');
      process.exitCode = await soapDescribeCommand(wsdl, flags);
    });
}
