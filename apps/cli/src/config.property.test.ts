/**
 * The config loader (property-based): whatever JSON a config file holds, `loadConfig` either
 * returns a config or throws a `ConfigError` whose issues name the field path at fault — never a
 * crash, never another error. `env:` and `file:` references give the referenced value byte for
 * byte, and a secret put anywhere in the file never shows in the error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError } from '@cesce-connect/core';
import { loadConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'cesce-config-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(content: string): string {
  const file = join(dir, `c${++n}.json`);
  writeFileSync(file, content);
  return file;
}

const valid = () => ({
  cesce: { environment: 'sandbox', baseUrl: 'http://127.0.0.1:4010', contractNo: '34109150331', clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
  odoo: { url: 'http://127.0.0.1:8069', database: 'demo', username: 'cesce-bot', password: 'demo-odoo-key', companyId: 1 },
  sync: { ledger: 'ledger.sqlite', concurrency: 4 },
});

/** Loads, and returns the ConfigError (asserting nothing else is thrown). */
function load(file: string, env: Record<string, string | undefined> = {}): { ok: true; config: ReturnType<typeof loadConfig> } | { ok: false; error: ConfigError } {
  try {
    return { ok: true, config: loadConfig(file, env) };
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const i of e.issues) {
      expect(i.path.length).toBeGreaterThan(0);
      expect(i.message.length).toBeGreaterThan(0);
    }
    return { ok: false, error: e };
  }
}

const LEAVES = [
  ['cesce', 'environment'],
  ['cesce', 'baseUrl'],
  ['cesce', 'contractNo'],
  ['cesce', 'clientId'],
  ['cesce', 'clientSecret'],
  ['cesce', 'timeoutMs'],
  ['cesce', 'apis'],
  ['cesce', 'scope'],
  ['odoo', 'url'],
  ['odoo', 'database'],
  ['odoo', 'password'],
  ['odoo', 'companyId'],
  ['odoo', 'pageSize'],
  ['odoo', 'protocol'],
  ['odoo', 'fieldsPreset'],
  ['odoo', 'fields'],
  ['sync', 'ledger'],
  ['sync', 'fromDate'],
  ['sync', 'concurrency'],
] as const;

describe('config loader (properties)', () => {
  it('any JSON text (or not JSON at all) gives a config or a ConfigError, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.constant('{"cesce":')), (text) => {
        const r = load(write(text));
        if (!r.ok && !text.trim().startsWith('{')) expect(r.error.issues.map((i) => i.path).join()).toMatch(/\(file\)|\(root\)/);
      }),
      { numRuns: 150 },
    );
  });

  it('a field given any other JSON value is named by its path in the error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LEAVES), fc.jsonValue({ maxDepth: 2 }), ([section, key], value) => {
        const config = valid() as Record<string, Record<string, unknown>>;
        config[section]![key] = value;
        const r = load(write(JSON.stringify(config)));
        if (r.ok) return; // the value happened to be valid
        const path = `${section}.${key}`;
        const paths = r.error.issues.map((i) => i.path);
        // `environment: "pre"` is valid by itself and asks for the username instead.
        const expected = key === 'environment' ? [path, 'cesce.username'] : [path];
        expect(paths.some((p) => expected.some((e) => p === e || p.startsWith(`${e}.`)))).toBe(true);
      }),
      { numRuns: 250 },
    );
  });

  it('a "__proto__" key is an unknown key like any other, not a prototype', () => {
    const text = JSON.stringify(valid()).replace('"cesce":{', '"cesce":{"__proto__":{"bogus":1},');
    const r = load(write(text));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain('__proto__');
      expect(r.error.message).not.toContain('bogus');
    }
  });

  it('unknown keys are named, in any section', () => {
    fc.assert(
      fc.property(fc.constantFrom('cesce', 'odoo', 'sync', null), fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), (section, key, value) => {
        const config = valid() as Record<string, unknown>;
        const target = section ? (config[section] as Record<string, unknown>) : config;
        fc.pre(!(key in target) && key !== '$schema' && !(section === null && ['odoo', 'soapErp', 'sync', 'cesce'].includes(key)));
        target[key] = value;
        const r = load(write(JSON.stringify(config)));
        expect(r.ok).toBe(false);
        if (!r.ok) {
          const issue = r.error.issues.find((i) => i.path === (section ?? '(root)'));
          expect(issue?.message).toContain(`'${key}'`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('env: and file: references give the referenced value byte for byte', () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/);
    const secretValue = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !/[\r\n]$/.test(s));
    fc.assert(
      fc.property(name, secretValue, fc.boolean(), (varName, value, viaFile) => {
        const config = valid();
        if (viaFile) {
          const file = `secret-${++n}.txt`;
          writeFileSync(join(dir, file), `${value}\n`);
          config.cesce.clientSecret = `file:${file}`;
          const r = load(write(JSON.stringify(config)));
          expect(r.ok && r.config.cesce.clientSecret).toBe(value);
        } else {
          config.cesce.clientSecret = `env:${varName}`;
          const r = load(write(JSON.stringify(config)), { [varName]: value });
          expect(r.ok && r.config.cesce.clientSecret).toBe(value);
          // Unset: an error naming the path and the variable.
          const unset = load(write(JSON.stringify(config)), {});
          expect(unset.ok).toBe(false);
          if (!unset.ok) expect(unset.error.issues).toContainEqual({ path: 'cesce.clientSecret', message: `environment variable ${varName} is not set` });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a secret never shows in the error, even when also put where a value is quoted (e.g. as the contract number)', () => {
    // Edge blanks included: a message may quote the value trimmed, which is scrubbed too.
    const secret = fc.string({ unit: 'grapheme', minLength: 4, maxLength: 30 }).map((s) => ` Sx-${s}x `);
    fc.assert(
      fc.property(secret, fc.constantFrom(['cesce', 'clientSecret'], ['cesce', 'password'], ['odoo', 'password']), fc.constantFrom(['cesce', 'contractNo'], ['cesce', 'baseUrl'], ['odoo', 'url'], ['sync', 'fromDate'], ['cesce', 'environment']), (value, [s1, k1], [s2, k2]) => {
        const config = valid() as Record<string, Record<string, unknown>>;
        config[s1]![k1] = value;
        config[s2]![k2] = value;
        const r = load(write(JSON.stringify(config)));
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.message).not.toContain(value);
          expect(r.error.message).not.toContain(value.trim());
        }
      }),
      { numRuns: 150 },
    );
  });
});
