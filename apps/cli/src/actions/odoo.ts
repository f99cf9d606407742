/** What `cesce odoo setup` does; loaded by its definition (../commands/odoo.ts) only when the command runs. */
import { connectOdoo, formatSetupReport, setupOdoo, type OdooTransport } from '@cesce-connect/connector-odoo';
import { loadOdooConfig } from '../config.js';
import { printFatal } from '../output.js';

export interface SetupFlags {
  config: string;
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export async function odooSetupCommand(flags: SetupFlags): Promise<number> {
  const json = flags.json ?? false;
  let secrets: string[] = [];
  let transport: OdooTransport | undefined;
  try {
    const config = loadOdooConfig(flags.config);
    secrets = [config.password];
    const opened = await connectOdoo(config);
    transport = opened.transport;
    await transport.authenticate();
    const report = await setupOdoo(transport, { fields: config.fields, preset: config.fieldsPreset, dryRun: flags.dryRun ?? false });
    const exitCode = report.dryRun && report.changed ? 2 : 0;
    if (json) {
      process.stdout.write(`${JSON.stringify({ ok: true, exitCode, odoo: { url: transport.url, database: config.database, version: opened.version.serverVersion, protocol: transport.protocol }, ...report }, null, 2)}\n`);
    } else {
      process.stdout.write(`Odoo ${opened.version.serverVersion} at ${transport.url}, database ${config.database} (${transport.protocol})\n${formatSetupReport(report)}\n`);
    }
    return exitCode;
  } catch (error) {
    printFatal(error, { json, secrets, verbose: flags.verbose ?? false });
    return 1;
  } finally {
    transport?.close();
  }
}
