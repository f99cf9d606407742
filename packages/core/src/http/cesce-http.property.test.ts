/**
 * Cesce response parsers (property-based): whatever Cesce — or a gateway in front of it — answers
 * (any text, truncated JSON, bodies over the size limit, bodies cut off mid-way, JSON of any
 * shape), the client ends with a typed error naming the problem or a parsed value; never a crash,
 * an untyped error or an unhandled rejection. Checked on the parsers themselves and end to end
 * over real HTTP on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import { CesceClient } from '../client.js';
import { CesceConnectError } from '../errors.js';
import { interpretBody, readBodyText, readErrorBody } from './cesce-http.js';
import * as claims from '../domains/claims/schemas.js';
import * as classifications from '../domains/classifications/schemas.js';
import * as collections from '../domains/collections/schemas.js';
import * as financial from '../domains/financial/schemas.js';
import * as movements from '../domains/movements/schemas.js';
import * as sales from '../domains/sales/schemas.js';

const RESPONSE_SCHEMAS = Object.entries({ ...claims, ...classifications, ...collections, ...financial, ...movements, ...sales }).filter(
  ([name]) => name.endsWith('ResponseSchema'),
) as [string, z.ZodType][];

const validSale = {
  saleCesceReferenceNo: '900',
  endorsementNo: '7',
  invoiceNo: 'INV/1',
  invoiceDate: '20261001',
  dueDate: '20261130',
  amount: '121,00',
  currencyCode: 'EUR',
};
const validDebtor = { requestNo: '7', endorsementNo: '7', countryCode: 'ES', taxCode: 'B65410011', statusCode: '2' };
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const contentType = fc.constantFrom(null, 'application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', 'text/xml', '');

/** A JSON object's text cut somewhere inside. */
const truncatedObject = fc
  .tuple(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([value, at]) => {
    const text = JSON.stringify(value);
    return text.slice(0, 1 + Math.floor(at * (text.length - 2)));
  });

describe('response parsers (properties)', () => {
  it('interpretBody: any text is empty, JSON, or a bad body with its problem; never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.jsonValue().map((v) => JSON.stringify(v)), truncatedObject), contentType, fc.boolean(), (text, type, quoteText) => {
        const got = interpretBody(text, type, { quoteText });
        let parses = true;
        try {
          JSON.parse(text.trim());
        } catch {
          parses = false;
        }
        if (text.trim() === '') expect(got.kind).toBe('empty');
        else if (parses) expect(got).toEqual({ kind: 'json', value: JSON.parse(text.trim()) });
        else {
          expect(got.kind).toBe('bad');
          if (got.kind === 'bad') {
            expect(['html', 'truncated', 'not-json']).toContain(got.problem);
            expect(got.detail.length).toBeGreaterThan(0);
            // A quoted sample is short: a body of megabytes never ends up in a message.
            expect(got.detail.length).toBeLessThan(400);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('interpretBody: a JSON object cut off anywhere is reported as truncated', () => {
    fc.assert(
      // (a body labelled text/html is reported as an HTML page, whatever it holds)
      fc.property(truncatedObject, fc.constantFrom(null, 'application/json', 'text/plain', ''), (text, type) => {
        fc.pre(!/^\s*$/.test(text));
        const got = interpretBody(text, type);
        expect(got).toMatchObject({ kind: 'bad', problem: 'truncated' });
      }),
      { numRuns: 300 },
    );
  });

  it('interpretBody: with quoteText false (the token endpoint) no part of the body shows in the detail', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (tail) => {
        const text = `access_token=Sk-${tail}`;
        const got = interpretBody(text, 'text/plain', { quoteText: false });
        expect(got.kind).toBe('bad');
        if (got.kind === 'bad') expect(got.detail).not.toContain('Sk-');
      }),
      { numRuns: 200 },
    );
  });

  it('readErrorBody: any JSON gives a code (text or none) and a message; never a throw', () => {
    const errorShaped = fc.record(
      {
        error: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ errorCode: fc.jsonValue({ maxDepth: 1 }), errorDescription: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })),
        error_description: fc.jsonValue({ maxDepth: 1 }),
        httpCode: fc.jsonValue({ maxDepth: 1 }),
        httpMessage: fc.jsonValue({ maxDepth: 1 }),
        moreInformation: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), errorShaped), (body) => {
        const r = readErrorBody(body, 'Bad Request');
        expect(r.code === undefined || typeof r.code === 'string').toBe(true);
        expect(typeof r.message).toBe('string');
        expect(r.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('every response schema takes any JSON without throwing, and names the path of what it refuses', () => {
    expect(RESPONSE_SCHEMAS.length).toBeGreaterThan(20);
    fc.assert(
      fc.property(fc.constantFrom(...RESPONSE_SCHEMAS), fc.jsonValue({ maxDepth: 3 }), ([, schema], body) => {
        const r = schema.safeParse(body);
        if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
    // One field of a valid sale replaced by any JSON: accepted, or refused at that field.
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(validSale)), fc.jsonValue({ maxDepth: 1 }), (key, value) => {
        const r = sales.saleConsultResponseSchema.safeParse({ sale: { ...validSale, [key]: value } });
        if (!r.success) for (const issue of r.error.issues) expect(issue.path.slice(0, 2)).toEqual(['sale', key]);
      }),
      { numRuns: 300 },
    );
  });

  it('readBodyText: a body over the limit is too-large, a broken one interrupted, anything else read whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 600 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.boolean(),
        async (chunks, maxBytes, breaks) => {
          const total = chunks.reduce((n, c) => n + c.byteLength, 0);
          let i = 0;
          const stream = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (i < chunks.length) controller.enqueue(chunks[i++]!);
              else if (breaks) controller.error(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
              else controller.close();
            },
          });
          const read = await readBodyText(new Response(stream), { maxBytes });
          let seen = 0;
          let over = false;
          for (const c of chunks) {
            seen += c.byteLength;
            if (seen > maxBytes) over = true;
          }
          if (over) expect(read).toMatchObject({ ok: false, problem: 'too-large' });
          else if (breaks) expect(read).toMatchObject({ ok: false, problem: 'interrupted', bytes: total });
          else expect(read).toEqual({ ok: true, text: new TextDecoder().decode(Buffer.concat(chunks)), bytes: total });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the client over real HTTP (property)', () => {
  let server: Server;
  let baseUrl: string;
  let answer: { status: number; type: string | null; body: string; cut: boolean } = { status: 200, type: null, body: '', cut: false };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (new URL(req.url ?? '/', 'http://x').pathname === '/oauth2/v1/token') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
          return;
        }
        const headers: Record<string, string> = answer.type ? { 'content-type': answer.type } : {};
        if (answer.cut) {
          // Announce more than is sent, then break the connection.
          res.writeHead(answer.status, { ...headers, 'content-length': String(Buffer.byteLength(answer.body) + 100) });
          res.write(answer.body);
          setTimeout(() => res.socket?.destroy(), 5);
          return;
        }
        res.writeHead(answer.status, headers).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await new Promise((r) => setTimeout(r, 50));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  const digits8 = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }).map((d) => d.join(''));
  const jsonish = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.record({ sale: fc.record({ ...Object.fromEntries(Object.keys(validSale).map((k) => [k, fc.oneof(fc.constant((validSale as Record<string, string>)[k]), fc.jsonValue({ maxDepth: 1 }), fc.string({ maxLength: 10 }), digits8, fc.constant('1.234,5'))])) }) }).map((v) => JSON.stringify(v)),
    fc.record({ debtor: fc.array(fc.record({ ...Object.fromEntries(Object.keys(validDebtor).map((k) => [k, fc.oneof(fc.constant((validDebtor as Record<string, string>)[k]), fc.jsonValue({ maxDepth: 1 }))])) }), { maxLength: 2 }) }).map((v) => JSON.stringify(v)),
    fc.string(),
  );

  it('a 200 sale whose dates or amounts are well-formed but impossible is a typed error too', async () => {
    const client = new CesceClient({
      environment: 'sandbox',
      baseUrl,
      contractNo: '34109150331',
      credentials: { clientId: 'id', clientSecret: 'secret-value-123' },
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('invoiceDate', 'dueDate', 'declarationDate', 'modificationDate'), digits8, async (field, value) => {
        answer = { status: 200, type: 'application/json', body: JSON.stringify({ sale: { ...validSale, [field]: value } }), cut: false };
        const outcome = await client.sales.consult('900').then(
          (sale) => ({ sale }),
          (error: unknown) => ({ error }),
        );
        if ('error' in outcome) {
          expect(outcome.error, String((outcome.error as Error)?.stack)).toBeInstanceOf(CesceConnectError);
          expect((outcome.error as Error).message).toContain(field);
        } else {
          expect(Object.values(outcome.sale)).toContain(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('any answer to a GET ends in a parsed value or a typed CesceConnectError', async () => {
    const client = new CesceClient({
      environment: 'sandbox',
      baseUrl,
      contractNo: '34109150331',
      credentials: { clientId: 'id', clientSecret: 'secret-value-123' },
      retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 2 },
      timeoutMs: 2000,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 200, 200, 400, 404, 422, 500, 502),
        contentType,
        jsonish,
        fc.boolean(),
        fc.constantFrom('sales.consult', 'classifications.query'),
        async (status, type, body, cutRaw, operation) => {
          answer = { status, type, body, cut: cutRaw && body.length > 0 };
          const outcome = await (operation === 'sales.consult'
            ? client.sales.consult('900')
            : client.classifications.query({ taxCode: 'B65410011', countryCode: 'ES' })
          ).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if ('error' in outcome) {
            expect(outcome.error, String((outcome.error as Error)?.stack)).toBeInstanceOf(CesceConnectError);
            const message = (outcome.error as Error).message;
            expect(message).toContain(`Cesce ${operation}`);
            expect(message).not.toContain('secret-value-123');
          } else {
            // Only a well-formed success answer is ever accepted.
            expect(status).toBe(200);
            expect(answer.cut).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
