import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENERATED, loadOdooDataset } from '@cesce-connect/connector-odoo/testing';
import { root, runCli, serving } from './test-support.js';

const demoDataset = join(root, 'examples/demo/odoo-dataset.json');

const run = (args: string[]) => runCli(args);


async function jsonrpc(url: string, service: string, method: string, args: unknown[]): Promise<unknown> {
  const res = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 1 }),
  });
  const body = (await res.json()) as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(JSON.stringify(body.error));
  return body.result;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-emulate-odoo-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('cesce emulate odoo', () => {
  it('--generate N --odoo-version V --save FILE serves a generated database of that version and saves it', async () => {
    const file = join(dir, 'generated.json');
    await serving('odoo', ['--generate', '300', '--odoo-version', '16.0', '--save', file], async (url) => {
      const version = (await jsonrpc(url, 'common', 'version', [])) as { server_version: string };
      expect(version.server_version).toBe('16.0');
      const uid = (await jsonrpc(url, 'common', 'authenticate', [GENERATED.database, GENERATED.login, GENERATED.password, {}])) as number;
      const count = await jsonrpc(url, 'object', 'execute_kw', [GENERATED.database, uid, GENERATED.password, 'account.move', 'search_count', [[]]]);
      expect(count).toBe(300);
    });
    expect(existsSync(file)).toBe(true);
    expect(loadOdooDataset(file).records['account.move']).toHaveLength(300);
  });

  it('--odoo-version overrides the version of a dataset file', async () => {
    await serving('odoo', ['--data', demoDataset, '--odoo-version', '14.0'], async (url) => {
      const version = (await jsonrpc(url, 'common', 'version', [])) as { server_version: string };
      expect(version.server_version).toBe('14.0');
    });
  });

  it.each([
    [['--generate', 'many'], /--generate must be a whole number/],
    [['--generate', '-5'], /--generate must be a whole number/],
    [['--generate', '10', '--odoo-version', '13.0'], /--odoo-version must be an Odoo version from 14\.0 to 19\.x/],
    [['--generate', '10', '--data', demoDataset], /either --data or --generate/],
    [[], /give --data <file>.*or --generate <n>/],
    [['--data', demoDataset, '--save', 'x.json'], /--save only works with --generate/],
  ])('refuses %j with a clear message', async (args, message) => {
    const result = await run(['emulate', 'odoo', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('--help teaches the generator, the version override and the generated credentials', async () => {
    const result = await run(['emulate', 'odoo', '--help']);
    for (const text of ['--generate <n>', '--odoo-version <version>', '--save <file>', GENERATED.login, 'Examples:']) expect(result.stdout).toContain(text);
  });

  it('--html-answer proxy-502 makes cesce sync stop with an error naming the URL and the proxy page', async () => {
    await serving('odoo', ['--data', demoDataset, '--html-answer', 'proxy-502'], async (url) => {
      const config = join(root, 'examples/demo/cesce.config.json');
      const { code, stderr } = await runCli(['sync', '--config', config, '--ledger', join(dir, 'l.sqlite')], { ODOO_URL: url, CESCE_BASE_URL: 'http://127.0.0.1:9' });
      expect(code).toBe(1);
      expect(stderr).toContain(url);
      expect(stderr).toMatch(/HTTP 502/);
      expect(stderr).toMatch(/Bad Gateway/i);
      expect(stderr).not.toContain('demo-odoo-key');
    });
  });

  it('refuses an unknown --html-answer mode with the modes it knows', async () => {
    const r = await run(['emulate', 'odoo', '--data', demoDataset, '--html-answer', 'teapot']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--html-answer must be one of proxy-502, redirect-https, login-page, not 'teapot'");
  });
});
