/**
 * Transport security: TLS verification stays on, a private CA can be trusted (`tlsCa`), and plain
 * http:// is refused for PRE and PRO except on this machine. Real HTTPS on 127.0.0.1 with a
 * certificate made for the test by the openssl CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CesceClient } from './client.js';
import { cesceConfigSchema, parseConfig } from './config.js';
import { resolveEnvironment, isLoopbackHost } from './environments.js';
import { ConfigError, NetworkError } from './errors.js';

let dir: string;
let server: Server;
let baseUrl: string;
let caPem: string;
let otherCaPem: string;
const requests: string[] = [];

/** A self-signed certificate for 127.0.0.1 (EC keys: fast to make). */
function makeCert(name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-tls-'));
  const gateway = makeCert('gateway');
  caPem = gateway.cert;
  otherCaPem = makeCert('other').cert;
  server = createServer({ key: gateway.key, cert: gateway.cert }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    if (req.url?.endsWith('/oauth2/v1/token')) return void res.end(JSON.stringify({ access_token: 'tls-token', expires_in: 3600 }));
    res.end(JSON.stringify({ error: { errorCode: '0' }, debtor: [{ requestNo: '7', endorsementNo: '7', countryCode: 'ES', taxCode: 'B65410011', statusCode: '2' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function client(tlsCa?: string): CesceClient {
  return new CesceClient({
    environment: 'pro',
    baseUrl,
    contractNo: '34109150331',
    credentials: { clientId: 'id', clientSecret: 'tls-secret-value', username: 'u', password: 'tls-password-value' },
    retry: { limit: 0 },
    timeoutMs: 5_000,
    tlsCa,
  });
}

describe('TLS', () => {
  it('refuses a certificate it cannot verify, saying so and how to trust a private CA', async () => {
    const before = requests.length;
    const error = await client()
      .classifications.query({ taxCode: 'B65410011' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/TLS certificate could not be verified \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\).*cesce\.tlsCa/);
    expect((error as Error).message).not.toMatch(/tls-secret-value|tls-password-value/);
    expect(requests.length).toBe(before); // nothing reached the server
  });

  it('refuses a server whose certificate another CA signed, even with a custom CA set', async () => {
    const error = await client(otherCaPem)
      .classifications.query({ taxCode: 'B65410011' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/TLS certificate could not be verified/);
  });

  it('trusts the configured CA for the token and the API requests', async () => {
    const before = requests.length;
    const found = await client(caPem).classifications.query({ taxCode: 'B65410011' });
    expect(found.map((c) => c.taxCode)).toEqual(['B65410011']);
    expect(requests.slice(before).map((r) => r.split('?')[0])).toEqual([
      'POST /oauth2/v1/token',
      'GET /classifications/v1/contracts/34109150331/classifications',
    ]);
  });

  it('refuses tlsCa text without a certificate', () => {
    expect(() => client('not a certificate')).toThrow(/tlsCa: expected PEM text/);
  });

  it('reads cesce.tlsCa from file:PATH (relative to the config file) or an absolute path, and names a bad one', () => {
    writeFileSync(join(dir, 'ca.pem'), caPem);
    writeFileSync(join(dir, 'empty.pem'), 'nothing here\n');
    const base = { environment: 'pro', baseUrl, contractNo: '34109150331', clientId: 'id', clientSecret: 's', username: 'u', password: 'p' };
    const file = join(dir, 'cesce.json');
    expect(parseConfig(cesceConfigSchema, { ...base, tlsCa: 'file:ca.pem' }, { file }).tlsCa).toContain('-----BEGIN CERTIFICATE-----');
    expect(parseConfig(cesceConfigSchema, { ...base, tlsCa: join(dir, 'ca.pem') }, { file }).tlsCa).toBe(caPem);
    const bad = (tlsCa: string) => {
      try {
        parseConfig(cesceConfigSchema, { ...base, tlsCa }, { file });
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(bad('file:empty.pem')).toBeInstanceOf(ConfigError);
    expect((bad('file:empty.pem') as ConfigError).issues).toEqual([{ path: 'tlsCa', message: expect.stringMatching(/no PEM certificate/) }]);
    expect((bad('ca.pem') as ConfigError).issues).toEqual([{ path: 'tlsCa', message: expect.stringMatching(/"file:PATH"/) }]);
    expect((bad(join(dir, 'missing.pem')) as ConfigError).issues[0]!.message).toMatch(/cannot be read \(not found\)/);
  });
});

describe('plain http://', () => {
  it('is refused for PRE and PRO unless the host is this machine', () => {
    for (const env of ['pre', 'pro'] as const) {
      expect(() => resolveEnvironment(env, { baseUrl: 'http://api.cesce.es/pro' })).toThrow(/cesce\.baseUrl 'http:\/\/api\.cesce\.es\/pro' uses plain http:\/\/.*Use the https:\/\//);
      expect(() => resolveEnvironment(env, { baseUrl: 'http://10.0.0.5:8080' })).toThrow(TypeError);
      for (const local of ['http://127.0.0.1:4010', 'http://127.9.8.7:1', 'http://localhost:4010', 'http://[::1]:4010']) {
        expect(resolveEnvironment(env, { baseUrl: local }).baseUrl).toBe(local);
      }
      expect(resolveEnvironment(env, { baseUrl: 'https://api.cesce.es/pro' }).baseUrl).toBe('https://api.cesce.es/pro');
    }
    // Only for tools that inspect a target without sending credentials (cesce diagnose reports it).
    expect(resolveEnvironment('pro', { baseUrl: 'http://api.cesce.es/pro', allowPlainHttp: true }).baseUrl).toBe('http://api.cesce.es/pro');
    // Sandbox holds no real data; a custom target is the user's explicit choice.
    expect(resolveEnvironment('sandbox', { baseUrl: 'http://emulator.internal:4010' }).baseUrl).toBe('http://emulator.internal:4010');
    expect(() =>
      new CesceClient({
        environment: 'pro',
        baseUrl: 'http://cesce-gateway.example.com',
        contractNo: '34109150331',
        credentials: { clientId: 'id', clientSecret: 's', username: 'u', password: 'p' },
      }),
    ).toThrow(/cesce\.baseUrl .* plain http:\/\//);
  });

  it('tells loopback hosts apart from look-alikes', () => {
    expect(['127.0.0.1', '127.255.255.254', 'localhost', 'LOCALHOST', '[::1]', '::1', 'app.localhost'].every(isLoopbackHost)).toBe(true);
    expect(['128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com', '10.0.0.1', '[::2]', '0.0.0.0', '127.0.0.256'].some(isLoopbackHost)).toBe(false);
  });
});
