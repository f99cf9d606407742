import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_MODEL_FILE } from './sandbox-model.js';
import { parseSandboxData, SandboxDataError, type SandboxData } from './data.js';
import type { CesceEmulator } from './server.js';
import { APPS, C, call, classificationsPath, fixtureData, HOLDER, postForm, start } from './test-support.js';

/** An application registered in PRE only, with its own PRE username and password. */
const PRE_APP = { clientId: 'pre-app', clientSecret: 'pre-secret', username: 'pre-user', password: 'pre-pass' } as const;

function catalogData(): SandboxData {
  const data = fixtureData();
  data.applications.push({
    ...PRE_APP,
    scopes: ['read', 'create'],
    products: ['oauth', 'classifications', 'sales'],
    policyholderTaxCode: HOLDER,
    environments: ['pre'],
  });
  // The strict policy is registered in PRO only.
  const strict = data.policies.find((p) => p.contractNo === C.strict)!;
  strict.environments = ['pro'];
  return data;
}

let emu: CesceEmulator | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const token = (e: CesceEmulator, catalog: string, fields: Record<string, string | undefined>) =>
  postForm(`${e.url}${catalog}/oauth2/v1/token`, { grant_type: 'password', scope: 'read create', ...fields });

async function tokenIn(e: CesceEmulator, catalog: string, app: { clientId: string; clientSecret: string; username?: string; password?: string }): Promise<string> {
  const r = await token(e, catalog, { client_id: app.clientId, client_secret: app.clientSecret, username: app.username, password: app.password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token as string;
}

describe('catalogs /sandbox, /pre, /pro', () => {
  it('each prefix acts as its environment: username and password ignored in sandbox, checked in PRE and PRO', async () => {
    emu = await start({ data: catalogData() });
    const client = { client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
    // The root acts as the environment option (default sandbox), like /sandbox.
    expect((await token(emu, '', client)).status).toBe(200);
    expect((await token(emu, '/sandbox', client)).status).toBe(200);
    for (const catalog of ['/pre', '/pro']) {
      const missing = await token(emu, catalog, client);
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_grant');
      const wrong = await token(emu, catalog, { ...client, username: APPS.full.username, password: 'not-it' });
      expect(wrong.body.error).toBe('invalid_grant');
      expect((await token(emu, catalog, { ...client, username: APPS.full.username, password: APPS.full.password })).status).toBe(200);
    }
  });

  it('the root acts as the environment option', async () => {
    emu = await start({ data: catalogData(), environment: 'pre' });
    const client = { client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
    expect((await token(emu, '', client)).body.error).toBe('invalid_grant');
    expect((await token(emu, '/sandbox', client)).status).toBe(200);
    expect(emu.state().environment).toBe('pre');
  });

  it('an application registered in PRE only is unknown in PRO and sandbox (401 invalid_client, as wrong credentials)', async () => {
    emu = await start({ data: catalogData() });
    const fields = { client_id: PRE_APP.clientId, client_secret: PRE_APP.clientSecret, username: PRE_APP.username, password: PRE_APP.password };
    expect((await token(emu, '/pre', fields)).status).toBe(200);
    const wrongSecret = await token(emu, '/pre', { ...fields, client_secret: 'nope' });
    for (const catalog of ['/pro', '/sandbox', '']) {
      const r = await token(emu, catalog, fields);
      expect(r.status, catalog).toBe(401);
      expect(r.body).toEqual(wrongSecret.body);
      expect(r.body.error).toBe('invalid_client');
    }
    expect(emu.requestLog.map((l) => l.catalog)).toEqual(['pre', 'pre', 'pro', 'sandbox', undefined]);
  });

  it('a token works only in the catalog that issued it', async () => {
    emu = await start({ data: catalogData() });
    const pre = await tokenIn(emu, '/pre', APPS.full);
    const query = classificationsPath(C.main, '?taxCode=A08001851&countryCode=ES');
    expect((await call(emu, 'GET', `/pre${query}`, { token: pre })).status).toBe(200);
    for (const other of ['/pro', '/sandbox', '']) {
      const r = await call(emu, 'GET', `${other}${query}`, { token: pre });
      expect(r.status, other).toBe(401);
      expect(r.body.httpCode).toBe('401');
      expect(r.body.moreInformation).toMatch(/security checks/);
    }
    const sandbox = await tokenIn(emu, '', APPS.full);
    expect((await call(emu, 'GET', `/sandbox${query}`, { token: sandbox })).status).toBe(200);
    expect((await call(emu, 'GET', `/pre${query}`, { token: sandbox })).status).toBe(401);
  });

  it('a policy registered in PRO only answers 403 POL003 in the other catalogs', async () => {
    emu = await start({ data: catalogData() });
    const query = classificationsPath(C.strict, '?taxCode=A08001851&countryCode=ES');
    const pro = await call(emu, 'GET', `/pro${query}`, { token: await tokenIn(emu, '/pro', APPS.full) });
    expect(pro.status).toBe(200);
    for (const catalog of ['/pre', '/sandbox']) {
      const t = await tokenIn(emu, catalog, APPS.full);
      const r = await call(emu, 'GET', `${catalog}${query}`, { token: t });
      expect(r.status, catalog).toBe(403);
      expect(r.body.error).toEqual({ errorCode: 'POL003', errorDescription: `El contrato ${C.strict} no está dado de alta para el NIF del tomador.` });
    }
  });

  it('unknown first segments stay unknown paths, and a bare catalog has no routes', async () => {
    emu = await start({ data: catalogData() });
    expect((await call(emu, 'GET', '/test/oauth2/v1/token')).status).toBe(404);
    expect((await call(emu, 'GET', '/pre')).status).toBe(404);
    expect((await call(emu, 'GET', '/pre/pre/oauth2/v1/token')).status).toBe(404);
  });

  it('sandbox-model mode has the sandbox catalog only', async () => {
    emu = await start({ mode: 'sandbox-model', model: DEFAULT_SANDBOX_MODEL_FILE, data: catalogData() });
    const fields = { client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
    expect((await token(emu, '/sandbox', fields)).status).toBe(200);
    const pre = await token(emu, '/pre', { ...fields, username: APPS.full.username, password: APPS.full.password });
    expect(pre.status).toBe(404);
    expect(pre.body.httpCode).toBe('404');
  });

  it('the state file keeps the catalog of each token; older tokens belong to the root environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cesce-catalogs-'));
    dirs.push(dir);
    const stateFile = join(dir, 'state.json');
    emu = await start({ data: catalogData(), stateFile });
    const pre = await tokenIn(emu, '/pre', APPS.full);
    await emu.close();
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved.tokens).toEqual([expect.objectContaining({ environment: 'pre' })]);
    // A state file written before catalogs: its token has no environment.
    delete saved.tokens[0].environment;
    writeFileSync(stateFile, JSON.stringify(saved));
    emu = await start({ stateFile, environment: 'pro' });
    const query = classificationsPath(C.main, '?taxCode=A08001851&countryCode=ES');
    expect((await call(emu, 'GET', query, { token: pre })).status).toBe(200);
    expect((await call(emu, 'GET', `/pro${query}`, { token: pre })).status).toBe(200);
    expect((await call(emu, 'GET', `/pre${query}`, { token: pre })).status).toBe(401);
  });

  it('sends a Date header from the emulator clock', async () => {
    const skewed = Date.UTC(2026, 4, 15, 10, 0, 0);
    emu = await start({ data: catalogData(), clock: () => skewed });
    const r = await call(emu, 'GET', '/nowhere');
    expect(r.headers.get('date')).toBe('Fri, 15 May 2026 10:00:00 GMT');
  });

  it('the data file rejects an empty or unknown catalog list, naming the field', () => {
    const data = catalogData();
    data.applications[0]!.environments = [];
    (data.policies[0] as { environments?: unknown }).environments = ['staging'];
    let error: unknown;
    try {
      parseSandboxData(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SandboxDataError);
    const paths = (error as SandboxDataError).issues.map((i) => i.path);
    expect(paths).toContain('$.applications[0].environments');
    expect(paths).toContain('$.policies[0].environments[0]');
  });
});
