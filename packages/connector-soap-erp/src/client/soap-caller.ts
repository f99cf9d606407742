/**
 * The SOAP client layer: node-soap (`soap` 1.13) clients per profile service, with the WSDL
 * loaded once, endpoint override, SOAP 1.1/1.2, auth, timeouts, charset decoding, dates and
 * decimals kept as the exact strings of the answer, and every failure an `ErpError`.
 */
import { Agent as HttpsAgent } from 'node:https';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as soap from 'soap';
import { ErpError } from '@cesce-connect/core';
import type { SoapErpProfile } from '../profile/schema.js';
import { SYSTEM, secretsOf, toErpError, wsdlError } from './errors.js';
import { describeClient, type WsdlDescription } from './describe.js';
import type { SoapAuth, SoapCaller, SoapCallResult, SoapConnectionOptions, SoapOperationRef } from './types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * XSD types whose text node-soap would turn into JS values losing information: dates become
 * `Date`s (shifted by the time zone when there is no offset) and decimals become floats. We keep
 * the text exactly as the server wrote it; mapping transforms parse it.
 */
const keepText = (text: string): string => text;
export const STRING_DESERIALIZERS: Record<string, (text: string) => string> = {
  date: keepText,
  dateTime: keepText,
  time: keepText,
  decimal: keepText,
};

/** Picks the charset of an answer: Content-Type, else the XML declaration, else the configured one, else UTF-8. */
export function decodeBody(bytes: Buffer, contentType: string | undefined, fallback: string | undefined): string {
  const declared =
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(bytes.subarray(0, 200).toString('latin1'))?.[1] ??
    fallback ??
    'utf-8';
  let charset = declared.toLowerCase();
  if (charset === 'utf8') charset = 'utf-8';
  if (charset === 'utf-8') {
    // A server that declares (or defaults to) UTF-8 but sends Latin-1, as older ERPs do: bytes that
    // are not valid UTF-8 are read as the configured encoding, else ISO-8859-1 (which every byte
    // sequence is), instead of turning "Cerámicas" into "Cer\ufffdmicas".
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      charset = fallback && fallback.toLowerCase() !== 'utf-8' ? fallback.toLowerCase() : 'iso-8859-1';
    }
  }
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** An answer that is XML but not a SOAP envelope: node-soap would read it as an empty result. */
class NotSoapAnswer extends Error {
  constructor(readonly body: string) {
    super('the answer is not a SOAP envelope');
  }
}

function notSoap(raw: unknown): boolean {
  return typeof raw === 'string' && raw.trim() !== '' && !/<(?:[\w.-]+:)?Envelope[\s>]/.test(raw.slice(0, 4096));
}

/** node-soap's HTTP client, reading answers as bytes and decoding them by charset. */
class DecodingHttpClient extends soap.HttpClient {
  constructor(
    options: soap.IOptions,
    private readonly encoding: string | undefined,
  ) {
    super(options);
  }

  override buildRequest(rurl: string, data: unknown, exheaders?: soap.IHeaders, exoptions?: soap.IExOptions): unknown {
    const options = super.buildRequest(rurl, data, exheaders, exoptions) as Record<string, unknown>;
    options.responseType = 'arraybuffer';
    return options;
  }

  override handleResponse(req: never, res: { headers?: Record<string, unknown> }, body: unknown): unknown {
    if (Buffer.isBuffer(body) || body instanceof ArrayBuffer || body instanceof Uint8Array) {
      const ct = res.headers?.['content-type'];
      body = decodeBody(Buffer.from(body as Uint8Array), typeof ct === 'string' ? ct : undefined, this.encoding);
    }
    return super.handleResponse(req, res as never, body);
  }
}

/** Module-level WSDL caches (node-soap keys by location; we keep one cache per option variant). */
const wsdlCaches = new Map<string, Map<string, soap.WSDL>>();
function wsdlCacheFor(variant: string): soap.IWSDLCache {
  let cache = wsdlCaches.get(variant);
  if (!cache) wsdlCaches.set(variant, (cache = new Map()));
  return cache as unknown as soap.IWSDLCache;
}

/** Forgets all loaded WSDLs (tests; or after a WSDL changed on the server). */
export function clearWsdlCache(): void {
  wsdlCaches.clear();
}

export interface ResolvedService {
  key: string;
  /** URL, absolute file path, or inline XML. */
  wsdl: string;
  endpoint: string | undefined;
}

const substitute = (text: string, baseUrl: string): string => text.split('{{baseUrl}}').join(baseUrl.replace(/\/+$/, ''));

/** Where a WSDL is: inline XML (starts with `<`), a URL, or a file relative to `dir`. */
export function resolveWsdlLocation(wsdl: string, baseUrl: string, dir: string | undefined): string {
  const text = substitute(wsdl, baseUrl).trim();
  if (text.startsWith('<')) return /^<\?xml/i.test(text) ? text : `<?xml version="1.0" encoding="UTF-8"?>\n${text}`;
  if (/^https?:\/\//i.test(text)) return text;
  if (/^file:\/\//i.test(text)) return new URL(text).pathname;
  return isAbsolute(text) ? text : resolve(dir ?? process.cwd(), text);
}

/** The node-soap security object for an auth configuration (none for `none`). */
export function securityFor(auth: SoapAuth): soap.ISecurity | undefined {
  switch (auth.type) {
    case 'none':
      return undefined;
    case 'basic':
      return new soap.BasicAuthSecurity(auth.username, auth.password);
    case 'wsse': {
      const passwordType = auth.passwordType ?? 'PasswordText';
      return new soap.WSSecurity(auth.username, auth.password, {
        passwordType,
        hasTimeStamp: auth.timestamp ?? true,
        hasNonce: auth.nonce ?? passwordType === 'PasswordDigest',
      });
    }
    case 'ntlm':
      return new soap.NTLMSecurity({ username: auth.username, password: auth.password, domain: auth.domain ?? '', workstation: auth.workstation ?? '' });
    case 'bearer':
      return new soap.BearerSecurity(auth.token);
    case 'certificate':
      return new soap.ClientSSLSecurity(auth.keyFile, auth.certFile, auth.caFile, auth.passphrase ? { passphrase: auth.passphrase } : {});
  }
}

/** Headers and HTTP options that the WSDL download needs (node-soap applies security only to calls). */
function wsdlRequestAuth(auth: SoapAuth): { headers: Record<string, string>; options: Record<string, unknown> } {
  switch (auth.type) {
    case 'basic':
      return { headers: { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }, options: {} };
    case 'bearer':
      return { headers: { Authorization: `Bearer ${auth.token}` }, options: {} };
    case 'ntlm':
      return { headers: {}, options: { ntlm: true, username: auth.username, password: auth.password, domain: auth.domain ?? '', workstation: auth.workstation ?? '' } };
    case 'certificate':
      return {
        headers: {},
        options: {
          httpsAgent: new HttpsAgent({
            key: readFileSync(auth.keyFile),
            cert: readFileSync(auth.certFile),
            ca: auth.caFile ? readFileSync(auth.caFile) : undefined,
            passphrase: auth.passphrase,
          }),
        },
      };
    default:
      return { headers: {}, options: {} };
  }
}

export interface LoadClientOptions {
  wsdl: string;
  endpoint?: string | undefined;
  auth: SoapAuth;
  soapVersion: '1.1' | '1.2';
  timeoutMs: number;
  encoding?: string | undefined;
}

/** Loads a node-soap client (WSDL from the module cache when already loaded). Errors are `ErpError`s. */
export async function loadSoapClient(o: LoadClientOptions): Promise<soap.Client> {
  const secrets = secretsOf(o.auth);
  const soap12 = o.soapVersion === '1.2';
  const wsdlAuth = wsdlRequestAuth(o.auth);
  const httpClient = new DecodingHttpClient({}, o.encoding);
  let client: soap.Client;
  try {
    client = await soap.createClientAsync(o.wsdl, {
      httpClient,
      forceSoap12Headers: soap12,
      handleNilAsNull: true,
      customDeserializer: STRING_DESERIALIZERS,
      wsdl_headers: wsdlAuth.headers,
      wsdl_options: { timeout: o.timeoutMs, ...wsdlAuth.options },
      wsdlCache: wsdlCacheFor(soap12 ? '1.2' : '1.1'),
    });
  } catch (error) {
    throw wsdlError(error, o.wsdl, secrets, o.timeoutMs);
  }
  if (o.endpoint) client.setEndpoint(o.endpoint);
  const security = securityFor(o.auth);
  if (security) client.setSecurity(security);
  return client;
}

type SoapMethod = (args: unknown, cb: (err: unknown, result: unknown, rawResponse?: unknown) => void, options?: Record<string, unknown>, extraHeaders?: Record<string, string>) => void;

type PortMethods = Record<string, SoapMethod>;

/** The client's operations by WSDL service and port (node-soap defines `client[service][port][operation]`). */
function servicesOf(client: soap.Client): Record<string, Record<string, PortMethods>> {
  const out: Record<string, Record<string, PortMethods>> = {};
  const c = client as unknown as Record<string, Record<string, PortMethods> | undefined>;
  for (const name of Object.keys(client.wsdl.definitions.services)) {
    const ports = c[name];
    if (ports && typeof ports === 'object') out[name] = ports;
  }
  return out;
}

/** Finds an operation, by WSDL service and port when given, else the first port that has it. */
function findMethod(client: soap.Client, ref: SoapOperationRef): { method: SoapMethod; endpoint: string } | undefined {
  const services = servicesOf(client);
  for (const s of ref.wsdlService ? [ref.wsdlService] : Object.keys(services)) {
    const ports = services[s];
    if (!ports) continue;
    for (const p of ref.wsdlPort ? [ref.wsdlPort] : Object.keys(ports)) {
      const method = ports[p]?.[ref.operation];
      if (typeof method !== 'function') continue;
      const port = client.wsdl.definitions.services[s]?.ports[p] as { location?: string } | undefined;
      const endpoint = (client as unknown as { endpoint?: string }).endpoint ?? port?.location ?? '';
      return { method, endpoint };
    }
  }
  return undefined;
}

function operationNames(client: soap.Client): string[] {
  const names = new Set<string>();
  for (const ports of Object.values(servicesOf(client))) for (const ops of Object.values(ports)) for (const op of Object.keys(ops)) names.add(op);
  return [...names];
}

export type SoapCallerConnection = SoapConnectionOptions & { profileDir?: string | undefined };

export function createSoapCaller(profile: SoapErpProfile, connection: SoapCallerConnection): SoapCaller {
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const soapVersion = connection.soapVersion ?? profile.soapVersion;
  const secrets = secretsOf(connection.auth);
  const clients = new Map<string, Promise<soap.Client>>();

  const resolveService = (key: string): ResolvedService => {
    const service = profile.services[key];
    if (!service) {
      throw new ErpError(SYSTEM, 'validation', `the profile has no service "${key}" (services: ${Object.keys(profile.services).join(', ') || 'none'})`);
    }
    return {
      key,
      wsdl: resolveWsdlLocation(service.wsdl, connection.baseUrl, connection.profileDir),
      endpoint: service.endpoint ? substitute(service.endpoint, connection.baseUrl) : undefined,
    };
  };

  const clientFor = (key: string): Promise<soap.Client> => {
    const service = resolveService(key);
    const cacheKey = `${service.wsdl}\n${service.endpoint ?? ''}`;
    let client = clients.get(cacheKey);
    if (!client) {
      client = loadSoapClient({ wsdl: service.wsdl, endpoint: service.endpoint, auth: connection.auth, soapVersion, timeoutMs, encoding: connection.encoding });
      clients.set(cacheKey, client);
      client.catch(() => clients.delete(cacheKey));
    }
    return client;
  };

  return {
    async call(ref: SoapOperationRef, args: Record<string, unknown>): Promise<SoapCallResult> {
      const client = await clientFor(ref.service);
      const found = findMethod(client, ref);
      if (!found) {
        const where = [ref.wsdlService, ref.wsdlPort].filter(Boolean).join('/');
        throw new ErpError(SYSTEM, 'validation', `the WSDL of service "${ref.service}" has no operation ${ref.operation}${where ? ` in ${where}` : ''}`, {
          hint: `operations: ${operationNames(client).join(', ')}; run \`cesce soap describe\` on the WSDL`,
        });
      }
      const started = performance.now();
      try {
        // `timeout` alone is an idle timeout (a server dripping bytes never trips it): the signal is
        // the deadline of the whole call.
        const result = await new Promise<unknown>((resolvePromise, reject) => {
          found.method(args, (err, res, raw) => (err ? reject(err) : notSoap(raw) ? reject(new NotSoapAnswer(String(raw))) : resolvePromise(res)), {
            timeout: timeoutMs,
            signal: AbortSignal.timeout(timeoutMs),
          });
        });
        return { result, elapsedMs: Math.round(performance.now() - started) };
      } catch (error) {
        throw toErpError(error, { operation: ref.operation, endpoint: found.endpoint, secrets, timeoutMs });
      }
    },
    async describe(service: string): Promise<WsdlDescription> {
      return describeClient(await clientFor(service));
    },
    close(): void {
      clients.clear();
    },
  };
}
