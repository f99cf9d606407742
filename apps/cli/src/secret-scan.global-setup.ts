/**
 * Vitest globalSetup (root vitest.config.ts): gives the whole run one output folder,
 * `$CESCE_TEST_OUTPUT_DIR`, where `runCli` keeps everything the tool produced; when the run ends,
 * scans it for every configured test secret and fails the run on a hit, naming the file and the
 * secret's id (never the value). The rule of what is scanned is in test-secrets.ts.
 *
 * The folder is removed after a clean scan, unless CESCE_TEST_OUTPUT_DIR was given by the caller
 * (then it is kept, e.g. as a CI artifact); after a failed scan it is always kept for inspection.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registeredSecrets, scanToolOutputs } from './test-secrets.js';

export default function setup(): () => void {
  const given = process.env.CESCE_TEST_OUTPUT_DIR;
  const base = given ?? mkdtempSync(join(tmpdir(), 'cesce-test-output-'));
  mkdirSync(join(base, 'outputs'), { recursive: true, mode: 0o700 });
  // Inherited by the test workers, started after this.
  process.env.CESCE_TEST_OUTPUT_DIR = base;
  return () => {
    const secrets = registeredSecrets(base);
    const { files, findings } = scanToolOutputs(base, secrets);
    if (findings.length > 0) {
      const lines = findings.map((f) => `  ${f.file}: secret ${f.secretId} (${f.form})`);
      // Vitest reports an error thrown here but still exits 0: fail the process explicitly.
      process.exitCode = 1;
      process.stderr.write(
        `\nSecret scan FAILED: ${findings.length} configured test secret(s) found in what the tool produced (${files} files scanned under ${base}, kept):\n${lines.join('\n')}\n`,
      );
      return;
    }
    if (files > 0) process.stdout.write(`Secret scan: ${secrets.length} test secrets, ${files} tool output files, no secret found.\n`);
    if (!given) rmSync(base, { recursive: true, force: true });
  };
}
