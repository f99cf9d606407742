import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environmentToCheck, siblingCatalogUrl } from '../catalogs.js';
import { renderJson, renderMarkdown, renderTerminal } from '../report/index.js';
import { diagnose } from '../runner.js';
import { resultOf } from '../test-support.js';
import { contractCandidates } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'cesce-diagnose-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function configFile(content: unknown): string {
  const file = join(dir, `config-${++n}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const CESCE = {
  environment: 'sandbox',
  baseUrl: 'https://api.cesce.es/sandbox',
  contractNo: '34109150331',
  clientId: 'app-client-id',
  clientSecret: 'env:CESCE_CLIENT_SECRET',
};
const ENV = { CESCE_CLIENT_SECRET: 's3cret-value-0042' };

/** Only the config checks and contract.format: nothing here talks to a network. */
const OFFLINE = ['config.file', 'config.required', 'config.secrets', 'config.sandbox-credentials', 'config.erp', 'contract.format'];
function run(config: unknown, extra: Parameters<typeof diagnose>[0] extends infer O ? Partial<O> : never = {}) {
  return diagnose({ configFile: configFile(config), env: ENV, only: OFFLINE, ...extra });
}

describe('config checks', () => {
  it('a JSON syntax error gives line and column but never quotes the file (a secret may sit there)', async () => {
    const text = '{\n  "cesce": {\n    "environment": "sandbox",\n    "clientSecret": xYz-Super-Secret-42\n  }\n}';
    const out = await diagnose({ configFile: configFile(text), env: ENV, only: OFFLINE });
    const r = resultOf(out, 'config.file');
    expect(r.status).toBe('fail');
    expect(r.observed).toMatch(/is not valid JSON at line 4, column 21: a value that is not JSON/);
    for (const output of [renderTerminal(out), renderJson(out), renderMarkdown(out)]) expect(output).not.toMatch(/xYz|Super/);
  });

  it('a byte-order mark at the start (as Windows editors save) is accepted', async () => {
    const out = await diagnose({ configFile: configFile(`\uFEFF${JSON.stringify({ cesce: CESCE })}`), env: ENV, only: OFFLINE });
    expect(resultOf(out, 'config.file').status).toBe('pass');
  });

  it('a base URL with user:password@ is refused without printing the password', async () => {
    const out = await run({ cesce: { ...CESCE, baseUrl: 'https://someone:hunter2pass@api.cesce.es/sandbox' } });
    const r = resultOf(out, 'config.required');
    expect(r.status).toBe('fail');
    expect(r.details?.join('\n')).toMatch(/cesce\.baseUrl: holds a user name or password/);
    for (const output of [renderTerminal(out), renderJson(out)]) expect(output).not.toContain('hunter2pass');
  });

  it('an environment that disagrees with the catalog of the base URL is named', async () => {
    const out = await run({ cesce: { ...CESCE, baseUrl: 'https://api.cesce.es/pro' } });
    const r = resultOf(out, 'config.required');
    expect(r).toMatchObject({ status: 'fail', observed: 'cesce.environment is sandbox, but cesce.baseUrl https://api.cesce.es/pro points at the PRO catalog' });
  });

  it('an empty environment variable and a reference without a name are named as such', async () => {
    const empty = await diagnose({ configFile: configFile({ cesce: CESCE }), env: { CESCE_CLIENT_SECRET: '' }, only: OFFLINE });
    expect(resultOf(empty, 'config.file').details).toEqual(['cesce.clientSecret: environment variable CESCE_CLIENT_SECRET is set but empty']);
    const bare = await run({ cesce: { ...CESCE, clientSecret: 'file:' } });
    expect(resultOf(bare, 'config.file').details).toEqual(['cesce.clientSecret: names no file after "file:" (e.g. file:secrets/cesce-secret.txt)']);
  });

  it('a missing file fails config.file and skips what needs it', async () => {
    const out = await diagnose({ configFile: join(dir, 'nope.json'), only: OFFLINE });
    expect(resultOf(out, 'config.file')).toMatchObject({ status: 'fail', observed: expect.stringContaining('does not exist') });
    expect(resultOf(out, 'config.required')).toMatchObject({ status: 'skipped', skippedBecause: 'config.file' });
    expect(resultOf(out, 'contract.format').status).toBe('skipped');
    expect(out.report.exitCode).toBe(1);
  });

  it('invalid JSON is named with its position', async () => {
    const out = await run('{"cesce": {');
    expect(resultOf(out, 'config.file')).toMatchObject({ status: 'fail', observed: expect.stringMatching(/not valid JSON/) });
  });

  it('an unset environment variable is named by path and variable, never by value', async () => {
    const out = await run({ cesce: { ...CESCE, clientSecret: 'env:NOT_SET_ANYWHERE_42' } });
    const r = resultOf(out, 'config.file');
    expect(r.status).toBe('fail');
    expect(r.details).toEqual(['cesce.clientSecret: environment variable NOT_SET_ANYWHERE_42 is not set']);
  });

  it('reads a secret from a file: reference (relative to the config) and keeps it out of every output', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'file-secret-7781\n');
    const out = await run({ cesce: { ...CESCE, clientSecret: 'file:secret.txt', baseUrl: 'https://file-secret-7781.example' } });
    expect(resultOf(out, 'config.file').status).toBe('pass');
    expect(resultOf(out, 'config.secrets')).toMatchObject({ status: 'pass', observed: expect.stringContaining('cesce.clientSecret') });
    for (const text of [renderTerminal(out, { verbose: true }), renderJson(out), renderMarkdown(out)]) {
      expect(text).not.toContain('file-secret-7781');
    }
  });

  it('a file: reference to a missing file fails with the path', async () => {
    const out = await run({ cesce: { ...CESCE, clientSecret: 'file:missing-secret.txt' } });
    expect(resultOf(out, 'config.file').details?.[0]).toMatch(/^cesce\.clientSecret: the file .*missing-secret\.txt cannot be read \(not found\)$/);
  });

  it('names every missing required value of the cesce section', async () => {
    const { clientId: _, ...noClient } = CESCE;
    const out = await run({ cesce: noClient });
    const r = resultOf(out, 'config.required');
    expect(r.status).toBe('fail');
    expect(r.details?.join('\n')).toMatch(/cesce\.clientId: is required/);
  });

  it('warns about a secret written in the config file, naming the path but not the value', async () => {
    const out = await run({ cesce: { ...CESCE, clientSecret: 'inline-secret-9931' } });
    const r = resultOf(out, 'config.secrets');
    expect(r).toMatchObject({ status: 'warn', observed: 'cesce.clientSecret is written in the config file' });
    expect(r.fix).toMatch(/env:NAME.*file:PATH/);
    expect(JSON.stringify(out.report)).not.toContain('inline-secret-9931');
    expect(out.report.exitCode).toBe(2);
  });

  it('blocks a secret written in the config file of a PRO installation', async () => {
    const out = await run({ cesce: { ...CESCE, environment: 'pro', baseUrl: 'https://api.cesce.es/pro', username: 'u', password: 'env:CESCE_CLIENT_SECRET', clientSecret: 'inline-secret-9931' } });
    const r = resultOf(out, 'config.secrets');
    expect(r).toMatchObject({ status: 'fail', observed: 'cesce.clientSecret is written in the config file of a PRO installation' });
    expect(JSON.stringify(out.report)).not.toContain('inline-secret-9931');
  });

  it('accepts inline secrets when every URL is a local emulator', async () => {
    const out = await run({ cesce: { ...CESCE, baseUrl: 'http://127.0.0.1:4010', clientSecret: 'inline-secret-9931' } });
    expect(resultOf(out, 'config.secrets')).toMatchObject({ status: 'pass', observed: expect.stringContaining('local emulators only') });
  });

  it('flags a username and password given for the sandbox as not needed', async () => {
    const out = await run({ cesce: { ...CESCE, username: 'someone', password: 'env:CESCE_CLIENT_SECRET' } });
    const r = resultOf(out, 'config.sandbox-credentials');
    expect(r.status).toBe('warn');
    expect(r.fix).toMatch(/only for PRE and PRO/);
  });

  it('--env pro without a username and password is a blocking problem', async () => {
    const out = await run({ cesce: CESCE }, { environment: 'pro' });
    expect(resultOf(out, 'config.required')).toMatchObject({ status: 'fail', observed: expect.stringContaining('checking PRO (--env)') });
  });

  it('--env moves a base URL ending in a catalog to that catalog', async () => {
    const out = await run({ cesce: { ...CESCE, username: 'u1', password: 'env:CESCE_CLIENT_SECRET' } }, { environment: 'pre' });
    const r = resultOf(out, 'config.required');
    expect(r.status).toBe('pass');
    expect(r.data).toMatchObject({ environment: 'pre', baseUrl: 'https://api.cesce.es/pre' });
    expect(out.report.environment).toBe('pre');
  });
});

describe('contract.format', () => {
  const contract = async (contractNo: unknown) => resultOf(await run({ cesce: { ...CESCE, contractNo } }), 'contract.format');

  it('passes a well-formed number, given as a string or a JSON number', async () => {
    expect(await contract('38100029218')).toMatchObject({ status: 'pass', observed: expect.stringContaining('modality 381 (Póliza Clásica), policy 00029218') });
    expect((await contract(34109150331)).status).toBe('pass');
  });

  it('suggests the value without spaces or dashes', async () => {
    for (const v of ['341 09150331', '341-0915-0331', '341.09150331']) {
      expect(await contract(v)).toMatchObject({ status: 'fail', suggestion: '34109150331', fix: expect.stringContaining('Write it as 34109150331') });
    }
  });

  it('a policy number without its modality offers both modalities', async () => {
    const r = await contract('09150331');
    expect(r.status).toBe('fail');
    expect(r.observed).toMatch(/policy number without its modality/);
    expect(r.data?.candidates).toEqual(['34109150331', '38109150331']);
    expect(r.fix).toMatch(/34109150331 \(Máster Oro Integral\) or 38109150331 \(Póliza Clásica\)/);
  });

  it('a wrong modality offers the policy number under each known modality', async () => {
    const r = await contract('35109150331');
    expect(r.observed).toMatch(/modality 351/);
    expect(r.data?.candidates).toEqual(['34109150331', '38109150331']);
  });

  it('has no candidate for text or a wrong length', async () => {
    expect((await contract('POLIZA-1')).data?.candidates).toEqual([]);
    expect((await contract('3410915033')).data?.candidates).toEqual([]);
    expect((await contract('')).observed).toBe('cesce.contractNo is missing');
  });

  it('contractCandidates keeps the digits it was given', () => {
    expect(contractCandidates(' 381/00029218 ')).toEqual(['38100029218']);
    expect(contractCandidates('00029218')).toEqual(['34100029218', '38100029218']);
  });
});

describe('catalogs', () => {
  it('swaps only a trailing catalog segment', () => {
    expect(siblingCatalogUrl('https://api.cesce.es/pre', 'pro')).toBe('https://api.cesce.es/pro');
    expect(siblingCatalogUrl('http://127.0.0.1:4010/sandbox/', 'pre')).toBe('http://127.0.0.1:4010/pre');
    expect(siblingCatalogUrl('http://127.0.0.1:4010', 'pre')).toBeUndefined();
    expect(siblingCatalogUrl('not a url', 'pre')).toBeUndefined();
  });

  it('keeps the configured environment and URL without --env', () => {
    expect(environmentToCheck('custom', 'http://127.0.0.1:4010', undefined)).toMatchObject({ name: 'custom', baseUrl: 'http://127.0.0.1:4010' });
    expect(environmentToCheck('pre', undefined, 'pro')).toMatchObject({ name: 'pro', baseUrl: 'https://api.cesce.es/pro' });
  });
});
