import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchKnowledgeBase } from '@cesce-connect/core';
import { startCesceEmulator, type CesceEmulator } from './server.js';
import { DEFAULT_SANDBOX_MODEL_FILE, canonicalJson, loadSandboxModel, type SandboxModelCase } from './sandbox-model.js';

/** sandbox-model mode over real HTTP, with the shipped model and the demo app. */

const cases = loadSandboxModel(DEFAULT_SANDBOX_MODEL_FILE);
let emu: CesceEmulator;
let token: string;

beforeAll(async () => {
  emu = await startCesceEmulator({ mode: 'sandbox-model', model: DEFAULT_SANDBOX_MODEL_FILE });
  const res = await fetch(`${emu.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'demo-client-id', client_secret: 'demo-client-secret' }),
  });
  expect(res.status).toBe(200);
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(() => emu.close());

async function send(c: { method: string; path: string; query?: Record<string, string>; body?: unknown }, rawBody?: string, t: string | undefined = token) {
  const qs = c.query ? `?${new URLSearchParams(c.query)}` : '';
  const body = rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  const res = await fetch(`${emu.url}${c.path}${qs}`, {
    method: c.method,
    headers: { accept: 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The request with one field of its body (first leaf) or of its query changed. */
function mutate(c: SandboxModelCase): SandboxModelCase {
  if (c.body !== undefined) {
    const body = structuredClone(c.body) as Record<string, unknown>;
    const key = Object.keys(body).find((k) => typeof body[k] === 'string');
    if (!key) throw new Error(`no string field in ${c.description}`);
    body[key] = `${String(body[key])}X`;
    return { ...c, body };
  }
  if (c.query) {
    const [key, value] = Object.entries(c.query)[0]!;
    return { ...c, query: { ...c.query, [key]: `${value}X` } };
  }
  return { ...c, query: { pageNo: '2' } };
}

function expectSandbox404(r: { status: number; body: any }, operation?: string) {
  expect(r.status).toBe(404);
  const entry = matchKnowledgeBase({ status: 404, message: r.body?.moreInformation, code: r.body?.httpCode, operation, environment: 'sandbox' });
  expect(entry.id).toBe('cesce-404-sandbox-dataset');
}

describe('sandbox-model mode', () => {
  it('ships a model with a case for each API', () => {
    for (const api of ['/classifications/', '/portfolio-movements/', '/sales/', '/collections/', '/claims/', '/financial/']) {
      expect(cases.some((c) => c.path.startsWith(api)), api).toBe(true);
    }
  });

  it.each(cases.map((c) => [c.description ?? `${c.method} ${c.path}`, c] as const))('exact input → fixed output: %s', async (_, c) => {
    const r = await send(c);
    expect(r.status).toBe(c.status);
    expect(r.body).toEqual(c.response);
    // Fixed: the same input again gets the same output (no state).
    expect(await send(c)).toEqual(r);
  });

  it.each(cases.map((c) => [c.description ?? `${c.method} ${c.path}`, c] as const))('one changed field → 404 sandbox dataset: %s', async (_, c) => {
    expectSandbox404(await send(mutate(c)));
  });

  it('matches a body whatever its key order, but not an extra field', async () => {
    const c = cases.find((x) => x.body !== undefined)!;
    const reversed = Object.fromEntries(Object.entries(c.body as Record<string, unknown>).reverse());
    expect(canonicalJson(reversed)).toBe(canonicalJson(c.body));
    const r = await send(c, JSON.stringify(reversed));
    expect(r.status).toBe(c.status);
    expect(r.body).toEqual(c.response);
    expectSandbox404(await send({ ...c, body: { ...(c.body as object), extra: '1' } }));
  });

  it('answers 404 to an extra query parameter, an unknown path and a body not in the model', async () => {
    const q = cases.find((x) => x.query)!;
    expectSandbox404(await send({ ...q, query: { ...q.query, pageSize: '10' } }));
    expectSandbox404(await send({ method: 'GET', path: '/sales/v1/contracts/34109150331/sale', query: { saleCesceReferenceNo: '1' } }), 'sales.consult');
    const g = cases.find((x) => x.method === 'GET' && !x.query)!;
    expectSandbox404(await send({ ...g, method: 'POST', body: {} }));
  });

  it('still needs a valid token', async () => {
    const r = await send(cases[0]!, undefined, 'not-a-token');
    expect(r.status).toBe(401);
    expect(matchKnowledgeBase({ status: 401, message: r.body.moreInformation, code: r.body.httpCode, environment: 'sandbox' }).id).toBe(
      'cesce-401-client-credentials',
    );
  });

  it('takes the model as an object and refuses a bad one or a missing one', async () => {
    const inline = await startCesceEmulator({
      mode: 'sandbox-model',
      model: [{ method: 'GET', path: '/sales/v1/contracts/34109150331/subsidiaries', status: 200, response: { ok: true } }],
    });
    try {
      const res = await fetch(`${inline.url}/sales/v1/contracts/34109150331/subsidiaries`, { headers: { authorization: 'Bearer x' } });
      expect(res.status).toBe(401);
    } finally {
      await inline.close();
    }
    await expect(startCesceEmulator({ mode: 'sandbox-model' })).rejects.toThrow(/needs a model/);
    await expect(startCesceEmulator({ mode: 'sandbox-model', model: [{ method: 'GET' }] })).rejects.toThrow(/model/);
    await expect(startCesceEmulator({ mode: 'sandbox-model', model: [], environment: 'pre' })).rejects.toThrow(/sandbox environment/);
  });
});
