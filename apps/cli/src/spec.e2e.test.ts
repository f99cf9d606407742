/**
 * End-to-end tests of `cesce spec check`: the built CLI (apps/cli/dist/cesce.js) runs as its own
 * process. (`pnpm test` builds first; run `pnpm build` before running this file alone.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ourOperations } from '@cesce-connect/core';
import { runCli } from './test-support.js';


const cesce = (args: string[]) => runCli(args);

/** An OpenAPI 3 document of our own Movements operation, exactly as our schemas describe it. */
function movementsDocument(): Record<string, unknown> {
  const op = ourOperations().find((o) => o.id === 'movements.list')!;
  const query = op.query as { properties: Record<string, unknown> };
  return {
    openapi: '3.0.3',
    info: { title: 'Portfolio Movements', version: '1.0.3' },
    servers: [{ url: 'https://api-qun.eu-central-a.apiconnect.ibmappdomain.cloud/cesceapiconnect/sandbox/portfolio-movements/v1' }],
    paths: {
      '/contracts/{contractNo}/movements': {
        get: {
          parameters: Object.entries(query.properties).map(([name, schema]) => ({ name, in: 'query', schema })),
          responses: { '200': { description: 'OK', content: { 'application/json': { schema: op.response } } } },
        },
      },
    },
  };
}

const SWAGGER_YAML = `swagger: "2.0"
info:
  title: API Sales for a customer
  version: 1.0.0
basePath: /sales/v1
paths:
  /contracts/{contractNo}/subsidiaries:
    get:
      responses:
        "200":
          description: OK
          schema:
            type: object
            properties:
              subsidiaryList:
                type: array
                items: { type: object }
  /contracts/{contractNo}/invoices:
    get:
      operationId: invoicesList
      responses: { "200": { description: OK } }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-spec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('cesce spec check', () => {
  it('exits 0 and prints ✓ when the document matches our schemas', async () => {
    const file = join(dir, 'movements.json');
    writeFileSync(file, JSON.stringify(movementsDocument()));
    const r = await cesce(['spec', 'check', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ GET \/cesceapiconnect\/sandbox\/portfolio-movements\/v1\/contracts\/\{contractNo\}\/movements\s+movements\.list/);
    expect(r.stdout).toContain('1 same, 0 differ, 0 only in the spec, 0 only ours');
  });

  it('exits 2 and reports differences of a YAML Swagger 2.0 document, also as JSON', async () => {
    const file = join(dir, 'sales.yaml');
    writeFileSync(file, SWAGGER_YAML);
    const text = await cesce(['spec', 'check', file]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('+ GET /sales/v1/contracts/{contractNo}/invoices');
    expect(text.stdout).toContain('− GET /sales/v1/contracts/{contractNo}/sales');
    expect(text.stdout).toMatch(/\+ response subsidiaryList: only in the spec/);
    expect(text.stdout).toMatch(/− response subsidiaries: only ours/);

    const json = await cesce(['spec', 'check', file, '--json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as { ok: boolean; apis: string[]; summary: Record<string, number>; operations: { status: string; operation?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.apis).toEqual(['sales']);
    expect(report.summary).toMatchObject({ same: 0, differs: 1, onlyInSpec: 1, onlyOurs: 4 });
    expect(report.operations.find((o) => o.operation === 'sales.subsidiaries')?.status).toBe('differs');
  });

  it('with --api, compares with that API only', async () => {
    const file = join(dir, 'empty.json');
    writeFileSync(file, JSON.stringify({ swagger: '2.0', info: { title: 'Claims', version: '1.0.1' }, paths: {} }));
    const r = await cesce(['spec', 'check', file, '--api', 'claims', '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { summary: { onlyOurs: number } };
    expect(report.summary.onlyOurs).toBe(ourOperations().filter((o) => o.api === 'claims').length);
  });

  it('exits 1 with a message naming the file on an unreadable or invalid document', async () => {
    const missing = join(dir, 'missing.json');
    let r = await cesce(['spec', 'check', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cesce spec check: ${missing}: no such file\n`);

    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, '{"swagger": "2.0", "paths": {');
    r = await cesce(['spec', 'check', truncated]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${truncated}: is not valid JSON`);

    const notSpec = join(dir, 'not-a-spec.yaml');
    writeFileSync(notSpec, 'name: something else\n');
    r = await cesce(['spec', 'check', notSpec, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: { code: 'invalid-spec', file: notSpec, message: 'not an OpenAPI/Swagger document: no "swagger" or "openapi" field' },
    });
  });

  it('documents itself in --help', async () => {
    const r = await cesce(['spec', 'check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toContain('$ cesce spec check sales-swagger.json');
  });
});
