/**
 * The suite's secret scan (test-secrets.ts) itself: a registered secret hidden anywhere in a tool
 * output — raw, URL-encoded, or as base64 basic credentials, in text or binary files — is found
 * and named by id and file; the finding never holds the value; inputs outside `outputs/` are not
 * scanned; and clean files give no finding.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanToolOutputs, secretForms, TEST_SECRETS, type TestSecret } from './test-secrets.js';

const root = mkdtempSync(join(tmpdir(), 'cesce-scan-prop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const secretArb: fc.Arbitrary<TestSecret> = fc.record({
  id: fc.constant('prop.secret'),
  value: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => `sec-${s}-ret`),
  basicUser: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), { nil: undefined }),
});
const noise = fc.uint8Array({ maxLength: 300 });

describe('secret scan of tool outputs (properties)', () => {
  it('finds a secret in any form, in text or binary, and names it without printing it', () => {
    fc.assert(
      fc.property(secretArb, noise, noise, fc.nat(10), (secret, before, after, pick) => {
        const forms = secretForms(secret);
        const form = forms[pick % forms.length]!;
        const base = join(root, `s${++n}`);
        mkdirSync(join(base, 'outputs', 'run'), { recursive: true });
        writeFileSync(join(base, 'outputs', 'run', 'ledger.sqlite'), Buffer.concat([before, form.bytes, after]));
        const { findings } = scanToolOutputs(base, [secret]);
        expect(findings).toContainEqual({ file: join('outputs', 'run', 'ledger.sqlite'), secretId: 'prop.secret', form: form.form });
        expect(JSON.stringify(findings)).not.toContain(secret.value);
      }),
      { numRuns: 100 },
    );
  });

  it('gives no finding for clean outputs, nor for inputs kept outside outputs/', () => {
    fc.assert(
      fc.property(secretArb, noise, (secret, bytes) => {
        fc.pre(!secretForms(secret).some((f) => Buffer.from(bytes).includes(f.bytes)));
        const base = join(root, `c${++n}`);
        mkdirSync(join(base, 'outputs', 'run'), { recursive: true });
        mkdirSync(join(base, 'emulators', 'run'), { recursive: true });
        writeFileSync(join(base, 'outputs', 'run', 'stdout'), bytes);
        writeFileSync(join(base, 'emulators', 'run', 'stdout'), secret.value);
        expect(scanToolOutputs(base, [secret]).findings).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('the registry holds distinctive values only, each with a unique id', () => {
    expect(new Set(TEST_SECRETS.map((s) => s.id)).size).toBe(TEST_SECRETS.length);
    for (const s of TEST_SECRETS) expect(s.value.length).toBeGreaterThanOrEqual(8);
  });
});
