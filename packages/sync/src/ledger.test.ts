/**
 * Several processes opening one new ledger at the same moment (two scheduled runs starting
 * together) must all get a usable ledger. Uses the built package (`pnpm test` builds first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(file: string): Promise<string> {
  const code = `import(${JSON.stringify(dist)}).then((m) => { new m.Ledger(${JSON.stringify(file)}).close(); console.log('ok'); }, (e) => console.log(e.message))`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', () => resolve(out.trim()));
  });
}

describe('ledger creation', () => {
  it('gives every process that creates the same ledger at once a complete ledger', async () => {
    for (let round = 0; round < 5; round++) {
      const file = join(dir, `l${round}.sqlite`);
      const results = await Promise.all([open(file), open(file), open(file), open(file)]);
      expect(results).toEqual(['ok', 'ok', 'ok', 'ok']);
      const ledger = new Ledger(file);
      expect(ledger.all()).toEqual([]);
      ledger.close();
    }
  }, 60_000);
});
