/**
 * `cesce emulate cesce --environment` and `--clock-offset`: the built CLI as its own process.
 * (`pnpm test` builds first; run `pnpm build` before running this file alone.)
 */
import { describe, expect, it } from 'vitest';
import { runCli, serving } from './test-support.js';


const demoToken = (url: string) =>
  fetch(`${url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'demo-client-id', client_secret: 'demo-client-secret' }),
  });

describe('cesce emulate cesce --environment / --clock-offset', () => {
  it('--environment pre makes the root act as PRE (username and password required), /sandbox stays the sandbox', async () => {
    await serving('cesce', ['--environment', 'pre'], async (url) => {
      const root = await demoToken(url);
      expect(root.status).toBe(400);
      expect(((await root.json()) as { error: string }).error).toBe('invalid_grant');
      expect((await demoToken(`${url}/sandbox`)).status).toBe(200);
    });
  });

  it('--clock-offset shifts the Date header', async () => {
    await serving('cesce', ['--clock-offset', '-3600'], async (url) => {
      const res = await demoToken(url);
      const skew = Date.now() - Date.parse(res.headers.get('date')!);
      expect(skew).toBeGreaterThan(3500_000);
      expect(skew).toBeLessThan(3700_000);
    });
  });

  it('refuses a bad --environment or --clock-offset, naming the flag', async () => {
    const env = await runCli(['emulate', 'cesce', '--environment', 'staging']);
    expect(env.code).toBe(1);
    expect(env.stderr).toContain("--environment must be sandbox, pre or pro, not 'staging'");
    const offset = await runCli(['emulate', 'cesce', '--clock-offset', '1.5']);
    expect(offset.code).toBe(1);
    expect(offset.stderr).toContain('--clock-offset must be a whole number of seconds');
    const help = await runCli(['emulate', 'cesce', '--help']);
    expect(help.stdout).toContain('--environment <name>');
    expect(help.stdout).toContain('--clock-offset <seconds>');
    expect(help.stdout).toContain('<url>/pre');
  });
});
