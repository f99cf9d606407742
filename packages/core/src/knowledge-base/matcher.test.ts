import { describe, expect, it } from 'vitest';
import { GENERIC_ENTRIES, KNOWLEDGE_BASE } from './entries.js';
import { findEntry, matchKnowledgeBase } from './matcher.js';

describe('knowledge base', () => {
  it('covers every solution of the seed catalogue', () => {
    const refs = KNOWLEDGE_BASE.map((e) => e.catalogueRef).filter(Boolean);
    const expected = [
      ...Array.from({ length: 11 }, (_, i) => `400-${i + 1}`),
      '401-1', '401-2', '403-1', '404-1', '404-2', '422-1', '500-1',
    ];
    expect([...refs].sort()).toEqual([...expected].sort());
  });

  it('has unique ids and bilingual texts', () => {
    const all = [...KNOWLEDGE_BASE, ...GENERIC_ENTRIES];
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    for (const e of all) {
      for (const t of [e.title, e.cause, e.fix]) {
        expect(t.es.length, e.id).toBeGreaterThan(5);
        expect(t.en.length, e.id).toBeGreaterThan(5);
      }
    }
  });

  it.each([
    [{ status: 400, message: "El número de contrato '3410915033' no tiene un formato válido" }, 'cesce-400-contract-format'],
    [{ status: 400, message: 'La póliza 38100029218 está vencida desde 2025-06-30.' }, 'cesce-400-policy-expired'],
    [{ status: 400, message: 'No existe una clasificación vigente para el deudor con suplemento 77.' }, 'cesce-400-classification-required'],
    [{ status: 400, message: 'No existe una venta previa en positivo para la factura INV/1 que compense el abono.' }, 'cesce-400-credit-note-order'],
    [{ status: 400, message: 'La divisa USD no está permitida por las condiciones de la póliza.' }, 'cesce-400-adjust-to-policy'],
    [{ status: 400, message: 'invalid_grant', code: 'invalid_grant', operation: 'token' }, 'cesce-400-oauth-credentials'],
    [{ status: 401, message: 'bad', code: 'invalid_client', operation: 'token' }, 'cesce-401-client-credentials'],
    [{ status: 401, message: 'The application is not subscribed to the OAuth product.', operation: 'token' }, 'cesce-401-product-subscription'],
    [{ status: 403, message: 'whatever' }, 'cesce-403-policy-not-registered'],
    [{ status: 404, message: 'x', environment: 'sandbox' as const }, 'cesce-404-sandbox-dataset'],
    [{ status: 404, message: 'x', environment: 'pro' as const }, 'cesce-404-real-data'],
    [{ status: 422, message: "'nonPaymentInd' is missing." }, 'cesce-422-missing-field'],
    [{ status: 503, message: 'down' }, 'cesce-500-service-unavailable'],
    [{ status: 400, message: 'something unheard of' }, 'cesce-400-generic'],
    [
      { status: 400, message: 'La clasificación 5000004 está en estado Baja y no admite esta operación.', operation: 'classifications.cancel' },
      'cesce-400-classification-state',
    ],
    [
      {
        status: 400,
        message: 'La clasificación 5000001 no tiene una oferta de prima pendiente de aceptar o denegar.',
        operation: 'classifications.acceptDenyPremium',
      },
      'cesce-400-classification-state',
    ],
    [
      { status: 400, message: 'Los datos de la venta no son válidos: el importe pendiente (maturityAmount) 2,00 supera el importe de la factura original F (1,00).', operation: 'sales.modify' },
      'cesce-400-sale-data',
    ],
    [{ status: 400, message: 'Los datos del cobro no son válidos: x.', operation: 'collections.create' }, 'cesce-400-sale-data'],
    [{ status: 400, message: 'Los datos del cobro no son válidos: x.', operation: 'sales.list' }, 'cesce-400-generic'],
    [{ status: 418, message: 'teapot' }, 'cesce-0-generic'],
  ])('matches %j to %s', (facts, id) => {
    expect(matchKnowledgeBase(facts).id).toBe(id);
  });

  it('finds entries by id', () => {
    expect(findEntry('cesce-422-missing-field')?.catalogueRef).toBe('422-1');
    expect(findEntry('nope')).toBeUndefined();
  });
});
