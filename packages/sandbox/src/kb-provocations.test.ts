import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_ENTRIES, KNOWLEDGE_BASE, matchKnowledgeBase, type KnowledgeBaseEntry } from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import {
  APPS,
  C,
  call,
  claimsPath,
  classificationOpPath,
  classificationsPath,
  faultFlagData,
  financialPath,
  getToken,
  postForm,
  saleBody,
  salePath,
  salesPath,
  start,
  subsidiariesPath,
  type HttpResult,
} from './test-support.js';

/**
 * Every knowledge-base entry (generic ones included) is provoked over real HTTP by a documented
 * input (packages/sandbox/README.md, "Provoking every knowledge-base entry"), and the error the
 * emulator answers must resolve, through core's matchKnowledgeBase, to that entry's id.
 */

type Env = 'sandbox' | 'pre';
interface Provocation {
  /** The input, as in the README table. */
  input: string;
  operation?: string;
  environment?: Env;
  run: () => Promise<HttpResult>;
  /** HTTP status answered, when not the entry's own. */
  status?: number;
  /**
   * For a generic entry that a catch-all entry of the same status always answers first: the
   * provocation is an unrecognised error of that status, and it must resolve to this entry.
   */
  shadowedBy?: string;
}

let emu: CesceEmulator;
let pre: CesceEmulator;
let flags: CesceEmulator;
let rateLimited: CesceEmulator;
let flaky: CesceEmulator;
let failing: CesceEmulator;
let broken: CesceEmulator;
let token: string;
let noSalesToken: string;
const tokens = new Map<CesceEmulator, string>();

const FIXED_CLOCK = Date.parse('2026-05-15T10:00:00Z');

beforeAll(async () => {
  emu = await start();
  pre = await start({ environment: 'pre' });
  flags = await start({ data: faultFlagData() });
  rateLimited = await start({ clock: () => FIXED_CLOCK, faults: { rateLimit: { requests: 2, perSeconds: 60, retryAfterSeconds: 30 } } });
  flaky = await start({ faults: { status5xxRate: 0.5 } });
  failing = await start({
    faults: {
      failOperations: {
        'sales.subsidiaries': { status: 401, code: 'AUT009', message: 'Acceso denegado.' },
        'sales.consult': { status: 403, code: 'AUT010', message: 'Prohibido.' },
        'claims.settlements': { status: 404, code: 'GEN404', message: 'Sin datos.' },
        'claims.documents': { status: 422, code: 'GEN422', message: 'Petición no procesable.' },
        'claims.dossiers': { status: 501, body: 'gateway', message: 'Not Implemented' },
      },
    },
  });
  broken = await start({ now: () => 'not-a-date' });
  token = await getToken(emu);
  noSalesToken = await getToken(emu, APPS.noSales, 'read create');
  for (const e of [flags, flaky, failing, broken]) tokens.set(e, await getToken(e));
});
afterAll(async () => {
  await Promise.all([emu, pre, flags, rateLimited, flaky, failing, broken].map((e) => e.close()));
});

const full = { client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
const sale = (json: unknown, contractNo: string = C.main) => call(emu, 'POST', salesPath(contractNo), { token, json });
const tokenOf = (e: CesceEmulator): string => {
  const t = tokens.get(e);
  if (!t) throw new Error('no token');
  return t;
};

const PROVOCATIONS: Record<string, Provocation> = {
  'cesce-400-contract-format': {
    input: 'POST …/sales on contract `09150331` (not 11 digits)',
    operation: 'sales.create',
    run: () => sale(saleBody(), '09150331'),
  },
  'cesce-400-policy-expired': {
    input: 'POST …/sales on a policy whose `expiryDate` is past',
    operation: 'sales.create',
    run: () => sale(saleBody(), C.expired),
  },
  'cesce-400-classification-required': {
    input: 'POST …/sales with the `endorsementNo` of a classification still in progress',
    operation: 'sales.create',
    run: () => sale(saleBody({ endorsementNo: '5000002' })),
  },
  'cesce-400-classification-state': {
    input: 'POST …/classifications/cancel on an already cancelled classification',
    operation: 'classifications.cancel',
    run: () => call(emu, 'POST', classificationOpPath(C.main, 'cancel'), { token, json: { endorsementNo: '5000004' } }),
  },
  'cesce-400-financing-state': {
    input: 'POST …/financing-requests/{n}/answer on a DENIED request',
    operation: 'financial.answerConditions',
    run: async () => {
      const denied = await call(emu, 'POST', financialPath(C.main), { token, json: { saleCesceReferenceNos: ['1'] } });
      return call(emu, 'POST', financialPath(C.main, `/${denied.body.financingRequest.requestNo}/answer`), {
        token,
        json: { conditionsAcceptedInd: 'S' },
      });
    },
  },
  'cesce-400-credit-note-order': {
    input: 'POST …/sales with a negative amount for an invoice never declared',
    operation: 'sales.create',
    run: () => sale(saleBody({ amount: '-5,00', originalInvoiceNo: 'NONE' })),
  },
  'cesce-400-policy-conditions': {
    input: 'POST …/sales with an endorsed sale on a policy without Endosos',
    operation: 'sales.create',
    run: () => sale(saleBody({ endorsementNo: '6000002' }), C.strict),
  },
  'cesce-400-adjust-to-policy': {
    input: 'POST …/sales in a currency the policy does not allow (JPY)',
    operation: 'sales.create',
    run: () => sale(saleBody({ currencyCode: 'JPY' })),
  },
  'cesce-400-sale-data': {
    input: 'POST …/sales with `dueDate` before `invoiceDate`',
    operation: 'sales.create',
    run: () => sale(saleBody({ dueDate: '20260301' })),
  },
  'cesce-400-check-policy': {
    input: 'any API call on a policy flagged `inactive: true` in the data',
    operation: 'sales.list',
    run: () => call(flags, 'GET', salesPath(C.strict), { token: tokenOf(flags) }),
  },
  'cesce-400-support-review': {
    input: 'GET …/classifications finding a classification flagged `inconsistent: true` in the data',
    operation: 'classifications.query',
    run: () => call(flags, 'GET', classificationsPath(C.main, '?taxCode=B12345674&countryCode=ES'), { token: tokenOf(flags) }),
  },
  'cesce-400-oauth-credentials': {
    input: 'token with a wrong username/password, `environment: pre` (or pro)',
    operation: 'token',
    environment: 'pre',
    run: () => postForm(`${pre.url}/oauth2/v1/token`, { grant_type: 'password', ...full, username: 'u', password: 'p' }),
  },
  'cesce-400-transformation': {
    input: 'GET …/classifications without taxCode, endorsementNo or customerReference',
    operation: 'classifications.query',
    run: () => call(emu, 'GET', classificationsPath(C.main), { token }),
  },
  'cesce-401-product-subscription': {
    input: 'GET …/sales with the token of an application not subscribed to Sales',
    operation: 'sales.list',
    run: () => call(emu, 'GET', salesPath(C.main), { token: noSalesToken }),
  },
  'cesce-401-client-credentials': {
    input: 'GET …/sales with an unknown or expired Bearer token',
    operation: 'sales.list',
    run: () => call(emu, 'GET', salesPath(C.main), { token: 'expired-or-unknown' }),
  },
  'cesce-403-policy-not-registered': {
    input: 'POST …/sales on a contract of another policyholder',
    operation: 'sales.create',
    run: () => sale(saleBody(), C.foreign),
  },
  'cesce-404-sandbox-dataset': {
    input: 'an unknown path (or record) in `environment: sandbox`',
    run: () => call(emu, 'GET', '/unknown/v1/contracts/34109150331/things', { token }),
  },
  'cesce-404-real-data': {
    input: 'an unknown path (or record) in `environment: pre` (or pro)',
    environment: 'pre',
    run: () => call(pre, 'GET', '/unknown/v1/contracts/34109150331/things', {}),
  },
  'cesce-405-method': {
    input: 'PUT …/sale (the operation is POST)',
    run: () => call(emu, 'PUT', salePath(C.main), { token, json: {} }),
  },
  'cesce-422-missing-field': {
    input: 'POST …/sales with `invoiceNo: ""`',
    operation: 'sales.create',
    run: () => sale(saleBody({ invoiceNo: '' })),
  },
  'cesce-429-rate-limit': {
    input: '`faults.rateLimit` (`--rate-limit 2/60`): the 3rd request in the window',
    operation: 'token',
    run: async () => {
      for (let i = 0; i < 2; i++) {
        const ok = await postForm(`${rateLimited.url}/oauth2/v1/token`, { grant_type: 'password', ...full });
        expect(ok.status).toBe(200);
      }
      return postForm(`${rateLimited.url}/oauth2/v1/token`, { grant_type: 'password', ...full });
    },
  },
  'cesce-500-service-unavailable': {
    input: '`faults.status5xxRate: 0.5` (`--fail-rate 0.5`): every 2nd API call answers 503',
    operation: 'sales.list',
    status: 503,
    run: async () => {
      const first = await call(flaky, 'GET', salesPath(C.main), { token: tokenOf(flaky) });
      expect(first.status).toBe(200);
      return call(flaky, 'GET', salesPath(C.main), { token: tokenOf(flaky) });
    },
  },
  // ---- generic entries -------------------------------------------------------------------------
  'cesce-400-generic': {
    input: 'token with `grant_type=client_credentials`',
    operation: 'token',
    run: () => postForm(`${emu.url}/oauth2/v1/token`, { grant_type: 'client_credentials', ...full }),
  },
  'cesce-401-generic': {
    input: '`faults.failOperations["sales.subsidiaries"] = {status: 401, code: "AUT009", message: "Acceso denegado."}`',
    operation: 'sales.subsidiaries',
    run: () => call(failing, 'GET', subsidiariesPath(C.main), { token: tokenOf(failing) }),
  },
  'cesce-403-generic': {
    input: '`faults.failOperations["sales.consult"] = {status: 403, …}`: shadowed, answers `cesce-403-policy-not-registered`',
    operation: 'sales.consult',
    shadowedBy: 'cesce-403-policy-not-registered',
    run: () => call(failing, 'GET', salePath(C.main, '?saleCesceReferenceNo=1'), { token: tokenOf(failing) }),
  },
  'cesce-404-generic': {
    input: '`faults.failOperations["claims.settlements"] = {status: 404, …}`: shadowed, answers `cesce-404-sandbox-dataset`',
    operation: 'claims.settlements',
    shadowedBy: 'cesce-404-sandbox-dataset',
    run: () => call(failing, 'GET', claimsPath(C.main, 'settlements'), { token: tokenOf(failing) }),
  },
  'cesce-422-generic': {
    input: '`faults.failOperations["claims.documents"] = {status: 422, …}`: shadowed, answers `cesce-422-missing-field`',
    operation: 'claims.documents',
    shadowedBy: 'cesce-422-missing-field',
    run: () => call(failing, 'GET', claimsPath(C.main, 'documents?dossierNo=1'), { token: tokenOf(failing) }),
  },
  'cesce-500-generic': {
    input: '`faults.failOperations["claims.dossiers"] = {status: 501, body: "gateway", message: "Not Implemented"}`',
    operation: 'claims.dossiers',
    status: 501,
    run: () => call(failing, 'GET', claimsPath(C.main, 'dossiers'), { token: tokenOf(failing) }),
  },
  'cesce-0-generic': {
    input: 'POST …/sales with a body over 1 MiB (413)',
    operation: 'sales.create',
    status: 413,
    run: () => call(emu, 'POST', salesPath(C.main), { token, rawBody: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) }),
  },
};

/** What a client extracts from each body format (as core's http layer does). */
function facts(body: any): { code: string | undefined; message: string } {
  if (body && typeof body.error === 'object' && body.error !== null) {
    return { code: String(body.error.errorCode), message: String(body.error.errorDescription ?? '') };
  }
  if (body && typeof body.error === 'string') return { code: body.error, message: String(body.error_description ?? '') };
  return { code: String(body?.httpCode), message: String(body?.moreInformation ?? body?.httpMessage ?? '') };
}

const ALL_ENTRIES: readonly KnowledgeBaseEntry[] = [...KNOWLEDGE_BASE, ...GENERIC_ENTRIES];

describe('every knowledge-base entry can be provoked against the emulator', () => {
  it('has a provocation for every entry, generic ones included, and none for unknown ids', () => {
    expect(ALL_ENTRIES.map((e) => e.id).filter((id) => !(id in PROVOCATIONS))).toEqual([]);
    expect(Object.keys(PROVOCATIONS).filter((id) => !ALL_ENTRIES.some((e) => e.id === id))).toEqual([]);
  });

  it.each(ALL_ENTRIES.map((e) => [e.id, e] as const))('%s round-trips: provoke → error → entry id', async (id, entry) => {
    const p = PROVOCATIONS[id];
    if (!p) throw new Error(`no provocation for ${id}`);
    const r = await p.run();
    expect(r.status).toBe(p.status ?? entry.status);
    const { code, message } = facts(r.body);
    const matched = matchKnowledgeBase({ status: r.status, message, code, operation: p.operation, environment: p.environment ?? 'sandbox' });
    if (p.shadowedBy) {
      // The generic entry is unreachable: a catch-all entry of its status answers first. Prove it.
      expect(matched.id).toBe(p.shadowedBy);
      expect(entry.generic).toBe(true);
    } else {
      expect(matched.id).toBe(id);
    }
    if (r.status === 429) expect(r.headers.get('retry-after')).toBe('30');
  });

  it('the shadowed generic entries are exactly those behind a catch-all recogniser', () => {
    const shadowed = Object.entries(PROVOCATIONS)
      .filter(([, p]) => p.shadowedBy)
      .map(([id]) => id);
    for (const id of shadowed) {
      const status = Number(/^cesce-(\d+)-generic$/.exec(id)?.[1]);
      const catchAll = KNOWLEDGE_BASE.some((e) =>
        e.recognise.some((r) => r.status === status && !r.messagePatterns && !r.codes && !r.operations && !r.environments),
      );
      expect(catchAll, id).toBe(true);
    }
  });
});
