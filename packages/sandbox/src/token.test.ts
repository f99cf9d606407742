import { afterEach, describe, expect, it } from 'vitest';
import { gatewayErrorBodySchema, oauthErrorBodySchema } from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import { APPS, C, call, classificationsPath, fixtureData, getToken, postForm, salesPath, start } from './test-support.js';

const SECURITY =
  'Cannot pass the security checks that are required by the target API or operation, Enable debug headers for more details.';

let emu: CesceEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const tokenUrl = (e: CesceEmulator): string => `${e.url}/oauth2/v1/token`;

describe('POST /oauth2/v1/token', () => {
  it('issues a Bearer token with the requested scopes', async () => {
    emu = await start();
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await postForm(tokenUrl(emu), {
      grant_type: 'password',
      client_id: APPS.full.clientId,
      client_secret: APPS.full.clientSecret,
      scope: 'read create',
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read create' });
    expect(r.body.access_token.length).toBeGreaterThanOrEqual(32);
    expect(emu.state().tokensIssued).toBe(1);
    expect(emu.state().activeTokens).toBe(1);
  });

  it("grants all of the application's scopes when none is requested, and tokens are unique", async () => {
    emu = await start();
    const fields = { grant_type: 'password', client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
    const a = await postForm(tokenUrl(emu), fields);
    const b = await postForm(tokenUrl(emu), fields);
    expect(a.body.scope).toBe('create read update delete');
    expect(a.body.access_token).not.toBe(b.body.access_token);
  });

  it('rejects a grant_type other than password', async () => {
    emu = await start();
    const r = await postForm(tokenUrl(emu), {
      grant_type: 'client_credentials',
      client_id: APPS.full.clientId,
      client_secret: APPS.full.clientSecret,
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('unsupported_grant_type');
    expect(oauthErrorBodySchema.parse(r.body)).toBeTruthy();
  });

  it('answers 401 invalid_client for an unknown client_id or a wrong secret', async () => {
    emu = await start();
    const expected = {
      error: 'invalid_client',
      error_description: 'Client authentication failed: invalid client_id or client_secret.',
    };
    const unknown = await postForm(tokenUrl(emu), { grant_type: 'password', client_id: 'nobody', client_secret: 'x' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(expected);
    const wrong = await postForm(tokenUrl(emu), { grant_type: 'password', client_id: APPS.full.clientId, client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(expected);
    expect(emu.state().tokensIssued).toBe(0);
  });

  it('answers 401 in the gateway format when the app is not subscribed to the OAuth product', async () => {
    emu = await start();
    const r = await postForm(tokenUrl(emu), {
      grant_type: 'password',
      client_id: APPS.noOauth.clientId,
      client_secret: APPS.noOauth.clientSecret,
    });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      httpCode: '401',
      httpMessage: 'Unauthorized',
      moreInformation: 'The application is not subscribed to the OAuth product.',
    });
    expect(gatewayErrorBodySchema.parse(r.body)).toBeTruthy();
  });

  it("answers 400 invalid_scope for a scope the application does not have", async () => {
    emu = await start();
    const r = await postForm(tokenUrl(emu), {
      grant_type: 'password',
      client_id: APPS.readOnly.clientId,
      client_secret: APPS.readOnly.clientSecret,
      scope: 'read create',
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_scope');
    expect(r.body.error_description).toContain("'create'");
    const bogus = await postForm(tokenUrl(emu), {
      grant_type: 'password',
      client_id: APPS.full.clientId,
      client_secret: APPS.full.clientSecret,
      scope: 'read admin',
    });
    expect(bogus.status).toBe(400);
    expect(bogus.body.error).toBe('invalid_scope');
  });

  it('ignores username/password in the sandbox', async () => {
    emu = await start();
    const r = await postForm(tokenUrl(emu), {
      grant_type: 'password',
      client_id: APPS.full.clientId,
      client_secret: APPS.full.clientSecret,
      username: 'whoever',
      password: 'wrong',
    });
    expect(r.status).toBe(200);
  });

  it.each(['pre', 'pro'] as const)('requires and checks username/password in %s', async (environment) => {
    emu = await start({ environment });
    const base = { grant_type: 'password', client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
    const invalidGrant = { error: 'invalid_grant', error_description: 'Invalid username or password.' };
    const missing = await postForm(tokenUrl(emu), base);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(invalidGrant);
    const wrong = await postForm(tokenUrl(emu), { ...base, username: APPS.full.username, password: 'nope' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual(invalidGrant);
    // An application without a user cannot log in outside the sandbox.
    const noUser = await postForm(tokenUrl(emu), {
      grant_type: 'password',
      client_id: APPS.readOnly.clientId,
      client_secret: APPS.readOnly.clientSecret,
      username: 'x',
      password: 'y',
    });
    expect(noUser.status).toBe(400);
    const ok = await postForm(tokenUrl(emu), { ...base, username: APPS.full.username, password: APPS.full.password });
    expect(ok.status).toBe(200);
    expect(emu.state().environment).toBe(environment);
  });

  it('answers 405 for GET on the token endpoint', async () => {
    emu = await start();
    const r = await call(emu, 'GET', '/oauth2/v1/token');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.body).toMatchObject({ httpCode: '405', httpMessage: 'Method Not Allowed' });
  });
});

describe('token lifetime', () => {
  it('expires tokens after tokenTtlSeconds on the injected clock', async () => {
    let nowMs = Date.UTC(2026, 4, 15, 10, 0, 0);
    emu = await start({ tokenTtlSeconds: 120, clock: () => nowMs });
    const r = await postForm(tokenUrl(emu), {
      grant_type: 'password',
      client_id: APPS.full.clientId,
      client_secret: APPS.full.clientSecret,
    });
    expect(r.body.expires_in).toBe(120);
    const token = r.body.access_token as string;
    const path = classificationsPath(C.main, '?taxCode=A08001851');
    expect((await call(emu, 'GET', path, { token })).status).toBe(200);
    nowMs += 119_999;
    expect((await call(emu, 'GET', path, { token })).status).toBe(200);
    nowMs += 1;
    const expired = await call(emu, 'GET', path, { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ httpCode: '401', httpMessage: 'Unauthorized', moreInformation: SECURITY });
    expect(emu.state().activeTokens).toBe(0);
  });

  it('expires tokens in real time too (tokenTtlSeconds: 1)', async () => {
    emu = await start({ tokenTtlSeconds: 1 });
    const token = await getToken(emu);
    const path = classificationsPath(C.main, '?taxCode=A08001851');
    expect((await call(emu, 'GET', path, { token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call(emu, 'GET', path, { token })).status).toBe(401);
  });

  it('takes the lifetime from the option, else the data file, else 3600', async () => {
    const fields = { grant_type: 'password', client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
    emu = await start({ data: { ...fixtureData(), tokenTtlSeconds: 600 } });
    expect((await postForm(tokenUrl(emu), fields)).body.expires_in).toBe(600);
    await emu.close();
    emu = await start({ data: { ...fixtureData(), tokenTtlSeconds: 600 }, tokenTtlSeconds: 30 });
    expect((await postForm(tokenUrl(emu), fields)).body.expires_in).toBe(30);
    await emu.close();
    emu = await start();
    expect((await postForm(tokenUrl(emu), fields)).body.expires_in).toBe(3600);
  });
});

describe('gateway checks on API calls', () => {
  it('answers 401 without, or with an unknown, Bearer token', async () => {
    emu = await start();
    const path = classificationsPath(C.main, '?taxCode=A08001851');
    for (const token of [undefined, 'not-a-token']) {
      const r = await call(emu, 'GET', path, token ? { token } : {});
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ httpCode: '401', httpMessage: 'Unauthorized', moreInformation: SECURITY });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const basic = await fetch(`${emu.url}${path}`, { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
  });

  it("answers 401 when the application is not subscribed to the API's product", async () => {
    emu = await start();
    const token = await getToken(emu, APPS.noSales, 'read create');
    const r = await call(emu, 'GET', salesPath(C.main), { token });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      httpCode: '401',
      httpMessage: 'Unauthorized',
      moreInformation: 'The application is not subscribed to the product for this API.',
    });
    // The same app can use classifications.
    expect((await call(emu, 'GET', classificationsPath(C.main, '?taxCode=A08001851'), { token })).status).toBe(200);
  });

  it('answers 403 when the token lacks the scope of the operation', async () => {
    emu = await start();
    const forbidden = {
      httpCode: '403',
      httpMessage: 'Forbidden',
      moreInformation: 'The token does not have the scope required by this operation.',
    };
    const readToken = await getToken(emu, APPS.readOnly, 'read');
    const post = await call(emu, 'POST', salesPath(C.main), { token: readToken, json: {} });
    expect(post.status).toBe(403);
    expect(post.body).toEqual(forbidden);
    expect((await call(emu, 'GET', salesPath(C.main), { token: readToken })).status).toBe(200);

    const createToken = await getToken(emu, APPS.createOnly, 'create');
    const get = await call(emu, 'GET', classificationsPath(C.main, '?taxCode=A08001851'), { token: createToken });
    expect(get.status).toBe(403);
    expect(get.body).toEqual(forbidden);

    // A full app that asked only for 'read' gets a read-only token.
    const narrowed = await getToken(emu, APPS.full, 'read');
    expect((await call(emu, 'POST', classificationsPath(C.main), { token: narrowed, json: {} })).status).toBe(403);
  });

  it('answers 404 for unknown paths and 405 for known paths with the wrong method', async () => {
    emu = await start();
    const token = await getToken(emu);
    const unknown = await call(emu, 'GET', '/unknown/v1/contracts/34109150331/things', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ httpCode: '404', httpMessage: 'Not Found', moreInformation: 'No resources match requested URI' });
    expect((await call(emu, 'GET', '/', {})).status).toBe(404);
    const put = await call(emu, 'PUT', `/sales/v1/contracts/${C.main}/sale`, { token, json: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    const getCancel = await call(emu, 'GET', `/classifications/v1/contracts/${C.main}/classifications/cancel`, { token });
    expect(getCancel.status).toBe(405);
    expect(getCancel.headers.get('allow')).toBe('POST');
    const del = await call(emu, 'DELETE', salesPath(C.main), { token });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('POST, GET');
    expect(gatewayErrorBodySchema.parse(del.body).httpCode).toBe('405');
  });

  it('logs every request with method, path and status', async () => {
    emu = await start();
    const token = await getToken(emu);
    await call(emu, 'GET', classificationsPath(C.main, '?taxCode=A08001851'), { token });
    await call(emu, 'GET', '/nowhere');
    expect(emu.requestLog).toEqual([
      { method: 'POST', path: '/oauth2/v1/token', status: 200, operation: 'token' },
      {
        method: 'GET',
        path: `/classifications/v1/contracts/${C.main}/classifications`,
        status: 200,
        operation: 'classifications.query',
      },
      { method: 'GET', path: '/nowhere', status: 404, rule: 'notFound' },
    ]);
  });
});
