/**
 * The secret scan of the test suite: "no configured secret string is found in any file or output
 * the tool produced during the test suite" (issue 7, security).
 *
 * How it works
 * - Every secret a test configures is a known value, listed in `TEST_SECRETS` below (or added at
 *   run time with `registerTestSecret`). Use one of these values, or register yours, whenever a
 *   test gives the tool a client secret, a password, an API key or a token.
 * - `runCli` (test-support.ts) tees the stdout and stderr of every `cesce` it starts into a
 *   folder under `$CESCE_TEST_OUTPUT_DIR/outputs/`, points the child's TMPDIR there, and copies
 *   in every file the run created or changed next to the paths it was given (ledgers, reports,
 *   exports, snapshots: found in the directories of the `--config`, `--ledger`, `--out`… paths and
 *   of path-like environment values, compared before and after the run).
 * - The vitest globalSetup (secret-scan.global-setup.ts) creates `$CESCE_TEST_OUTPUT_DIR` and, when
 *   the run ends, scans every file under `outputs/` (text and binary alike: SQLite ledgers too)
 *   for each registered secret: its exact bytes, its URL-encoded form, and the base64 of
 *   `user:secret` for secrets sent as HTTP basic credentials. A hit fails the run, naming the file
 *   and the secret's id — never the secret itself.
 *
 * What is scanned, and what is not (the rule)
 * - Scanned: outputs the TOOL produced — the CLI's stdout/stderr and the files it wrote.
 * - Not scanned: inputs. The config files and data files a test writes before the run (they are
 *   copied only if the run itself changed them), the arguments and environment given to the CLI,
 *   and the emulators: `cesce emulate …` and `serving(…)` start test doubles of Cesce and of the
 *   ERPs, which hold the valid credentials as their own data and print the demo credentials in
 *   their `--help` by design. Their output is kept under `emulators/` for inspection only.
 * - The registry files written by `registerTestSecret` live under `registry/`, outside `outputs/`.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export interface TestSecret {
  /** How a finding names the secret (the value itself is never printed). */
  id: string;
  value: string;
  /** The user name sent with it as HTTP basic credentials, if it ever is: base64(user:value) is scanned too. */
  basicUser?: string | undefined;
}

/** Secrets the tests configure (grep the tests for the value to see where each is used). */
export const TEST_SECRETS: readonly TestSecret[] = [
  // examples/demo/*.json and every demo-based test (also sent as client_secret_basic to the token endpoint).
  { id: 'demo.cesce.clientSecret', value: 'demo-client-secret', basicUser: 'demo-client-id' },
  { id: 'demo.odoo.password', value: 'demo-odoo-key' },
  { id: 'demo.nav.password', value: 'demo-nav-password', basicUser: 'CESCE-BOT' },
  { id: 'demo.sap.password', value: 'demo-sap-password', basicUser: 'CESCE_RFC' },
  // apps/cli/src/diagnose.e2e.test.ts
  { id: 'diagnose.cesceSecret', value: 'e2e-cesce-secret-5521', basicUser: 'demo-client-id' },
  { id: 'diagnose.wrongSecret', value: 'wrong-secret-value-8812', basicUser: 'demo-client-id' },
  // apps/cli/src/e2e.test.ts
  { id: 'e2e.wrongOdooPassword', value: 'wrong-secret-123' },
  { id: 'e2e.wrongClientSecret', value: 'not-the-secret-456', basicUser: 'demo-client-id' },
  // apps/cli/src/odoo-setup.e2e.test.ts
  { id: 'odoo-setup.wrongKey', value: 'wrong-secret-key' },
  // packages/diagnostics tests (in-process, listed for completeness)
  { id: 'diagnostics.wrongOdooKey', value: 'wrong-odoo-key-42' },
  { id: 'diagnostics.preAppSecret', value: 'pre-app-secret' },
  { id: 'diagnostics.inlineSecret', value: 'inline-secret-9931' },
  { id: 'diagnostics.otherApiKey', value: 'other-api-key-0123456789' },
];

/** The per-suite folder (set by the globalSetup; a fresh temp folder when a file runs without it). */
export function testOutputDir(): string {
  if (!process.env.CESCE_TEST_OUTPUT_DIR) process.env.CESCE_TEST_OUTPUT_DIR = mkdtempSync(join(tmpdir(), 'cesce-test-output-'));
  return process.env.CESCE_TEST_OUTPUT_DIR;
}

/** Adds a secret a test makes up at run time; the end-of-run scan looks for it too. */
export function registerTestSecret(secret: TestSecret): void {
  if (secret.value.length < 8) throw new Error(`test secret ${secret.id}: use a value of 8+ characters, distinctive enough to scan for`);
  const dir = join(testOutputDir(), 'registry');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  appendFileSync(join(dir, `secrets-${process.pid}.jsonl`), `${JSON.stringify(secret)}\n`, { mode: 0o600 });
}

/** Every registered secret: the list above and those registered at run time under `base`. */
export function registeredSecrets(base: string): TestSecret[] {
  const all = [...TEST_SECRETS];
  const dir = join(base, 'registry');
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    // nothing registered at run time
  }
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line.trim()) all.push(JSON.parse(line) as TestSecret);
  }
  return all;
}

/** The byte patterns a secret may leak as. */
export function secretForms(secret: TestSecret): { form: string; bytes: Buffer }[] {
  const forms = [{ form: 'plain', bytes: Buffer.from(secret.value, 'utf8') }];
  const encoded = encodeURIComponent(secret.value);
  if (encoded !== secret.value) forms.push({ form: 'url-encoded', bytes: Buffer.from(encoded, 'utf8') });
  if (secret.basicUser !== undefined) {
    const b64 = Buffer.from(`${secret.basicUser}:${secret.value}`, 'utf8').toString('base64');
    forms.push({ form: 'basic-auth base64', bytes: Buffer.from(b64, 'utf8') });
    // Without padding, as it may appear inside a longer base64 text.
    const bare = b64.replace(/=+$/, '');
    if (bare !== b64) forms.push({ form: 'basic-auth base64 (unpadded)', bytes: Buffer.from(bare, 'utf8') });
  }
  return forms;
}

export interface SecretFinding {
  /** Relative to the output folder. */
  file: string;
  secretId: string;
  form: string;
}

function* filesUnder(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else if (e.isFile()) yield p;
  }
}

/** Scans every file under `base/outputs` for every registered secret. */
export function scanToolOutputs(base: string, secrets: readonly TestSecret[] = registeredSecrets(base)): { files: number; findings: SecretFinding[] } {
  const patterns = secrets.flatMap((s) => secretForms(s).map((f) => ({ id: s.id, ...f })));
  const findings: SecretFinding[] = [];
  let files = 0;
  for (const file of filesUnder(join(base, 'outputs'))) {
    files += 1;
    let content: Buffer;
    try {
      if (statSync(file).size > 256 * 1024 * 1024) continue;
      content = readFileSync(file);
    } catch {
      continue;
    }
    for (const p of patterns) {
      if (content.includes(p.bytes)) findings.push({ file: relative(base, file), secretId: p.id, form: p.form });
    }
  }
  return { files, findings };
}
