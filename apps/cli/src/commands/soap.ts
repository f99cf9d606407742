import type { Command } from 'commander';
import { describeWsdl, formatDescription } from '@cesce-connect/connector-soap-erp';
import { ConfigError } from '@cesce-connect/core';

/** Bad command-line flags: reported like config problems, but without the pointer to the config file format. */
class UsageError extends ConfigError {
  override readonly name = 'UsageError';
  constructor(command: string, issues: { path: string; message: string }[]) {
    super(command, issues);
    this.message = this.message.replace(/^Invalid config /, 'Invalid options of ');
  }
}
import { printFatal } from '../output.js';

interface DescribeFlags {
  endpoint?: string;
  json?: boolean;
  username?: string;
  passwordEnv?: string;
  soap12?: boolean;
  encoding?: 'utf-8' | 'iso-8859-1';
  timeout?: string;
  verbose?: boolean;
}

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
      process.exitCode = await soapDescribeCommand(wsdl, flags);
    });
}

export async function soapDescribeCommand(wsdl: string, flags: DescribeFlags): Promise<number> {
  const json = flags.json ?? false;
  let secrets: string[] = [];
  try {
    let auth: { type: 'none' } | { type: 'basic'; username: string; password: string } = { type: 'none' };
    if (flags.username !== undefined || flags.passwordEnv !== undefined) {
      const password = flags.passwordEnv ? process.env[flags.passwordEnv] : undefined;
      if (!flags.username || password === undefined) {
        throw new UsageError('cesce soap describe', [
          { path: flags.username ? '--password-env' : '--username', message: flags.username ? `set --password-env to a variable that holds the password${flags.passwordEnv ? ` (${flags.passwordEnv} is not set)` : ''}` : 'basic auth needs --username too' },
        ]);
      }
      secrets = [password];
      auth = { type: 'basic', username: flags.username, password };
    }
    if (flags.encoding !== undefined && flags.encoding !== 'utf-8' && flags.encoding !== 'iso-8859-1') {
      throw new UsageError('cesce soap describe', [{ path: '--encoding', message: 'use utf-8 or iso-8859-1' }]);
    }
    const timeoutMs = Number(flags.timeout ?? 30_000);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('cesce soap describe', [{ path: '--timeout', message: 'milliseconds, a positive integer' }]);
    const description = await describeWsdl({
      wsdl,
      endpoint: flags.endpoint,
      auth,
      soapVersion: flags.soap12 ? '1.2' : '1.1',
      timeoutMs,
      encoding: flags.encoding,
    });
    process.stdout.write(json ? `${JSON.stringify({ ok: true, ...description }, null, 2)}\n` : formatDescription(description));
    return 0;
  } catch (error) {
    printFatal(error, { json, secrets, verbose: flags.verbose ?? false });
    return 1;
  }
}
