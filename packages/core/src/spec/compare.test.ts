import { describe, expect, it } from 'vitest';
import { compareSpec, normalisePath, SpecDocumentError } from './compare.js';
import { ourOperations, type OurOperation } from './operations.js';

/** A tiny API of ours: one GET with a query parameter, one POST with a body. */
const OURS: OurOperation[] = [
  {
    id: 'sales.list',
    api: 'sales',
    method: 'GET',
    basePath: 'sales/v1',
    path: '/contracts/{contractNo}/sales',
    query: { type: 'object', properties: { pageNo: { type: 'integer' } }, required: [] },
    response: {
      type: 'object',
      properties: {
        sales: { anyOf: [{ type: 'array', items: { type: 'object', properties: { invoiceNo: { type: 'string' }, amount: { type: 'string' } }, required: ['invoiceNo'] } }, { type: 'null' }] },
      },
      required: ['sales'],
    },
  },
  {
    id: 'sales.create',
    api: 'sales',
    method: 'POST',
    basePath: 'sales/v1',
    path: '/contracts/{contractNo}/sales',
    request: {
      type: 'object',
      properties: { invoiceNo: { type: 'string' }, currencyCode: { type: 'string', enum: ['EUR', 'USD'] }, extensionInd: { type: 'string', enum: ['S', 'N'] } },
      required: ['invoiceNo'],
    },
    response: { type: 'object', properties: { saleCesceReferenceNo: { type: 'string' } }, required: ['saleCesceReferenceNo'] },
  },
  {
    id: 'claims.recoveries',
    api: 'claims',
    method: 'GET',
    basePath: 'claims/v1',
    path: '/contracts/{contractNo}/dossiers/{dossierNo}/recoveries',
    response: { type: 'object', properties: { total: { type: 'number' } }, required: [] },
  },
];
const SALES = OURS.filter((o) => o.api === 'sales');

function swagger(overrides: { createBody?: unknown; paths?: Record<string, unknown>; basePath?: string } = {}): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'API Sales for a customer', version: '1.0.0' },
    basePath: overrides.basePath ?? '/sales/v1',
    paths: overrides.paths ?? {
      '/contracts/{contractNo}/sales': {
        parameters: [{ name: 'contractNo', in: 'path', required: true, type: 'string' }],
        get: {
          operationId: 'salesList',
          parameters: [{ name: 'pageNo', in: 'query', type: 'integer' }],
          responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/SalesList' } } },
        },
        post: {
          parameters: [{ name: 'body', in: 'body', schema: overrides.createBody ?? { $ref: '#/definitions/Sale' } }],
          responses: { '201': { description: 'Created', schema: { type: 'object', required: ['saleCesceReferenceNo'], properties: { saleCesceReferenceNo: { type: 'string' } } } } },
        },
      },
    },
    definitions: {
      Sale: {
        type: 'object',
        required: ['invoiceNo'],
        properties: { invoiceNo: { type: 'string' }, currencyCode: { type: 'string', enum: ['EUR', 'USD'] }, extensionInd: { type: 'string', enum: ['S', 'N'] } },
      },
      SaleRecord: { type: 'object', required: ['invoiceNo'], properties: { invoiceNo: { type: 'string' }, amount: { type: 'string' } } },
      SalesList: { type: 'object', required: ['sales'], properties: { sales: { type: 'array', items: { $ref: '#/definitions/SaleRecord' } } } },
    },
  };
}

function openapi(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 'Sales', version: '1' },
    servers: [{ url: 'https://api.cesce.es/sandbox/sales/v1' }],
    paths: {
      '/contracts/{contractNo}/sales': {
        get: {
          parameters: [{ name: 'pageNo', in: 'query', schema: { type: 'integer' } }],
          responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/SalesList' } } } } },
        },
        post: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Sale' } } } },
          responses: {
            '201': {
              description: 'Created',
              content: { 'application/json': { schema: { type: 'object', required: ['saleCesceReferenceNo'], properties: { saleCesceReferenceNo: { type: 'string' } } } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Sale: {
          allOf: [
            { type: 'object', required: ['invoiceNo'], properties: { invoiceNo: { type: 'string' } } },
            { type: 'object', properties: { currencyCode: { type: 'string', enum: ['EUR', 'USD'] }, extensionInd: { type: 'string', enum: ['S', 'N'], nullable: true } } },
          ],
        },
        SalesList: {
          type: 'object',
          required: ['sales'],
          properties: { sales: { type: 'array', items: { type: 'object', required: ['invoiceNo'], properties: { invoiceNo: { type: 'string' }, amount: { type: 'string' } } } } },
        },
      },
    },
  };
}

function findingsOf(result: ReturnType<typeof compareSpec>, operation: string) {
  return result.operations.find((o) => o.operation === operation)?.findings ?? [];
}

describe('compareSpec', () => {
  it('finds nothing when a Swagger 2.0 document matches our schemas', () => {
    const r = compareSpec(swagger(), OURS);
    expect(r.format).toBe('swagger-2.0');
    expect(r.apis).toEqual(['sales']);
    expect(r.operations.map((o) => [o.operation, o.status])).toEqual([
      ['sales.list', 'same'],
      ['sales.create', 'same'],
    ]);
    expect(r.summary).toMatchObject({ same: 2, differences: 0, fieldFindings: 0 });
  });

  it('finds nothing when an OpenAPI 3 document (servers URL, allOf, $ref) matches', () => {
    const r = compareSpec(openapi(), OURS);
    expect(r.format).toBe('openapi-3');
    expect(r.summary).toMatchObject({ same: 2, differences: 0 });
  });

  it('reports a field only in the spec as missing on our side', () => {
    const doc = swagger({
      createBody: { type: 'object', required: ['invoiceNo'], properties: { invoiceNo: { type: 'string' }, currencyCode: { type: 'string', enum: ['EUR', 'USD'] }, extensionInd: { type: 'string', enum: ['S', 'N'] }, nonPaymentInd: { type: 'string' } } },
    });
    const f = findingsOf(compareSpec(doc, OURS), 'sales.create');
    expect(f).toEqual([{ kind: 'missing', location: 'request', field: 'nonPaymentInd', spec: { types: ['string'], required: false } }]);
  });

  it('reports a field only ours as extra (inferred)', () => {
    const doc = swagger({ createBody: { type: 'object', required: ['invoiceNo'], properties: { invoiceNo: { type: 'string' }, currencyCode: { type: 'string', enum: ['EUR', 'USD'] } } } });
    const f = findingsOf(compareSpec(doc, OURS), 'sales.create');
    expect(f).toEqual([{ kind: 'extra', location: 'request', field: 'extensionInd', ours: { types: ['string'], required: false, enum: ['N', 'S'] } }]);
  });

  it('reports required-ness, type and enum differences', () => {
    const doc = swagger({
      createBody: {
        type: 'object',
        required: ['invoiceNo', 'currencyCode'],
        properties: { invoiceNo: { type: 'integer' }, currencyCode: { type: 'string', enum: ['EUR', 'USD'] }, extensionInd: { type: 'string', enum: ['S', 'N', 'X'] } },
      },
    });
    const f = findingsOf(compareSpec(doc, OURS), 'sales.create');
    expect(f).toEqual([
      { kind: 'type', location: 'request', field: 'invoiceNo', spec: ['number'], ours: ['string'] },
      { kind: 'required', location: 'request', field: 'currencyCode', spec: true, ours: false },
      { kind: 'enum', location: 'request', field: 'extensionInd', spec: ['N', 'S', 'X'], ours: ['N', 'S'] },
    ]);
  });

  it('compares query parameters and nested response fields (arrays as [])', () => {
    const doc = swagger();
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    paths['/contracts/{contractNo}/sales']!.get!.parameters = [{ name: 'pageNo', in: 'query', type: 'string', required: true }, { name: 'invoiceMonth', in: 'query', type: 'string' }];
    (doc.definitions as Record<string, { properties: Record<string, unknown> }>).SaleRecord!.properties.amount = { type: 'number' };
    const f = findingsOf(compareSpec(doc, OURS), 'sales.list');
    expect(f).toEqual([
      { kind: 'required', location: 'query', field: 'pageNo', spec: true, ours: false },
      { kind: 'type', location: 'query', field: 'pageNo', spec: ['string'], ours: ['number'] },
      { kind: 'missing', location: 'query', field: 'invoiceMonth', spec: { types: ['string'], required: false } },
      { kind: 'type', location: 'response', field: 'sales[].amount', spec: ['number'], ours: ['string'] },
    ]);
  });

  it('reports operations only in the spec and only ours, within the API the document covers', () => {
    const doc = swagger({
      paths: {
        '/contracts/{contractNo}/sales': { get: { parameters: [{ name: 'pageNo', in: 'query', type: 'integer' }], responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/SalesList' } } } } },
        '/contracts/{contractNo}/invoices': { get: { operationId: 'invoices', responses: { '200': { description: 'OK' } } } },
      },
    });
    const r = compareSpec(doc, OURS);
    expect(r.operations.map((o) => [o.status, o.method, o.path, o.operation])).toEqual([
      ['same', 'GET', '/sales/v1/contracts/{contractNo}/sales', 'sales.list'],
      ['only-spec', 'GET', '/sales/v1/contracts/{contractNo}/invoices', undefined],
      ['only-ours', 'POST', '/sales/v1/contracts/{contractNo}/sales', 'sales.create'],
    ]);
    expect(r.summary).toMatchObject({ same: 1, onlyInSpec: 1, onlyOurs: 1, differences: 2 });
  });

  it('tolerates the published Claims oddities (stray space, missing slash, other parameter names)', () => {
    const doc = {
      swagger: '2.0',
      info: { title: 'Claims', version: '1.0.1' },
      paths: { '/contracts/{contract}/ dossiers{dossier}/recoveries': { get: { responses: { '200': { description: 'OK', schema: { type: 'object', properties: { total: { type: 'number' } } } } } } } },
    };
    const r = compareSpec(doc, OURS);
    expect(r.operations).toHaveLength(1);
    expect(r.operations[0]).toMatchObject({ status: 'same', operation: 'claims.recoveries' });
    expect(normalisePath('/contracts/{contractNo}/ dossiers{dossierNo}/')).toBe('/contracts/{}/dossiers/{}');
  });

  it('reports a published base path that differs from ours', () => {
    const r = compareSpec(swagger({ basePath: '/cesceapiconnect/sandbox/sales-api/v2' }), SALES);
    expect(r.operations[0]).toMatchObject({ status: 'differs', basePath: { spec: '/cesceapiconnect/sandbox/sales-api/v2', ours: '/sales/v1' } });
    const ok = compareSpec(swagger({ basePath: '/cesceapiconnect/sandbox/sales/v1' }), SALES);
    expect(ok.summary.differences).toBe(0);
  });

  it('with --api, lists every operation of that API the spec lacks', () => {
    const r = compareSpec({ swagger: '2.0', info: { title: 'x', version: '1' }, paths: {} }, OURS, { api: 'claims' });
    expect(r.operations.map((o) => [o.status, o.operation])).toEqual([['only-ours', 'claims.recoveries']]);
  });

  it('skips a response without a schema and a free-form body, but reports a body the spec does not have', () => {
    const doc = swagger({
      paths: {
        '/contracts/{contractNo}/sales': {
          get: { parameters: [{ name: 'pageNo', in: 'query', type: 'integer' }], responses: { '200': { description: 'OK' } } },
          post: { parameters: [{ name: 'body', in: 'body', schema: { type: 'object' } }], responses: { '201': { description: 'Created' } } },
        },
      },
    });
    expect(compareSpec(doc, OURS).summary).toMatchObject({ same: 2, differences: 0 });
    const noBody = swagger({ paths: { '/contracts/{contractNo}/sales': { post: { responses: { '201': { description: 'Created' } } } } } });
    expect(findingsOf(compareSpec(noBody, SALES), 'sales.create').map((f) => [f.kind, f.field])).toEqual([
      ['extra', 'invoiceNo'],
      ['extra', 'currencyCode'],
      ['extra', 'extensionInd'],
    ]);
  });

  it('rejects documents that are not Swagger 2.0 / OpenAPI 3', () => {
    expect(() => compareSpec([], OURS)).toThrow(SpecDocumentError);
    expect(() => compareSpec({ info: {} }, OURS)).toThrow(/no "swagger" or "openapi" field/);
    expect(() => compareSpec({ swagger: '1.2', paths: {} }, OURS)).toThrow(/unsupported swagger version/);
    expect(() => compareSpec({ openapi: '3.1.0' }, OURS)).toThrow(/no "paths" object/);
  });
});

describe('ourOperations', () => {
  it('builds JSON Schemas for every operation from the zod schemas', () => {
    const ops = ourOperations();
    expect(ops.length).toBe(30);
    const create = ops.find((o) => o.id === 'sales.create')!;
    expect(create).toMatchObject({ method: 'POST', basePath: 'sales/v1', path: '/contracts/{contractNo}/sales' });
    expect(create.request).toMatchObject({ type: 'object' });
    expect(Object.keys((create.request as { properties: object }).properties)).toContain('invoiceNo');
    const movements = ops.find((o) => o.id === 'movements.list')!;
    expect(movements.basePath).toBe('portfolio-movements/v1');
    expect(Object.keys((movements.query as { properties: object }).properties)).toEqual(['languageCode', 'nextEndorsementNo']);
  });

  it('matches a document generated from our own schemas with no findings', () => {
    const ops = ourOperations();
    const paths: Record<string, Record<string, unknown>> = {};
    for (const o of ops) {
      const query = o.query as { properties?: Record<string, unknown>; required?: string[] } | undefined;
      paths[`/${o.basePath}${o.path}`] ??= {};
      paths[`/${o.basePath}${o.path}`]![o.method.toLowerCase()] = {
        parameters: Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema })),
        ...(o.request ? { requestBody: { content: { 'application/json': { schema: o.request } } } } : {}),
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: o.response } } } },
      };
    }
    const r = compareSpec({ openapi: '3.1.0', info: { title: 'all', version: '1' }, paths }, ops);
    expect(r.summary).toMatchObject({ same: ops.length, differences: 0, fieldFindings: 0 });
  });
});
