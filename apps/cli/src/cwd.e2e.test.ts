/**
 * `pnpm cesce …` runs the CLI from the repository root; relative paths must still mean the
 * directory the user typed the command in (pnpm passes it as INIT_CWD).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = join(root, 'apps/cli/dist/cesce.js');
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cesce-cwd-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('relative paths under `pnpm cesce`', () => {
  it('are resolved against the directory the command was typed in', () => {
    writeFileSync(join(dir, 'mine.json'), '{ "cesce": ');
    const env = { ...process.env, npm_lifecycle_event: 'cesce', INIT_CWD: dir };
    const run = spawnSync(process.execPath, [cli, 'sync', '--config', 'mine.json', '--dry-run'], { cwd: root, env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('is not valid JSON');

    const missing = spawnSync(process.execPath, [cli, 'sync', '--config', 'other.json'], { cwd: root, env, encoding: 'utf8' });
    expect(missing.stderr).toContain(`file not found (looked for ${join(dir, 'other.json')})`);
  });
});
