/** What `cesce soap describe` does; loaded by its definition (../commands/soap.ts) only when the command runs. */
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

export interface DescribeFlags {
  endpoint?: string;
  json?: boolean;
  username?: string;
  passwordEnv?: string;
  soap12?: boolean;
  encoding?: 'utf-8' | 'iso-8859-1';
  timeout?: string;
  verbose?: boolean;
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
