import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultOf, SECRETS, startDemoSetup, type DemoSetup } from '../test-support.js';
import type { DiagnoseOptions, DiagnosisOutcome } from '../types.js';
import { clockSkewMs, plainHttpVerdict, tlsVerificationProblem } from './network.js';

const NETWORK = ['network.dns', 'network.tls', 'network.reachability', 'network.clock'];

/** Runs only the network checks (and the config checks they need) on a config patched with `cesce`. */
function runNetwork(setup: DemoSetup, cesce: Record<string, unknown> = {}, extra: Partial<DiagnoseOptions> = {}): Promise<DiagnosisOutcome> {
  return setup.run({ cesce }, { only: ['network'], ...extra });
}

function statuses(outcome: DiagnosisOutcome): Record<string, string> {
  return Object.fromEntries(NETWORK.map((id) => [id, resultOf(outcome, id).status]));
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on: bound, noted, closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

interface DnsServer {
  port: number;
  /** `name type` of every query received, e.g. `cesce-gateway.example.invalid 1`. */
  queries: string[];
  close(): Promise<void>;
}

/**
 * A DNS server on 127.0.0.1 (UDP): answers A queries with `aRecord` (other types: no data), or
 * every query with `rcode` (default 3, NXDOMAIN) without one. Copies the id and the question.
 */
async function startDnsServer(aRecord?: string, rcode = 3): Promise<DnsServer> {
  const queries: string[] = [];
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, peer) => {
    if (msg.length < 17) return;
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset] !== 0) {
      const len = msg[offset]!;
      labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('ascii'));
      offset += 1 + len;
    }
    const qtype = msg.readUInt16BE(offset + 1);
    const question = msg.subarray(12, offset + 5);
    queries.push(`${labels.join('.')} ${qtype}`);
    const answer =
      aRecord && qtype === 1
        ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...aRecord.split('.').map(Number)])
        : Buffer.alloc(0);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header[2] = 0x80 | (msg[2]! & 0x79); // QR, the query's opcode and RD
    header[3] = 0x80 | (aRecord ? 0 : rcode); // RA; NOERROR, or the RCODE asked for
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer.length > 0 ? 1 : 0, 6);
    socket.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

describe('network checks on the demo setup', () => {
  let setup: DemoSetup;
  beforeAll(async () => {
    setup = await startDemoSetup();
  });
  afterAll(() => setup?.close());

  it('passes all four against the running emulator, and names what it saw without secrets', async () => {
    const outcome = await runNetwork(setup);
    expect(statuses(outcome)).toEqual({ 'network.dns': 'pass', 'network.tls': 'pass', 'network.reachability': 'pass', 'network.clock': 'pass' });
    expect(resultOf(outcome, 'network.dns').observed).toContain('IP literal, no lookup');
    expect(resultOf(outcome, 'network.tls').observed).toContain('plain HTTP');
    const reach = resultOf(outcome, 'network.reachability');
    expect(reach.observed).toContain(`${setup.cesce.url}/oauth2/v1/token`);
    expect(reach.data).toMatchObject({ status: 405 });
    const text = JSON.stringify(outcome.report);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });

  it('fails network.dns on NXDOMAIN from the configured DNS server, naming the code and the baseUrl fix', async () => {
    const dns = await startDnsServer();
    try {
      const outcome = await runNetwork(setup, { baseUrl: `http://cesce-gateway.example.invalid:${new URL(setup.cesce.url).port}` }, { dnsServers: [`127.0.0.1:${dns.port}`] });
      const r = resultOf(outcome, 'network.dns');
      expect(r.status).toBe('fail');
      expect(r.observed).toContain('cesce-gateway.example.invalid');
      expect(r.observed).toContain('ENOTFOUND');
      expect(r.observed).toContain('NXDOMAIN');
      expect(r.fix).toContain('cesce.baseUrl');
      expect(r.fix).toContain('api.cesce.es');
      expect(dns.queries.some((q) => q.startsWith('cesce-gateway.example.invalid'))).toBe(true);
      expect(resultOf(outcome, 'network.reachability')).toMatchObject({ status: 'skipped', skippedBecause: 'network.tls' });
      expect(resultOf(outcome, 'network.tls')).toMatchObject({ status: 'skipped', skippedBecause: 'network.dns' });
    } finally {
      await dns.close();
    }
  });

  it('fails network.dns when the DNS server answers SERVFAIL, pointing at the DNS settings', async () => {
    const dns = await startDnsServer(undefined, 2);
    try {
      const outcome = await runNetwork(setup, { baseUrl: 'https://cesce-gateway.example.invalid/sandbox' }, { dnsServers: [`127.0.0.1:${dns.port}`] });
      const r = resultOf(outcome, 'network.dns');
      expect(r.status).toBe('fail');
      expect(r.observed).toContain('ESERVFAIL');
      expect(r.fix).toContain(`DNS server 127.0.0.1:${dns.port}`);
      expect(r.fix).toContain('/etc/resolv.conf');
    } finally {
      await dns.close();
    }
  });

  it('looks a name up with the system resolver (localhost, from the hosts file) and connects to it', async () => {
    const outcome = await runNetwork(setup, { baseUrl: setup.cesce.url.replace('127.0.0.1', 'localhost') });
    expect(statuses(outcome)).toEqual({ 'network.dns': 'pass', 'network.tls': 'pass', 'network.reachability': 'pass', 'network.clock': 'pass' });
    expect(resultOf(outcome, 'network.dns').observed).toMatch(/^localhost resolves to .*127\.0\.0\.1.*system resolver/);
  });

  describe('a host name that resolves to this machine through the configured DNS server', () => {
    let dns: DnsServer;
    beforeAll(async () => {
      dns = await startDnsServer('127.0.0.1');
    });
    afterAll(() => dns?.close());

    const baseUrl = (): string => `http://cesce-gateway.example.invalid:${new URL(setup.cesce.url).port}`;

    it('fails network.tls in PRO over plain HTTP: credentials would travel unencrypted', async () => {
      const outcome = await runNetwork(setup, { environment: 'pro', baseUrl: baseUrl(), username: 'erp-user', password: 'Pro-Pass-77' }, { dnsServers: [`127.0.0.1:${dns.port}`] });
      expect(resultOf(outcome, 'network.dns')).toMatchObject({ status: 'pass' });
      expect(resultOf(outcome, 'network.dns').observed).toContain('127.0.0.1');
      const tls = resultOf(outcome, 'network.tls');
      expect(tls.status).toBe('fail');
      expect(tls.observed).toContain('unencrypted');
      expect(tls.observed).toContain('PRO');
      expect(tls.fix).toContain('https://');
      expect(JSON.stringify(outcome.report)).not.toContain('Pro-Pass-77');
    });

    it('warns in the sandbox, and reaches the emulator at the resolved address', async () => {
      const outcome = await runNetwork(setup, { baseUrl: baseUrl() }, { dnsServers: [`127.0.0.1:${dns.port}`] });
      expect(statuses(outcome)).toEqual({ 'network.dns': 'pass', 'network.tls': 'warn', 'network.reachability': 'pass', 'network.clock': 'pass' });
      expect(resultOf(outcome, 'network.reachability').data).toMatchObject({ status: 405 });
    });
  });

  it('fails network.reachability on a closed port, naming the URL, ECONNREFUSED and the emulator', async () => {
    const port = await closedPort();
    const outcome = await runNetwork(setup, { baseUrl: `http://127.0.0.1:${port}` });
    const r = resultOf(outcome, 'network.reachability');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain(`http://127.0.0.1:${port}/oauth2/v1/token`);
    expect(r.observed).toContain('ECONNREFUSED');
    expect(r.fix).toContain('emulator');
    expect(r.fix).toContain(String(port));
    expect(resultOf(outcome, 'network.clock')).toMatchObject({ status: 'skipped', skippedBecause: 'network.reachability' });
  });

  it('warns on a local clock behind the server (beyond the warn threshold, within the fail one)', async () => {
    const outcome = await runNetwork(setup, {}, { clock: () => Date.now() - 90_000 });
    const r = resultOf(outcome, 'network.clock');
    expect(r.status).toBe('warn');
    expect(r.observed).toContain('behind');
    expect(r.fix).toContain('timedatectl set-ntp true');
  });
});

describe('network checks against a slow emulator', () => {
  let setup: DemoSetup;
  beforeAll(async () => {
    setup = await startDemoSetup({ cesce: { latencyMs: 300 } });
  });
  afterAll(() => setup?.close());

  it('warns when the first byte comes later than slowTtfbMs', async () => {
    const outcome = await runNetwork(setup, {}, { thresholds: { slowTtfbMs: 100 } });
    const r = resultOf(outcome, 'network.reachability');
    expect(r.status).toBe('warn');
    expect(r.observed).toContain('warning above 100 ms');
    expect(r.fix).toContain('--latency');
    expect(resultOf(outcome, 'network.clock').status).toBe('pass');
  });
});

describe('network checks against an emulator whose clock is 10 minutes ahead', () => {
  let setup: DemoSetup;
  beforeAll(async () => {
    setup = await startDemoSetup({ cesce: { clock: () => Date.now() + 10 * 60_000 } });
  });
  afterAll(() => setup?.close());

  it('fails network.clock with the skew and the NTP fix', async () => {
    const outcome = await runNetwork(setup);
    const r = resultOf(outcome, 'network.clock');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('10 min behind');
    expect(r.fix).toContain('timedatectl set-ntp true');
    expect(r.fix).toContain('token');
    expect(r.data).toMatchObject({ skewSeconds: expect.any(Number) });
    expect(Math.abs((r.data as { skewSeconds: number }).skewSeconds + 600)).toBeLessThanOrEqual(2);
  });
});

describe('a server without a Date header', () => {
  it('warns network.clock: no Date header', async () => {
    const setup = await startDemoSetup();
    const server = createServer((_req, res) => {
      res.sendDate = false;
      res.writeHead(405, { allow: 'POST' }).end();
    });
    try {
      const port = await listen(server);
      const outcome = await runNetwork(setup, { baseUrl: `http://127.0.0.1:${port}` });
      expect(resultOf(outcome, 'network.reachability').status).toBe('pass');
      const r = resultOf(outcome, 'network.clock');
      expect(r.status).toBe('warn');
      expect(r.observed).toContain('no Date header');
    } finally {
      await closeServer(server);
      await setup.close();
    }
  });
});

describe('servers that are not Cesce’s gateway', () => {
  let setup: DemoSetup;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    setup = await startDemoSetup();
    server = createServer((req, res) => {
      const mode = req.url!.split('/')[1];
      if (mode === 'hang-body') {
        // Headers, then a body that never ends.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
      } else if (mode === 'redirect') res.writeHead(302, { location: 'https://www.example.com/login' }).end();
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    port = await listen(server);
  });
  afterAll(async () => {
    await closeServer(server);
    await setup?.close();
  });

  it('a body that never ends: reachability passes on the headers and leaves no connection open', async () => {
    const outcome = await runNetwork(setup, { baseUrl: `http://127.0.0.1:${port}/hang-body` });
    expect(resultOf(outcome, 'network.reachability').status).toBe('pass');
    // The probe closed its connection: nothing keeps a CLI process alive after the verdict.
    await new Promise((r) => setTimeout(r, 100));
    const open = await new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
    expect(open).toBe(0);
  });

  it('a redirect is not Cesce’s API: reachability fails naming where it leads', async () => {
    const outcome = await runNetwork(setup, { baseUrl: `http://127.0.0.1:${port}/redirect` });
    const r = resultOf(outcome, 'network.reachability');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('a redirect to https://www.example.com/login');
    expect(r.fix).toContain('API gateway');
  });

  it('a token endpoint answering 404: cesce.baseUrl does not point at the gateway (not a data-set problem)', async () => {
    const outcome = await setup.run({ cesce: { baseUrl: `http://127.0.0.1:${port}/nothing` } }, { only: ['auth.token'] });
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('no token endpoint there');
    expect(r.fix).toMatch(/^cesce\.baseUrl does not point at Cesce’s API gateway/);
  });
});

describe('TLS', () => {
  let dir: string;
  let setup: DemoSetup;
  const servers: Server[] = [];
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

  /** A self-signed certificate valid for `days`, with the given subjectAltName. */
  function selfSigned(name: string, days: number, san: string): { key: string; cert: string } {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', String(days), '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`);
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
  }

  async function httpsServer(pki: { key: string; cert: string }): Promise<string> {
    const server = createHttpsServer(pki, (_req, res) => res.writeHead(405, { allow: 'POST' }).end());
    servers.push(server);
    return `https://127.0.0.1:${await listen(server)}`;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'diagnose-tls-'));
    setup = await startDemoSetup();
  });
  afterAll(async () => {
    await Promise.all(servers.map(closeServer));
    await setup?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails network.tls on a self-signed certificate, with the NODE_EXTRA_CA_CERTS fix', async () => {
    const url = await httpsServer(selfSigned('self', 30, 'IP:127.0.0.1'));
    const outcome = await runNetwork(setup, { baseUrl: url });
    const r = resultOf(outcome, 'network.tls');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('self-signed');
    expect(r.fix).toContain('NODE_EXTRA_CA_CERTS');
    expect(r.fix).toContain('proxy');
    expect(resultOf(outcome, 'network.reachability')).toMatchObject({ status: 'skipped', skippedBecause: 'network.tls' });
  });

  it('warns when a trusted certificate expires within certificateExpiryWarnDays, then reaches the server over TLS', async () => {
    const pki = selfSigned('short', 2, 'IP:127.0.0.1,DNS:localhost');
    const url = await httpsServer(pki);
    const outcome = await runNetwork(setup, { baseUrl: url }, { tlsCa: pki.cert });
    const r = resultOf(outcome, 'network.tls');
    expect(r.status).toBe('warn');
    expect(r.observed).toMatch(/expires on \d{4}-\d{2}-\d{2}, in [12] days?/);
    expect(r.observed).toContain('CN=localhost');
    expect(r.fix).toContain('renew');
    expect(statuses(outcome)).toMatchObject({ 'network.reachability': 'pass', 'network.clock': 'pass' });
    expect(resultOf(outcome, 'network.reachability').data).toMatchObject({ status: 405, tlsMs: expect.any(Number) });
  });

  it('fails network.tls on an expired certificate, pointing at the clock and the renewal', async () => {
    // `openssl req -days` cannot go back in time: `openssl ca` signs with explicit dates.
    writeFileSync(
      join(dir, 'ca.cnf'),
      '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\ncopy_extensions = copy\nunique_subject = no\n[p]\ncommonName = supplied\n',
    );
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1');
    openssl('ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'expired.key', '-in', 'expired.csr', '-out', 'expired.pem', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z');
    const pki = { key: readFileSync(join(dir, 'expired.key'), 'utf8'), cert: readFileSync(join(dir, 'expired.pem'), 'utf8') };
    const outcome = await runNetwork(setup, { baseUrl: await httpsServer(pki) }, { tlsCa: pki.cert });
    const r = resultOf(outcome, 'network.tls');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('expired on 2020-01-02');
    expect(r.fix).toContain('date');
    expect(r.fix).toContain('renew');
  });

  it('fails network.tls when the certificate names another host', async () => {
    const pki = selfSigned('other', 30, 'DNS:gateway.other.example');
    const url = await httpsServer(pki);
    const outcome = await runNetwork(setup, { baseUrl: url }, { tlsCa: pki.cert });
    const r = resultOf(outcome, 'network.tls');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('hostname mismatch');
    expect(r.observed).toContain('gateway.other.example');
    expect(r.fix).toContain('cesce.baseUrl');
  });

  it('fails network.tls when the https port speaks plain HTTP', async () => {
    const outcome = await runNetwork(setup, { baseUrl: setup.cesce.url.replace('http:', 'https:') });
    const r = resultOf(outcome, 'network.tls');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('does not speak TLS');
    expect(r.fix).toContain('http://');
  });
});

describe('pure helpers', () => {
  it('plain HTTP is fine to this machine, a warning elsewhere, a failure in PRE and PRO', () => {
    expect(plainHttpVerdict('127.0.0.1', 'pro')).toBe('pass');
    expect(plainHttpVerdict('localhost', 'pre')).toBe('pass');
    expect(plainHttpVerdict('::1', 'pro')).toBe('pass');
    expect(plainHttpVerdict('erp-gw.internal', 'sandbox')).toBe('warn');
    expect(plainHttpVerdict('erp-gw.internal', 'pre')).toBe('fail');
    expect(plainHttpVerdict('10.0.0.8', 'pro')).toBe('fail');
  });

  it("blames a TLS-inspecting proxy when Cesce's gateway presents an untrusted certificate", () => {
    const cert = { subject: 'CN=proxy.corp', issuer: 'CN=Corp Proxy CA', validTo: '2027-01-01', altNames: undefined };
    const p = tlsVerificationProblem('SELF_SIGNED_CERT_IN_CHAIN', 'api.cesce.es', cert);
    expect(p.observed).toContain('CN=Corp Proxy CA');
    expect(p.fix).toContain('proxy');
    expect(p.fix).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('compares the server Date with the middle of the request', () => {
    const sent = Date.parse('2026-12-03T10:00:00.000Z');
    // Server stamped 10:00:05 (truncated to the second); local midpoint 10:00:01.
    expect(clockSkewMs('Thu, 03 Dec 2026 10:00:05 GMT', sent, sent + 2000)).toBe(-4500);
    expect(clockSkewMs('not a date', sent, sent)).toBeUndefined();
  });
});
