import { CesceConnectError, ConfigError, ErpError, redact } from '@cesce-connect/core';

/** Prints a fatal error without secrets; `verbose` adds details such as an ERP traceback. */
export function describeFatal(error: unknown, secrets: readonly string[], verbose = false): { code: string; message: string; hint?: string; details?: string } {
  const scrub = (s: string) => String(redact(s, secrets));
  if (error instanceof CesceConnectError) {
    const out: { code: string; message: string; hint?: string; details?: string } = { code: error.code, message: scrub(error.message) };
    if (error.hint) out.hint = scrub(error.hint);
    if (verbose && error instanceof ErpError && error.details) out.details = scrub(error.details);
    return out;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: scrub(message), ...(verbose && error instanceof Error && error.stack ? { details: scrub(error.stack) } : {}) };
}

export function printFatal(error: unknown, options: { json: boolean; secrets: readonly string[]; verbose?: boolean }): void {
  const d = describeFatal(error, options.secrets, options.verbose);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: d }, null, 2)}\n`);
    return;
  }
  const lines = [`cesce: ${d.message}`];
  if (d.hint) lines.push(`hint: ${d.hint}`);
  if (error instanceof ConfigError && error.name !== 'UsageError') lines.push('The config file format is in `cesce sync --help` and the README.');
  if (d.details) lines.push('', d.details);
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** A one-line progress display on a terminal (stderr), silent elsewhere. */
export function createProgress(enabled: boolean): { update(text: string): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    update(text) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      shown = true;
      process.stderr.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (enabled && shown) process.stderr.write('\r\x1b[2K');
    },
  };
}
