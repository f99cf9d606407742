import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { apiUrl } from '@cesce-connect/core';
import type { CheckDefinition, CheckOutcome, DiagnosticContext } from '../types.js';
import { VERSION } from '../version.js';

/** Upper bound for one network probe, whatever `cesce.timeoutMs` says (a diagnosis must not hang). */
export const MAX_PROBE_MS = 10_000;

/** Cesce's gateway host, as published ([portal] token URL). */
const CESCE_GATEWAY = 'api.cesce.es';

/** What the network checks learn, for the checks after them. Keyed by the diagnosis context. */
interface NetworkFindings {
  /** Addresses of the base URL's host (network.dns); connections use these, not a second lookup. */
  addresses?: LookupAddress[];
  lookupMs?: number;
  /** The server's `Date` header and the local clock around the request (network.reachability). */
  serverDate?: string | undefined;
  requestSentAt?: number;
  responseAt?: number;
}

const findings = new WeakMap<DiagnosticContext, NetworkFindings>();

function findingsOf(ctx: DiagnosticContext): NetworkFindings {
  let f = findings.get(ctx);
  if (!f) findings.set(ctx, (f = {}));
  return f;
}

function probeTimeout(ctx: DiagnosticContext): number {
  return Math.min(ctx.cesce?.timeoutMs ?? MAX_PROBE_MS, MAX_PROBE_MS);
}

/** The host of a URL without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** localhost, 127.0.0.0/8 or ::1: this machine (a local emulator). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

function defaultPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  return typeof e?.code === 'string' ? e.code : error instanceof Error ? error.message : String(error);
}

class ProbeTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A `lookup` for net/tls/http that answers with the addresses `network.dns` found, so every probe
 * connects where the DNS check looked (and a test's DNS server is the only resolver asked).
 */
function pinnedLookup(addresses: readonly LookupAddress[] | undefined): LookupFunction | undefined {
  if (!addresses || addresses.length === 0) return undefined;
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const list = addresses.filter((a) => !family || a.family === family);
    const first = list[0];
    if (!first) {
      const err: NodeJS.ErrnoException = Object.assign(new Error(`no IPv${family} address for ${hostname}`), { code: 'ENOTFOUND' });
      callback(err, '', 0);
    } else if (options.all) callback(null, list);
    else callback(null, first.address, first.family);
  };
}

// ---------------------------------------------------------------------------------------------
// network.dns

const DNS_MEANING: Record<string, string> = {
  ENOTFOUND: 'NXDOMAIN: the name does not exist',
  ENODATA: 'the name exists but has no address record',
  ESERVFAIL: 'SERVFAIL: the DNS server could not answer',
  ETIMEOUT: 'no answer from the DNS server in time',
  ETIMEDOUT: 'no answer from the DNS server in time',
  EAI_AGAIN: 'temporary failure: no DNS server answered',
  ECONNREFUSED: 'the DNS server refused the connection',
  EREFUSED: 'REFUSED: the DNS server refused the query',
};

/** The fix for a failed lookup of `host` (pure: tested on its own). */
export function dnsFailureFix(code: string, host: string, baseUrlConfigured: boolean, dnsServers: readonly string[] | undefined): string {
  const servers = dnsServers && dnsServers.length > 0 ? `The DNS server${dnsServers.length === 1 ? '' : 's'} ${dnsServers.join(', ')}` : "This machine's DNS server";
  if (code === 'ENOTFOUND' || code === 'ENODATA') {
    if (!baseUrlConfigured) {
      return `This machine cannot resolve ${host}, Cesce's API gateway. Ask your network administrator whether the corporate DNS resolves public names, or whether Internet access must go through a proxy (then this server needs a direct route or DNS for ${CESCE_GATEWAY}).`;
    }
    return `Check the spelling of the host in cesce.baseUrl ('${host}'): Cesce's API gateway is ${CESCE_GATEWAY} (e.g. https://${CESCE_GATEWAY}/sandbox); leave cesce.baseUrl out to use it. If the name is right (an internal gateway or proxy), ask your network administrator whether the corporate DNS knows it.`;
  }
  return `${servers} did not answer properly for ${host}. Check the DNS settings of this machine (/etc/resolv.conf on Linux, the network adapter on Windows) and ask your network administrator: corporate networks sometimes resolve external names such as ${CESCE_GATEWAY} only through their proxy. A timeout can be transient: run the diagnosis again.`;
}

async function resolveWithServers(host: string, servers: string[], timeoutMs: number): Promise<LookupAddress[]> {
  const resolver = new dnsPromises.Resolver({ timeout: Math.min(timeoutMs, 5000), tries: 2 });
  resolver.setServers(servers);
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses: LookupAddress[] = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (addresses.length > 0) return addresses;
  // Both failed: IPv4's reason unless it only says "no A record" and IPv6 says more.
  const e4 = v4.status === 'rejected' ? v4.reason : undefined;
  const e6 = v6.status === 'rejected' ? v6.reason : undefined;
  throw errorCode(e4) === 'ENODATA' && e6 && errorCode(e6) !== 'ENODATA' ? e6 : (e4 ?? e6 ?? Object.assign(new Error('no address'), { code: 'ENODATA' }));
}

const networkDns: CheckDefinition = {
  id: 'network.dns',
  group: 'network',
  title: 'DNS lookup of the Cesce host',
  needs: ['config.required'],
  async run(ctx): Promise<CheckOutcome> {
    const url = new URL(ctx.environment!.baseUrl);
    const host = urlHost(url);
    const f = findingsOf(ctx);
    const family = isIP(host);
    if (family !== 0) {
      f.addresses = [{ address: host, family }];
      return { status: 'pass', observed: `${host}: IP literal, no lookup`, data: { host, addresses: [host] } };
    }
    const servers = ctx.options.dnsServers?.filter((s) => s.trim() !== '');
    const via = servers && servers.length > 0 ? `DNS server ${servers.join(', ')}` : 'system resolver';
    const timeoutMs = probeTimeout(ctx);
    const t0 = performance.now();
    let addresses: LookupAddress[];
    try {
      addresses =
        servers && servers.length > 0
          ? await withTimeout(resolveWithServers(host, servers, timeoutMs), timeoutMs * 2, `the lookup of ${host}`)
          : await withTimeout(dnsPromises.lookup(host, { all: true }), timeoutMs, `the lookup of ${host}`);
    } catch (error) {
      const code = errorCode(error);
      if (error instanceof TypeError || code === 'ERR_INVALID_IP_ADDRESS') {
        return {
          status: 'fail',
          observed: `the DNS servers given (${servers?.join(', ')}) are not usable: ${(error as Error).message}`,
          fix: 'Give each DNS server as an IP address, optionally with a port: 10.0.0.53 or 10.0.0.53:53 or [fd00::53]:53.',
        };
      }
      const meaning = DNS_MEANING[code];
      return {
        status: 'fail',
        observed: `${host} cannot be resolved (${via}): ${code}${meaning ? ` (${meaning})` : ''}`,
        fix: dnsFailureFix(code, host, ctx.cesce?.baseUrl !== undefined, servers),
        data: { host, code, resolver: via },
      };
    }
    const lookupMs = Math.round(performance.now() - t0);
    f.addresses = addresses;
    f.lookupMs = lookupMs;
    const shown = addresses.slice(0, 6).map((a) => a.address);
    const more = addresses.length > shown.length ? ` and ${addresses.length - shown.length} more` : '';
    return {
      status: 'pass',
      observed: `${host} resolves to ${shown.join(', ')}${more} (${via}, ${lookupMs} ms)`,
      data: { host, addresses: addresses.map((a) => a.address), resolver: via, lookupMs },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// network.tls

/**
 * Plain HTTP to `host`: fine for this machine (the emulator); elsewhere the client secret and the
 * password would cross the network unencrypted, which PRE and PRO must never do.
 */
export function plainHttpVerdict(host: string, environment: string): 'pass' | 'warn' | 'fail' {
  if (isLoopbackHost(host)) return 'pass';
  return environment === 'pre' || environment === 'pro' ? 'fail' : 'warn';
}

/** `CN=api.cesce.es, O=Cesce` from a certificate's subject or issuer. */
export function describeName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '(none)';
  const parts: string[] = [];
  for (const key of ['CN', 'O', 'OU', 'C'] as const) {
    const v = (name as unknown as Record<string, string | string[] | undefined>)[key];
    if (v !== undefined) parts.push(`${key}=${Array.isArray(v) ? v.join('+') : v}`);
  }
  return parts.length > 0 ? parts.join(', ') : '(empty)';
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const UNTRUSTED_CA = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Cesce's own gateways: api.cesce.es and the IBM API Connect host behind it. */
function isCesceGateway(host: string): boolean {
  const h = host.toLowerCase();
  return h === CESCE_GATEWAY || h.endsWith('.cesce.es') || h.endsWith('.apiconnect.ibmappdomain.cloud');
}

/** What a certificate verification error means, and what to do (pure: tested on its own). */
export function tlsVerificationProblem(
  code: string,
  host: string,
  cert: { subject: string; issuer: string; validTo: string | undefined; altNames: string | undefined },
): { observed: string; fix: string } {
  const caFix = isCesceGateway(host)
    ? `${host} is Cesce's gateway, whose certificate is issued by a public CA: something on the way replaces it, usually a corporate proxy or firewall that inspects TLS. ` +
      `Get that proxy's CA certificate (PEM) from your network administrator and give it to cesce-connect with the environment variable NODE_EXTRA_CA_CERTS=/path/to/corporate-ca.pem in the service or scheduler that runs cesce. Do not disable certificate checks.`
    : `${host} is not Cesce's gateway (${CESCE_GATEWAY}): if it is your own gateway or a test server, give it a certificate from a trusted CA, or point the environment variable NODE_EXTRA_CA_CERTS=/path/to/ca.pem (in the service or scheduler that runs cesce) at the CA that signed it. ` +
      `If a corporate proxy inspects TLS, NODE_EXTRA_CA_CERTS must name the proxy's CA certificate (ask your network administrator). Do not disable certificate checks.`;
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return { observed: `${host} presents a self-signed certificate (${cert.subject}), which no trusted CA vouches for`, fix: caFix };
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return { observed: `${host}'s certificate chain ends in a self-signed root that is not trusted (issuer ${cert.issuer})`, fix: caFix };
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return { observed: `${host}'s certificate is issued by an unknown CA (${cert.issuer})`, fix: caFix };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return {
        observed: `${host}'s certificate (issuer ${cert.issuer}) cannot be verified: the server does not send its intermediate certificate, or the CA is unknown`,
        fix: `${caFix} If the CA is a public one, the server must send the intermediate certificate too.`,
      };
    case 'CERT_HAS_EXPIRED':
      return {
        observed: `${host}'s certificate expired${cert.validTo ? ` on ${cert.validTo}` : ''} (${cert.subject})`,
        fix: `Check this machine's date first (a clock far ahead makes valid certificates look expired). If the date is right and ${host} is Cesce's gateway, tell Cesce support; if it is your own gateway or proxy, renew its certificate.`,
      };
    case 'CERT_NOT_YET_VALID':
      return {
        observed: `${host}'s certificate is not valid yet according to this machine's clock (${cert.subject})`,
        fix: "This machine's clock is probably behind: enable time synchronisation (Linux: timedatectl set-ntp true; Windows: w32tm /resync) and run the diagnosis again.",
      };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        observed: `${host}'s certificate is for another name (${cert.altNames ?? cert.subject}): hostname mismatch`,
        fix: `Use the host name the certificate names in cesce.baseUrl (Cesce's gateway is https://${CESCE_GATEWAY}/…). If the URL is right, a proxy on the way answers with its own certificate: ask your network administrator.`,
      };
    default:
      return {
        observed: `${host}'s certificate is not trusted: ${code} (${cert.subject}, issued by ${cert.issuer})`,
        fix: `${caFix}`,
      };
  }
}

interface TlsProbe {
  authorized: boolean;
  authorizationError: string | undefined;
  protocol: string | null;
  cert: PeerCertificate | undefined;
  ms: number;
}

function probeTls(host: string, port: number, options: { timeoutMs: number; lookup: LookupFunction | undefined; ca: string | undefined }): Promise<TlsProbe> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket: TLSSocket = tlsConnect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      // Judged below (authorized / authorizationError) instead of aborting the handshake.
      rejectUnauthorized: false,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const timer = setTimeout(() => socket.destroy(new ProbeTimeout(`no TLS handshake with ${host}:${port} within ${options.timeoutMs} ms`)), options.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const result: TlsProbe = {
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String((socket.authorizationError as unknown as { code?: string }).code ?? socket.authorizationError) : undefined,
        protocol: socket.getProtocol(),
        cert: cert && Object.keys(cert).length > 0 ? cert : undefined,
        ms: Math.round(performance.now() - t0),
      };
      socket.end();
      socket.destroy();
      resolve(result);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Why a TCP/TLS connection to `target` failed, and the fix (pure: tested on its own). */
export function connectionFailure(code: string, target: string, url: URL, timeoutMs: number): { observed: string; fix: string } {
  const local = isLoopbackHost(urlHost(url));
  const port = defaultPort(url);
  const emulator = local
    ? ` cesce.baseUrl points at this machine: is the Cesce emulator running on port ${port}? Start it with "cesce emulate cesce --port ${port}" and check that the port in cesce.baseUrl is the one it printed.`
    : '';
  const network = `Ask your network administrator to allow outbound ${url.protocol === 'https:' ? 'HTTPS' : 'HTTP'} from this server to ${urlHost(url)}:${port} (firewall), or whether it must go through a proxy.`;
  switch (code) {
    case 'ECONNREFUSED':
      return {
        observed: `${target}: connection refused (ECONNREFUSED): nothing accepts connections on port ${port}`,
        fix: `${local ? emulator.trim() : `Check the port in cesce.baseUrl (Cesce's gateway listens on 443). ${network}`}`,
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return {
        observed: `${target}: the connection was cut (${code})`,
        fix: `A firewall or proxy on the way is dropping the connection, or the port belongs to another service. ${network}${emulator}`,
      };
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return {
        observed: `${target}: no answer within ${timeoutMs} ms (${code})`,
        fix: `Packets are probably dropped silently by a firewall. ${network}${emulator}`,
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        observed: `${target}: no route to the host (${code})`,
        fix: `This server has no network path to ${urlHost(url)}. ${network}`,
      };
    default:
      if (/WRONG_VERSION_NUMBER|EPROTO|packet length too long|http request/i.test(code)) {
        return {
          observed: `${target}: the server does not speak TLS on port ${port} (${code})`,
          fix: `The port answers plain HTTP: use http:// in cesce.baseUrl for a local emulator, or the HTTPS port of the gateway (Cesce: https://${CESCE_GATEWAY}).`,
        };
      }
      return { observed: `${target}: connection failed (${code})`, fix: `${network}${emulator}` };
  }
}

const networkTls: CheckDefinition = {
  id: 'network.tls',
  group: 'network',
  title: 'TLS certificate',
  needs: ['network.dns'],
  async run(ctx): Promise<CheckOutcome> {
    const env = ctx.environment!;
    const url = new URL(env.baseUrl);
    const host = urlHost(url);
    const port = defaultPort(url);
    if (url.protocol === 'http:') {
      const verdict = plainHttpVerdict(host, env.name);
      if (verdict === 'pass') {
        return { status: 'pass', observed: `plain HTTP to ${host}:${port}, this machine (a local emulator): no TLS to check`, data: { protocol: 'http' } };
      }
      return {
        status: verdict,
        observed: `cesce.baseUrl uses plain HTTP to ${host}, another machine: the client secret${env.requiresUserCredentials ? ', the password' : ''} and the tokens would travel unencrypted${verdict === 'fail' ? ` in ${env.name.toUpperCase()}` : ''}`,
        fix: `Use https:// in cesce.baseUrl (Cesce's gateway is https://${CESCE_GATEWAY}/${env.name === 'custom' ? 'sandbox' : env.name}). Plain HTTP is only for the local emulator on 127.0.0.1.`,
        data: { protocol: 'http' },
      };
    }
    if (url.protocol !== 'https:') {
      return { status: 'fail', observed: `cesce.baseUrl uses ${url.protocol.replace(':', '')}://, which is not HTTP`, fix: `Use an https:// URL (Cesce: https://${CESCE_GATEWAY}/sandbox).` };
    }
    const timeoutMs = probeTimeout(ctx);
    let probe: TlsProbe;
    try {
      probe = await probeTls(host, port, { timeoutMs, lookup: pinnedLookup(findingsOf(ctx).addresses), ca: ctx.options.tlsCa ?? ctx.cesce?.tlsCa });
    } catch (error) {
      const { observed, fix } = connectionFailure(errorCode(error), `${host}:${port}`, url, timeoutMs);
      return { status: 'fail', observed: `no TLS handshake: ${observed}`, fix, data: { code: errorCode(error) } };
    }
    const cert = probe.cert;
    const subject = describeName(cert?.subject);
    const issuer = describeName(cert?.issuer);
    const validToMs = cert?.valid_to ? Date.parse(cert.valid_to) : NaN;
    const validTo = Number.isNaN(validToMs) ? undefined : isoDate(validToMs);
    const details = [
      `subject: ${subject}`,
      `issuer: ${issuer}`,
      ...(cert?.subjectaltname ? [`names: ${cert.subjectaltname}`] : []),
      ...(cert?.valid_from && validTo ? [`valid: ${isoDate(Date.parse(cert.valid_from))} to ${validTo}`] : []),
      `protocol: ${probe.protocol ?? 'unknown'}`,
    ];
    const data = { protocol: probe.protocol, subject, issuer, validTo, authorizationError: probe.authorizationError, handshakeMs: probe.ms };
    if (!probe.authorized) {
      const code = probe.authorizationError ?? 'UNKNOWN';
      const problem = tlsVerificationProblem(code, host, { subject, issuer, validTo, altNames: cert?.subjectaltname });
      return { status: 'fail', observed: `${problem.observed} [${code}]`, details, fix: problem.fix, data };
    }
    const daysLeft = Number.isNaN(validToMs) ? undefined : Math.floor((validToMs - ctx.clock()) / 86_400_000);
    const summary = `${probe.protocol ?? 'TLS'}, certificate ${subject} issued by ${issuer}`;
    if (probe.protocol && !['TLSv1.2', 'TLSv1.3'].includes(probe.protocol)) {
      return {
        status: 'warn',
        observed: `${summary}: ${probe.protocol} is outdated`,
        details,
        fix: `${host} negotiates ${probe.protocol}; TLS 1.2 or 1.3 is expected. If ${host} is a proxy or your own gateway, update its TLS settings.`,
        data: { ...data, daysLeft },
      };
    }
    if (daysLeft !== undefined && daysLeft < ctx.thresholds.certificateExpiryWarnDays) {
      return {
        status: 'warn',
        observed: `${summary}; the certificate expires on ${validTo}, in ${plural(daysLeft, 'day')} (warning below ${ctx.thresholds.certificateExpiryWarnDays})`,
        details,
        fix: `Calls to ${host} will fail from ${validTo}. If it is Cesce's gateway, Cesce renews it: ask Cesce support if it is not renewed in time. If it is your own gateway or proxy, renew its certificate before ${validTo}.`,
        data: { ...data, daysLeft },
      };
    }
    return {
      status: 'pass',
      observed: `${summary}; valid until ${validTo ?? 'unknown'}${daysLeft !== undefined ? ` (${plural(daysLeft, 'day')})` : ''}`,
      details,
      data: { ...data, daysLeft },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// network.reachability

interface HttpProbe {
  status: number;
  date: string | undefined;
  location: string | undefined;
  connectMs: number | undefined;
  tlsMs: number | undefined;
  ttfbMs: number;
  sentAt: number;
  answeredAt: number;
}

function probeHttp(
  url: string,
  options: { timeoutMs: number; lookup: LookupFunction | undefined; ca: string | undefined; clock: () => number },
): Promise<HttpProbe> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let connectAt: number | undefined;
    let tlsAt: number | undefined;
    const sentAt = options.clock();
    const t0 = performance.now();
    const req = request(target, {
      method: 'GET',
      agent: false,
      headers: { accept: 'application/json', 'user-agent': `cesce-connect-diagnose/${VERSION}` },
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.ca && target.protocol === 'https:' ? { ca: options.ca } : {}),
    });
    const timer = setTimeout(() => req.destroy(new ProbeTimeout(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.once('socket', (socket) => {
      socket.once('connect', () => (connectAt = performance.now()));
      socket.once('secureConnect', () => (tlsAt = performance.now()));
    });
    req.once('response', (res: IncomingMessage) => {
      const answeredAt = options.clock();
      const ttfbMs = Math.round(performance.now() - t0);
      const date = res.headers.date;
      const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      // Only the headers matter: the connection is closed at once, so a body that never ends
      // (a misbehaving proxy) cannot keep the process alive.
      res.on('error', () => {});
      res.destroy();
      req.destroy();
      clearTimeout(timer);
      resolve({
        status: res.statusCode ?? 0,
        date,
        location,
        connectMs: connectAt === undefined ? undefined : Math.round(connectAt - t0),
        tlsMs: tlsAt === undefined || connectAt === undefined ? undefined : Math.round(tlsAt - connectAt),
        ttfbMs,
        sentAt,
        answeredAt,
      });
    });
    // `on`, not `once`: a late error after the answer must not go unhandled (the promise is settled).
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

const networkReachability: CheckDefinition = {
  id: 'network.reachability',
  group: 'network',
  title: 'Cesce gateway reachable',
  needs: ['network.tls'],
  async run(ctx): Promise<CheckOutcome> {
    const env = ctx.environment!;
    const tokenUrl = apiUrl(env, 'oauth2', 'token');
    const url = new URL(tokenUrl);
    const timeoutMs = probeTimeout(ctx);
    const f = findingsOf(ctx);
    let probe: HttpProbe;
    try {
      probe = await probeHttp(tokenUrl, { timeoutMs, lookup: pinnedLookup(f.addresses), ca: ctx.options.tlsCa ?? ctx.cesce?.tlsCa, clock: ctx.clock });
    } catch (error) {
      const code = errorCode(error);
      const { observed, fix } = connectionFailure(code, `GET ${tokenUrl}`, url, timeoutMs);
      return { status: 'fail', observed, fix, data: { url: tokenUrl, code } };
    }
    f.serverDate = probe.date;
    f.requestSentAt = probe.sentAt;
    f.responseAt = probe.answeredAt;
    const timings = [
      ...(f.lookupMs !== undefined ? [`DNS ${f.lookupMs} ms`] : []),
      ...(probe.connectMs !== undefined ? [`connect ${probe.connectMs} ms`] : []),
      ...(probe.tlsMs !== undefined ? [`TLS ${probe.tlsMs} ms`] : []),
      `first byte ${probe.ttfbMs} ms`,
    ];
    const data = {
      url: tokenUrl,
      status: probe.status,
      lookupMs: f.lookupMs,
      connectMs: probe.connectMs,
      tlsMs: probe.tlsMs,
      ttfbMs: probe.ttfbMs,
      serverDate: probe.date,
    };
    const answered = `GET ${tokenUrl} answered HTTP ${probe.status}${probe.status === 405 ? ' (the token endpoint only takes POST: reachable)' : ''}`;
    if (probe.status >= 300 && probe.status < 400) {
      // Cesce's gateway answers its API paths itself; a redirect means a web page or another path.
      return {
        status: 'fail',
        observed: `${answered}: a redirect${probe.location ? ` to ${probe.location}` : ''}, not Cesce's API (the token request cannot follow it)`,
        details: [timings.join(', ')],
        fix: 'cesce.baseUrl points at a web page or an old address: use the API gateway with its catalog, e.g. https://api.cesce.es/sandbox (the Cesce portal lists it with your application).',
        data,
      };
    }
    if (probe.ttfbMs > ctx.thresholds.slowTtfbMs) {
      return {
        status: 'warn',
        observed: `${answered}, slowly: first byte after ${probe.ttfbMs} ms (warning above ${ctx.thresholds.slowTtfbMs} ms)`,
        details: [timings.join(', ')],
        fix: isLoopbackHost(urlHost(url))
          ? `The local emulator answers slowly: was it started with --latency? Restart it without, or raise slowTtfbMs if the delay is intended.`
          : `Answers this slow make a sync run long and can hit cesce.timeoutMs (${ctx.cesce?.timeoutMs ?? 'default'} ms). Check the network path to ${urlHost(url)} (VPN, proxy, saturated line) and run the diagnosis again; if it stays slow, raise cesce.timeoutMs.`,
        data,
      };
    }
    return { status: 'pass', observed: `${answered} in ${probe.ttfbMs} ms`, details: [timings.join(', ')], data };
  },
};

// ---------------------------------------------------------------------------------------------
// network.clock

/**
 * Local clock minus server clock, in milliseconds: positive when this machine is ahead. The server
 * stamped `Date` (whole seconds) somewhere between sending and answering: compared with the middle.
 */
export function clockSkewMs(serverDate: string, sentAt: number, answeredAt: number): number | undefined {
  const server = Date.parse(serverDate);
  if (Number.isNaN(server)) return undefined;
  // `Date` is truncated to the second: its true time is on average half a second later.
  return (sentAt + answeredAt) / 2 - (server + 500);
}

function describeSkew(ms: number): string {
  const s = Math.abs(ms) / 1000;
  const amount = s >= 120 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
  return `${amount} ${ms > 0 ? 'ahead of' : 'behind'}`;
}

const networkClock: CheckDefinition = {
  id: 'network.clock',
  group: 'network',
  title: 'Clock synchronised',
  needs: ['network.reachability'],
  async run(ctx): Promise<CheckOutcome> {
    const f = findingsOf(ctx);
    const host = urlHost(new URL(ctx.environment!.baseUrl));
    if (!f.serverDate || f.requestSentAt === undefined || f.responseAt === undefined) {
      return {
        status: 'warn',
        observed: `${host} sent no Date header: the clock of this machine cannot be compared with the server's`,
        fix: 'Make sure this machine synchronises its clock (Linux: timedatectl status shows "System clock synchronized: yes"; enable it with timedatectl set-ntp true). Tokens, TLS certificates and signed SOAP requests depend on it.',
      };
    }
    const skew = clockSkewMs(f.serverDate, f.requestSentAt, f.responseAt);
    if (skew === undefined) {
      return { status: 'warn', observed: `${host} sent an unreadable Date header ('${f.serverDate}')`, fix: 'Check the clock synchronisation of this machine yourself: timedatectl status (Linux) or w32tm /query /status (Windows).' };
    }
    const uncertainty = Math.round((f.responseAt - f.requestSentAt) / 2 + 500);
    const skewSeconds = Math.round(skew / 1000);
    const data = { serverDate: f.serverDate, localTime: new Date(Math.round((f.requestSentAt + f.responseAt) / 2)).toISOString(), skewSeconds, uncertaintyMs: uncertainty };
    const abs = Math.abs(skew) / 1000;
    if (abs <= ctx.thresholds.clockSkewWarnSeconds) {
      return { status: 'pass', observed: `this machine's clock is within ${Math.max(1, Math.ceil(abs))} s of ${host}'s (Date: ${f.serverDate})`, data };
    }
    const fail = abs > ctx.thresholds.clockSkewFailSeconds;
    return {
      status: fail ? 'fail' : 'warn',
      observed: `this machine's clock is ${describeSkew(skew)} ${host}'s (server Date: ${f.serverDate}; ${fail ? `fails above ${ctx.thresholds.clockSkewFailSeconds}` : `warning above ${ctx.thresholds.clockSkewWarnSeconds}`} s)`,
      fix:
        'Enable time synchronisation (NTP) on this machine: on Linux run timedatectl set-ntp true and check timedatectl status ("System clock synchronized: yes"); on Windows w32tm /resync. ' +
        'A wrong clock makes tokens look expired too early or too late, TLS certificates look expired or not yet valid, and WS-Security timestamps of signed SOAP requests to the ERP get rejected.',
      data,
    };
  },
};

export const NETWORK_CHECKS: readonly CheckDefinition[] = [networkDns, networkTls, networkReachability, networkClock];
