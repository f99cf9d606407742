/**
 * A tiny node:http server for the core tests (not exported from the package): every request is
 * recorded with its parsed URL and body, token requests are answered, and the rest goes to the
 * test's handler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CesceClient, type CesceClientOptions } from '../client.js';

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export type Handler = (req: Recorded, res: ServerResponse, raw: IncomingMessage) => void;

export interface Loopback {
  url: string;
  requests: Recorded[];
  client(extra?: Partial<CesceClientOptions>): CesceClient;
  close(): Promise<void>;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function loopback(handler: Handler): Promise<Loopback> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/oauth2/v1/token') return json(res, 200, { access_token: 'tok', token_type: 'Bearer', expires_in: 3600 });
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const rec: Recorded = { method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), body };
      requests.push(rec);
      handler(rec, res, req);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    client: (extra = {}) =>
      new CesceClient({
        environment: 'sandbox',
        baseUrl: url,
        contractNo: '34109150331',
        credentials: { clientId: 'id', clientSecret: 'secret' },
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        ...extra,
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
