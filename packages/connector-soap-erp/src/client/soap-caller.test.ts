import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import * as soap from 'soap';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErpError } from '@cesce-connect/core';
import type { SoapErpProfile } from '../profile/schema.js';
import { createSoapCaller } from './soap-caller.js';
import type { SoapAuth, SoapCaller } from './types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const WSDL = readFileSync(join(FIXTURES, 'customers.wsdl'), 'utf8');
const READ = { service: 'customers', operation: 'ReadCustomer' } as const;

const servers: Server[] = [];
const callers: SoapCaller[] = [];
afterEach(async () => {
  for (const c of callers.splice(0)) c.close();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections?.();
          s.close(() => r());
        }),
    ),
  );
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return `127.0.0.1:${port}`;
}

interface Seen {
  headers: IncomingHttpHeaders[];
  bodies: string[];
  wsdlGets: number;
}

type Handler = (args: Record<string, unknown>, headers: Record<string, unknown> | undefined) => unknown;

/** A node-soap server for the fixture WSDL; records request headers and envelopes. */
async function soapServer(
  handlers: { read?: Handler; list?: Handler },
  opts: { soap12?: boolean; authorize?: (req: IncomingMessage, res: ServerResponse) => boolean; authenticate?: (security: any) => boolean } = {},
): Promise<{ baseUrl: string; seen: Seen; server: soap.Server }> {
  const seen: Seen = { headers: [], bodies: [], wsdlGets: 0 };
  const http = createServer();
  const read: Handler = handlers.read ?? ((args) => ({ Customer: { No: args.No, Name: 'Acme' } }));
  const list: Handler = handlers.list ?? (() => ({ Customer: [] }));
  const port = {
    ReadCustomer: (args: Record<string, unknown>, _cb: unknown, headers: Record<string, unknown> | undefined) => read(args, headers),
    ListCustomers: (args: Record<string, unknown>, _cb: unknown, headers: Record<string, unknown> | undefined) => list(args, headers),
  };
  const server = soap.listen(http, {
    path: '/ws/customers',
    services: { Customers_Service: { Customers_Port: port, Customers_Port12: port } },
    xml: WSDL,
    ...(opts.soap12 ? { forceSoap12Headers: true } : {}),
  } as soap.IServerOptions);
  if (opts.authorize) server.authorizeConnection = opts.authorize as never;
  if (opts.authenticate) server.authenticate = opts.authenticate as never;
  const hostPort = await listen(http);
  await new Promise((r) => setTimeout(r, 20)); // soap.listen replaces the request listeners once the WSDL is parsed
  // recorded after soap.listen installed its listener, so this one runs first for every request
  http.prependListener('request', (req: IncomingMessage) => {
    if (req.method === 'GET' && /\?wsdl/i.test(req.url ?? '')) seen.wsdlGets++;
    seen.headers.push(req.headers);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => body && seen.bodies.push(body));
  });
  return { baseUrl: `http://${hostPort}`, seen, server };
}

function profile(soapVersion: '1.1' | '1.2' = '1.1', wsdl = '{{baseUrl}}/ws/customers?wsdl', endpoint: string | undefined = '{{baseUrl}}/ws/customers'): SoapErpProfile {
  // Only `soapVersion` and `services` matter to the caller.
  return { soapVersion, services: { customers: { wsdl, ...(endpoint ? { endpoint } : {}) } } } as unknown as SoapErpProfile;
}

function caller(p: SoapErpProfile, baseUrl: string, auth: SoapAuth = { type: 'none' }, extra: Partial<Parameters<typeof createSoapCaller>[1]> = {}): SoapCaller {
  const c = createSoapCaller(p, { baseUrl, auth, profileDir: FIXTURES, ...extra });
  callers.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<ErpError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(ErpError);
    return error as ErpError;
  }
  throw new Error('expected the call to fail');
}

/** A plain HTTP server (for answers the soap server cannot produce). */
async function rawServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ baseUrl: string; seen: Seen }> {
  const seen: Seen = { headers: [], bodies: [], wsdlGets: 0 };
  const http = createServer((req, res) => {
    seen.headers.push(req.headers);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.bodies.push(body);
      handler(req, res, body);
    });
  });
  return { baseUrl: `http://${await listen(http)}`, seen };
}

describe('SOAP 1.1 and 1.2 calls', () => {
  it('calls a SOAP 1.1 operation on the endpoint override (not the WSDL address) and returns the parsed answer', async () => {
    const { baseUrl, seen } = await soapServer({ read: (args) => ({ Customer: { No: args.No, Name: 'Construcciones Norte, S.A.' } }) });
    const { result, elapsedMs } = await caller(profile(), baseUrl).call(READ, { No: 'C-1000' });
    expect(result).toEqual({ Customer: { No: 'C-1000', Name: 'Construcciones Norte, S.A.' } });
    expect(elapsedMs).toBeGreaterThanOrEqual(0);
    const post = seen.headers.find((h) => h['content-type']?.includes('xml'))!;
    expect(post['content-type']).toMatch(/^text\/xml/);
    expect(post.soapaction).toContain('urn:test:customers:ReadCustomer');
    expect(seen.bodies.at(-1)).toContain('http://schemas.xmlsoap.org/soap/envelope/');
  });

  it('speaks SOAP 1.2 when the profile says so (envelope namespace, content type with action, no SOAPAction)', async () => {
    const { baseUrl, seen } = await soapServer({ read: (args) => ({ Customer: { No: args.No, Name: 'Dos' } }) }, { soap12: true });
    const { result } = await caller(profile('1.2'), baseUrl).call({ ...READ, wsdlService: 'Customers_Service', wsdlPort: 'Customers_Port12' }, { No: 'C-2' });
    expect(result).toEqual({ Customer: { No: 'C-2', Name: 'Dos' } });
    const post = seen.headers.find((h) => h['content-type']?.includes('soap+xml'))!;
    expect(post['content-type']).toContain('action="urn:test:customers:ReadCustomer"');
    expect(post.soapaction).toBeUndefined();
    expect(seen.bodies.at(-1)).toContain('http://www.w3.org/2003/05/soap-envelope');
  });

  it('the connection can switch a 1.1 profile to SOAP 1.2', async () => {
    const { baseUrl, seen } = await soapServer({}, { soap12: true });
    await caller(profile('1.1'), baseUrl, { type: 'none' }, { soapVersion: '1.2' }).call(READ, { No: 'X' });
    expect(seen.bodies.at(-1)).toContain('http://www.w3.org/2003/05/soap-envelope');
  });

  it('keeps xs:date, xs:dateTime without offset and xs:decimal as the exact strings', async () => {
    const { baseUrl } = await soapServer({
      read: () => ({ Customer: { No: '1', Name: 'N', Credit_Limit: '1234567.10', Since: '2024-02-29', Modified: '2024-03-31T23:30:00', Blocked: true } }),
    });
    const { result } = await caller(profile(), baseUrl).call(READ, { No: '1' });
    const c = (result as { Customer: Record<string, unknown> }).Customer;
    expect(c.Credit_Limit).toBe('1234567.10');
    expect(c.Since).toBe('2024-02-29');
    expect(c.Modified).toBe('2024-03-31T23:30:00');
    expect(c.Blocked).toBe(true);
  });

  it('reads xsi:nil as null', async () => {
    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(
        `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><ReadCustomerResponse xmlns="urn:test:customers"><Customer><No>1</No><Name>N</Name><Note xsi:nil="true"/></Customer></ReadCustomerResponse></soap:Body></soap:Envelope>`,
      );
    });
    const { result } = await caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl).call(READ, { No: '1' });
    expect((result as { Customer: Record<string, unknown> }).Customer).toEqual({ No: '1', Name: 'N', Note: null });
  });

  it('loads the WSDL once for many calls and many callers', async () => {
    const { baseUrl, seen } = await soapServer({});
    const p = profile();
    const a = caller(p, baseUrl);
    await Promise.all([a.call(READ, { No: '1' }), a.call(READ, { No: '2' })]);
    await a.call(READ, { No: '3' });
    await caller(p, baseUrl).call(READ, { No: '4' });
    expect(seen.wsdlGets).toBe(1);
    expect(seen.bodies.filter((b) => b.includes('ReadCustomer'))).toHaveLength(4);
  });

  it('loads a WSDL from inline XML and from a file relative to the profile dir', async () => {
    const { baseUrl } = await soapServer({});
    const inline = await caller(profile('1.1', WSDL.replace(/^<\?xml[^>]*>\s*/, '')), baseUrl).call(READ, { No: 'I' });
    const file = await caller(profile('1.1', 'customers.wsdl'), baseUrl).call(READ, { No: 'F' });
    expect(inline.result).toEqual({ Customer: { No: 'I', Name: 'Acme' } });
    expect(file.result).toEqual({ Customer: { No: 'F', Name: 'Acme' } });
  });

  it('names an unknown operation and lists the known ones', async () => {
    const { baseUrl } = await soapServer({});
    const err = await failure(caller(profile(), baseUrl).call({ service: 'customers', operation: 'ReadVendor' }, {}));
    expect(err.message).toContain('ReadVendor');
    expect(err.hint).toContain('ReadCustomer');
  });
});

describe('faults', () => {
  it('a SOAP 1.1 fault gives the reason and code, kind validation for Client faults', async () => {
    const { baseUrl } = await soapServer({
      read: () => {
        throw { Fault: { faultcode: 'soap:Client', faultstring: 'Customer 999 does not exist', detail: { info: 'KNA1 lookup failed' }, statusCode: 500 } };
      },
    });
    const err = await failure(caller(profile(), baseUrl).call(READ, { No: '999' }));
    expect(err.kind).toBe('validation');
    expect(err.message).toBe(`ReadCustomer on ${baseUrl}/ws/customers: Customer 999 does not exist (soap:Client)`);
    expect(err.details).toContain('KNA1 lookup failed');
  });

  it('a SOAP 1.2 fault gives Reason/Text and Code/Value with the Subcode, kind server for Receiver', async () => {
    const { baseUrl } = await soapServer(
      {
        read: () => {
          throw {
            Fault: {
              Code: { Value: 'soap:Receiver', Subcode: { Value: 'sap:RFC_ERROR' } },
              Reason: { Text: 'Function module BAPI_CUSTOMER_GETDETAIL2 dumped' },
              Detail: { Trace: 'ST22 short dump' },
              statusCode: 500,
            },
          };
        },
      },
      { soap12: true },
    );
    const err = await failure(caller(profile('1.2'), baseUrl).call(READ, { No: '1' }));
    expect(err.kind).toBe('server');
    expect(err.message).toBe(`ReadCustomer on ${baseUrl}/ws/customers: Function module BAPI_CUSTOMER_GETDETAIL2 dumped (soap:Receiver/sap:RFC_ERROR)`);
    expect(err.details).toContain('ST22 short dump');
  });

  it('a SOAP 1.2 Sender fault is a validation error', async () => {
    const { baseUrl } = await soapServer(
      {
        read: () => {
          throw { Fault: { Code: { Value: 'soap:Sender' }, Reason: { Text: 'Missing No' }, statusCode: 400 } };
        },
      },
      { soap12: true },
    );
    const err = await failure(caller(profile('1.2'), baseUrl).call(READ, {}));
    expect(err.kind).toBe('validation');
    expect(err.message).toContain('Missing No (soap:Sender)');
  });

  it('an HTML answer (proxy/login page) is a protocol error naming the URL and the page title', async () => {
    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in - Corporate Proxy</title></head><body><form>...</form></body></html>');
    });
    const err = await failure(caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/sap/bc/srt/rfc/sap/zcust'), baseUrl).call(READ, { No: '1' }));
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`${baseUrl}/sap/bc/srt/rfc/sap/zcust`);
    expect(err.message).toContain('Sign in - Corporate Proxy');
  });

  it('a refused connection is a transport error; an unreadable WSDL names its location without credentials', async () => {
    const dead = await rawServer(() => undefined);
    const deadUrl = dead.baseUrl;
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    const t = await failure(caller(profile('1.1', 'customers.wsdl', `${deadUrl}/ws`), deadUrl).call(READ, { No: '1' }));
    expect(t.kind).toBe('transport');
    expect(t.message).toContain('ECONNREFUSED');

    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not here');
    });
    const withCreds = baseUrl.replace('http://', 'http://wsdluser:Wsdl-Pa55word@');
    const w = await failure(caller(profile('1.1', `${withCreds}/missing?wsdl`), baseUrl, { type: 'basic', username: 'u', password: 'Wsdl-Pa55word' }).call(READ, {}));
    expect(w.message).toContain(`loading the WSDL ${baseUrl}/missing?wsdl`);
    expect(w.message).toContain('HTTP 404');
    expect(w.message).not.toContain('Wsdl-Pa55word');
    const missing = await failure(caller(profile('1.1', 'nope.wsdl'), baseUrl).call(READ, {}));
    expect(missing.message).toContain(join(FIXTURES, 'nope.wsdl'));
  });

  it('a hung server ends as a timeout within the configured time', async () => {
    const { baseUrl } = await rawServer(() => undefined); // never answers
    const started = Date.now();
    const err = await failure(caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl, { type: 'none' }, { timeoutMs: 300 }).call(READ, { No: '1' }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`ReadCustomer on ${baseUrl}/ws: no answer within 300 ms`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a server that drips bytes forever ends as a timeout at the deadline, not when it stops', async () => {
    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      const drip = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    const err = await failure(caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl, { type: 'none' }, { timeoutMs: 400 }).call(READ, { No: '1' }));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('an XML answer that is not a SOAP envelope is a protocol error, never an empty result', async () => {
    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end('<?xml version="1.0"?><notsoap/>');
    });
    const err = await failure(caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl).call(READ, { No: '1' }));
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`ReadCustomer on ${baseUrl}/ws: answered a non-SOAP answer`);
  });

  it('never shows the Base64 form of basic credentials a server echoes back', async () => {
    const { baseUrl } = await rawServer((req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/xml' });
      res.end(
        `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>bad request with auth=${req.headers.authorization}</faultstring></soap:Fault></soap:Body></soap:Envelope>`,
      );
    });
    const err = await failure(caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl, { type: 'basic', username: 'CESCE_RFC', password: 'demo-sap-password' }).call(READ, { No: '1' }));
    expect(err.message).toContain('auth=Basic');
    expect(err.message).not.toContain(Buffer.from('CESCE_RFC:demo-sap-password').toString('base64'));
  });

  it('a hung WSDL download ends as a timeout too', async () => {
    const { baseUrl } = await rawServer(() => undefined);
    const err = await failure(caller(profile(), baseUrl, { type: 'none' }, { timeoutMs: 300 }).call(READ, {}));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain(`loading the WSDL ${baseUrl}/ws/customers?wsdl`);
  });
});

describe('charset', () => {
  const latin1Answer = (withDecl: boolean): Buffer =>
    Buffer.from(
      `${withDecl ? '<?xml version="1.0" encoding="ISO-8859-1"?>' : ''}<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ReadCustomerResponse xmlns="urn:test:customers"><Customer><No>1</No><Name>Peña Ibáñez, S.L.</Name></Customer></ReadCustomerResponse></soap:Body></soap:Envelope>`,
      'latin1',
    );
  const name = (r: { result: unknown }): unknown => (r.result as { Customer: { Name: unknown } }).Customer.Name;

  it('decodes an ISO-8859-1 answer declared in Content-Type', async () => {
    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=ISO-8859-1' });
      res.end(latin1Answer(false));
    });
    expect(name(await caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl).call(READ, { No: '1' }))).toBe('Peña Ibáñez, S.L.');
  });

  it('decodes by the XML declaration when Content-Type has no charset', async () => {
    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(latin1Answer(true));
    });
    expect(name(await caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl).call(READ, { No: '1' }))).toBe('Peña Ibáñez, S.L.');
  });

  it('reads Latin-1 bytes as ISO-8859-1 when nothing is declared and no encoding is configured (they are not valid UTF-8)', async () => {
    const { baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(latin1Answer(false));
    });
    expect(name(await caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl).call(READ, { No: '1' }))).toBe('Peña Ibáñez, S.L.');
  });

  it('uses connection.encoding when nothing is declared, or when the server wrongly declares UTF-8', async () => {
    const { baseUrl } = await rawServer((req, res) => {
      res.writeHead(200, { 'Content-Type': req.url?.endsWith('wrong') ? 'text/xml; charset=utf-8' : 'text/xml' });
      res.end(latin1Answer(false));
    });
    const plain = caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws'), baseUrl, { type: 'none' }, { encoding: 'iso-8859-1' });
    expect(name(await plain.call(READ, { No: '1' }))).toBe('Peña Ibáñez, S.L.');
    const wrong = caller(profile('1.1', 'customers.wsdl', '{{baseUrl}}/ws/wrong'), baseUrl, { type: 'none' }, { encoding: 'iso-8859-1' });
    expect(name(await wrong.call(READ, { No: '1' }))).toBe('Peña Ibáñez, S.L.');
  });

  it('reads UTF-8 answers as UTF-8', async () => {
    const { baseUrl } = await soapServer({ read: () => ({ Customer: { No: '1', Name: 'Peña Ibáñez, S.L.' } }) });
    expect(name(await caller(profile(), baseUrl).call(READ, { No: '1' }))).toBe('Peña Ibáñez, S.L.');
  });
});

describe('authentication', () => {
  const basicOk = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.headers.authorization === `Basic ${Buffer.from('RFC_USER:Init-1234!').toString('base64')}`) return true;
    res.statusCode = 401;
    res.setHeader('WWW-Authenticate', 'Basic realm="SAP NetWeaver Application Server"');
    return false;
  };

  it('basic auth: accepted with the right password (WSDL download included), refused as access-denied without the password in the message', async () => {
    const { baseUrl } = await soapServer({}, { authorize: basicOk });
    const ok = await caller(profile(), baseUrl, { type: 'basic', username: 'RFC_USER', password: 'Init-1234!' }).call(READ, { No: '1' });
    expect(ok.result).toEqual({ Customer: { No: '1', Name: 'Acme' } });

    const refused = await failure(caller(profile('1.1', 'customers.wsdl'), baseUrl, { type: 'basic', username: 'RFC_USER', password: 'Wrong-9876!' }).call(READ, { No: '1' }));
    expect(refused.kind).toBe('access-denied');
    expect(refused.message).toContain(`ReadCustomer on ${baseUrl}/ws/customers`);
    expect(refused.message).toContain('401');
    expect(`${refused.message} ${refused.details} ${refused.hint}`).not.toContain('Wrong-9876!');

    const other = await soapServer({}, { authorize: basicOk }); // a WSDL not loaded yet
    const wsdlRefused = await failure(caller(profile(), other.baseUrl, { type: 'basic', username: 'RFC_USER', password: 'Wrong-9876!' }).call(READ, {}));
    expect(wsdlRefused.kind).toBe('access-denied');
    expect(wsdlRefused.message).toContain('loading the WSDL');
  });

  it('WS-Security PasswordText without timestamp: the server sees the token and no Timestamp', async () => {
    const tokens: any[] = [];
    const { baseUrl } = await soapServer({
      read: (_args, headers) => {
        const security = headers?.Security as Record<string, unknown> | undefined;
        if (security?.Timestamp) throw { Fault: { faultcode: 'wsse:InvalidSecurity', faultstring: 'Timestamp not accepted with PasswordText', statusCode: 500 } };
        tokens.push(security?.UsernameToken);
        return { Customer: { No: '1', Name: 'ok' } };
      },
    });
    await caller(profile(), baseUrl, { type: 'wsse', username: 'nav', password: 'Nav-Secret-1', timestamp: false }).call(READ, { No: '1' });
    expect(tokens[0].Username).toBe('nav');
    expect(tokens[0].Password.$value).toBe('Nav-Secret-1');
    expect(tokens[0].Password.attributes.Type).toMatch(/#PasswordText$/);
    expect(tokens[0].Nonce).toBeUndefined();

    // with the default (timestamp on) the same server refuses: access-denied, message without the password
    const err = await failure(caller(profile(), baseUrl, { type: 'wsse', username: 'nav', password: 'Nav-Secret-1' }).call(READ, { No: '1' }));
    expect(err.kind).toBe('access-denied');
    expect(err.message).toContain('Timestamp not accepted with PasswordText (wsse:InvalidSecurity)');
  });

  it('WS-Security PasswordDigest is checked by the server with soap.passwordDigest', async () => {
    const authenticate = (security: any): boolean => {
      const token = security?.UsernameToken;
      if (!token || token.Username !== 'digest-user') return false;
      return soap.passwordDigest(token.Nonce.$value, token.Created, 'Digest-Pass-7') === token.Password.$value;
    };
    const { baseUrl, seen } = await soapServer({}, { authenticate });
    const ok = await caller(profile(), baseUrl, { type: 'wsse', username: 'digest-user', password: 'Digest-Pass-7', passwordType: 'PasswordDigest' }).call(READ, { No: '1' });
    expect(ok.result).toEqual({ Customer: { No: '1', Name: 'Acme' } });
    expect(seen.bodies.at(-1)).not.toContain('Digest-Pass-7');
    const bad = await failure(caller(profile(), baseUrl, { type: 'wsse', username: 'digest-user', password: 'Other-Pass-8', passwordType: 'PasswordDigest' }).call(READ, { No: '1' }));
    expect(bad.kind).toBe('access-denied');
    expect(bad.message).toContain('Invalid username or password');
    expect(bad.message).not.toContain('Other-Pass-8');
  });

  it('bearer token in the Authorization header; a server echoing the token in a fault does not leak it', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.payload.signature-xyz';
    const { baseUrl, seen } = await soapServer({
      read: (args) => {
        if (args.No === 'echo') throw { Fault: { faultcode: 'soap:Server', faultstring: `token ${token} expired`, statusCode: 500 } };
        return { Customer: { No: '1', Name: 'ok' } };
      },
    });
    const c = caller(profile(), baseUrl, { type: 'bearer', token });
    await c.call(READ, { No: '1' });
    expect(seen.headers.at(-1)?.authorization).toBe(`Bearer ${token}`);
    const err = await failure(c.call(READ, { No: 'echo' }));
    expect(err.kind).toBe('server');
    expect(err.message).not.toContain(token);
    expect(err.message).toContain('[REDACTED]');
  });

  it('NTLM: negotiates (Type 1), answers the server challenge with a Type 3 carrying user and domain, then calls', async () => {
    // Type 2 challenge: signature, type 2, empty target name, flags UNICODE|NTLM|NTLM2_KEY|TARGET_INFO,
    // an 8-byte challenge and target info (DOMAIN "CORP", terminator)
    const info = Buffer.concat([Buffer.from([2, 0, 8, 0]), Buffer.from('CORP', 'utf16le'), Buffer.alloc(4)]);
    const type2 = Buffer.alloc(48 + info.length);
    type2.write('NTLMSSP\0', 0, 'latin1');
    type2.writeUInt32LE(2, 8);
    type2.writeUInt32LE(48, 16);
    type2.writeUInt32LE(0x00880201, 20);
    Buffer.from('0123456789abcdef', 'hex').copy(type2, 24);
    type2.writeUInt16LE(info.length, 40);
    type2.writeUInt16LE(info.length, 42);
    type2.writeUInt32LE(48, 44);
    info.copy(type2, 48);
    const seenTypes: number[] = [];
    const type3s: { user: string; domain: string; raw: string }[] = [];
    const str = (msg: Buffer, at: number): string => msg.toString('utf16le', msg.readUInt32LE(at + 4), msg.readUInt32LE(at + 4) + msg.readUInt16LE(at));
    const { baseUrl } = await rawServer((req, res) => {
      const auth = req.headers.authorization;
      const msg = auth?.startsWith('NTLM ') ? Buffer.from(auth.slice(5), 'base64') : undefined;
      const type = msg && msg.subarray(0, 8).toString('latin1') === 'NTLMSSP\0' ? msg.readUInt32LE(8) : 0;
      seenTypes.push(type);
      if (type === 1) {
        res.writeHead(401, { 'WWW-Authenticate': `NTLM ${type2.toString('base64')}` });
        return res.end();
      }
      if (type === 3 && msg) {
        const t3 = { user: str(msg, 36), domain: str(msg, 28), raw: msg.toString('latin1') + msg.toString('utf16le') };
        type3s.push(t3);
        if (t3.user === 'navuser' && t3.domain === 'CORP') {
          res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
          return res.end(
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ReadCustomerResponse xmlns="urn:test:customers"><Customer><No>10000</No><Name>NAV</Name></Customer></ReadCustomerResponse></s:Body></s:Envelope>',
          );
        }
      }
      res.writeHead(401, { 'WWW-Authenticate': 'NTLM' });
      res.end();
    });
    const p = profile('1.1', 'customers.wsdl', '{{baseUrl}}/DynamicsNAV/WS/CRONUS/Page/Customer');
    const ntlm = (domain: string): SoapAuth => ({ type: 'ntlm', username: 'navuser', password: 'Ntlm-Pass-3', domain });
    const { result } = await caller(p, baseUrl, ntlm('CORP'), { timeoutMs: 5000 }).call(READ, { No: '10000' });
    expect(result).toEqual({ Customer: { No: '10000', Name: 'NAV' } });
    expect(seenTypes).toEqual([0, 1, 3]);
    expect(type3s[0]).toMatchObject({ user: 'navuser', domain: 'CORP' });
    expect(type3s[0]!.raw).not.toContain('Ntlm-Pass-3');

    const err = await failure(caller(p, baseUrl, ntlm('OTHER'), { timeoutMs: 5000 }).call(READ, { No: '1' }));
    expect(err.kind).toBe('access-denied');
    expect(err.message).toContain('/DynamicsNAV/WS/CRONUS/Page/Customer');
    expect(err.message).not.toContain('Ntlm-Pass-3');
  });
});

describe('client certificate', () => {
  let dir: string | undefined;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  function makePki(): string | undefined {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch {
      return undefined;
    }
    const d = mkdtempSync(join(tmpdir(), 'soap-pki-'));
    const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: d, stdio: 'ignore' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Test CA');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1" > san.ext'], { cwd: d });
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
    run('req', '-newkey', 'rsa:2048', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=erp-client', '-passout', 'pass:Key-Pass-5');
    run('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '1');
    return d;
  }

  it('presents the client certificate (passphrase-protected key) for the WSDL and the calls; the server requires it', async () => {
    dir = makePki();
    if (!dir) {
      console.warn('openssl not available: client certificate test skipped');
      return;
    }
    const d = dir;
    const https = createHttpsServer({
      key: readFileSync(join(d, 'server.key')),
      cert: readFileSync(join(d, 'server.pem')),
      ca: readFileSync(join(d, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    });
    const peers: string[] = [];
    const port = { ReadCustomer: (args: { No: string }) => ({ Customer: { No: args.No, Name: 'TLS' } }) };
    soap.listen(https as unknown as Server, { path: '/ws/customers', services: { Customers_Service: { Customers_Port: port, Customers_Port12: port } }, xml: WSDL } as soap.IServerOptions);
    const baseUrl = `https://${await listen(https as unknown as Server)}`;
    await new Promise((r) => setTimeout(r, 20));
    https.prependListener('request', (req: IncomingMessage) => {
      const cert = (req.socket as TLSSocket).getPeerCertificate();
      peers.push(String(cert.subject?.CN));
    });
    const auth: SoapAuth = { type: 'certificate', certFile: join(d, 'client.pem'), keyFile: join(d, 'client.key'), passphrase: 'Key-Pass-5', caFile: join(d, 'ca.pem') };
    const { result } = await caller(profile(), baseUrl, auth).call(READ, { No: 'T1' });
    expect(result).toEqual({ Customer: { No: 'T1', Name: 'TLS' } });
    expect(peers.length).toBeGreaterThanOrEqual(2); // WSDL GET and the call
    expect(new Set(peers)).toEqual(new Set(['erp-client']));
  });
});
