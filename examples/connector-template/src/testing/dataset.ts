import type { AcmeCustomer, AcmeInvoice } from '../acme-types.js';
import type { AcmeDataset } from './acme-emulator.js';

/**
 * A small Acme company with the cases a connector must handle: a contact (not a debtor), an
 * archived customer, missing and invalid tax ids, foreign EU VAT numbers, a requested limit sent
 * as a decimal string with a third decimal, drafts and voided documents, credit memos with and
 * without the invoice they correct, a JPY invoice, a date sent with a time part, documents sharing
 * one `updatedAt` instant, and enough filler records for several pages.
 */
export function acmeDataset(): AcmeDataset {
  const customers: AcmeCustomer[] = [
    { id: 1, code: 'C-ALFA', type: 'company', name: 'Alfa Construcciones SL', taxId: 'ESB12345674', country: 'ES', address: { line1: 'Calle Colón 1', line2: 'Piso 3', city: 'Valencia', postalCode: '46001', region: 'v' }, creditLimitRequested: 60000, paymentTermsDays: 60, status: 'active' },
    { id: 2, type: 'contact', parentId: 1, name: 'Ana García', taxId: 'ESB12345674', country: 'ES', status: 'active' },
    { id: 3, code: 'C-BETA', type: 'company', name: 'Beta Logística SA', taxId: 'A28123453', country: 'ES', address: { line1: '', city: 'Madrid', postalCode: '28001', region: 'M' }, creditLimitRequested: '1234.565', status: 'active' },
    { id: 4, code: 'C-GAMMA', type: 'company', name: 'Gamma Archivada SL', taxId: 'B46123451', country: 'ES', status: 'archived' },
    { id: 5, code: 'C-DELTA', type: 'company', name: 'Delta Sin NIF SL', taxId: null, country: 'ES', creditLimitRequested: 30000, status: 'active' },
    { id: 6, code: 'C-EPS', type: 'company', name: 'Épsilon Dígito Malo SL', taxId: 'B12345675', country: 'ES', status: 'active' },
    { id: 7, code: 'C-ZETA', type: 'company', name: 'Société Zeta SARL', taxId: 'FR 40 303 265 045', country: 'FR', address: { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002' }, status: 'active' },
    { id: 8, code: null, type: 'person', name: 'Juan Pérez Autónomo', taxId: '12345678-Z', country: 'ES', paymentTermsDays: 30.5, status: 'active' },
    { id: 9, code: 'C-IOTA', type: 'company', name: 'Iota Portugal Lda', taxId: 'PT501964843', country: 'PT', creditLimitRequested: -5, status: 'active' },
  ];
  const cifs = ['B46123451', 'B03111119', 'A46000014', 'B98765431', 'B12345674', 'A28123453'];
  for (let i = 0; i < 12; i++) {
    customers.push({ id: 20 + i, code: `C-F${i + 1}`, type: 'company', name: `Cliente Relleno ${String(i + 1).padStart(2, '0')} SL`, taxId: `ES${cifs[i % cifs.length]}`, country: 'ES', status: 'active' });
  }

  const at = (day: number, time = '08:00:00') => `2026-10-${String(day).padStart(2, '0')}T${time}.000Z`;
  const invoices: AcmeInvoice[] = [
    { id: 101, number: 'A-2026-0001', type: 'invoice', status: 'posted', customerId: 1, issueDate: '2026-09-01', dueDate: '2026-10-31', currency: 'EUR', total: 1210, updatedAt: at(1) },
    // Same instant as 101: the change order falls back to the id.
    { id: 102, number: 'A-2026-0002', type: 'invoice', status: 'posted', customerId: 3, issueDate: '2026-09-15T00:00:00', dueDate: '2026-11-14', currency: 'eur', total: 1234.565, updatedAt: at(1) },
    { id: 103, number: null, type: 'invoice', status: 'draft', customerId: 1, issueDate: null, currency: 'EUR', total: 10, updatedAt: at(1, '09:00:00') },
    { id: 104, number: 'R-2026-0001', type: 'credit_memo', status: 'posted', customerId: 1, issueDate: '2026-09-20', dueDate: '2026-09-20', currency: 'EUR', total: -121, corrects: { id: 101, number: 'A-2026-0001' }, updatedAt: at(2, '09:30:00') },
    { id: 105, number: 'A-2026-0003', type: 'invoice', status: 'void', customerId: 3, issueDate: '2026-09-16', dueDate: '2026-10-16', currency: 'EUR', total: 500, updatedAt: at(2, '10:00:00') },
    { id: 106, number: 'A-2026-0004', type: 'invoice', status: 'posted', customerId: 7, issueDate: '2026-09-18', dueDate: '2026-11-17', currency: 'JPY', total: 150000, updatedAt: at(3) },
    { id: 107, number: 'R-2026-0002', type: 'credit_memo', status: 'posted', customerId: 3, issueDate: '2026-09-25', dueDate: '2026-09-25', currency: 'EUR', total: '-50.00', corrects: null, updatedAt: at(3, '12:00:00') },
    { id: 108, number: 'A-2026-0005', type: 'invoice', status: 'posted', customerId: 8, issueDate: '2026-09-26', dueDate: null, currency: 'EUR', total: 300, updatedAt: at(4) },
    { id: 109, number: 'A-2026-0006', type: 'invoice', status: 'posted', customerId: 9, issueDate: '2026-09-27', dueDate: '2026-12-26', currency: 'USD', total: '99.999', updatedAt: at(4, '13:00:00') },
  ];
  for (let i = 0; i < 12; i++) {
    invoices.push({
      id: 120 + i,
      number: `A-2026-${String(100 + i).padStart(4, '0')}`,
      type: 'invoice',
      status: 'posted',
      customerId: 20 + i,
      issueDate: `2026-08-${String(i + 1).padStart(2, '0')}`,
      dueDate: `2026-10-${String(i + 1).padStart(2, '0')}`,
      currency: 'EUR',
      total: 1000 + i * 0.01,
      updatedAt: at(5 + (i % 6), `0${i % 3}:00:00`),
    });
  }
  return {
    apiVersion: '2.3',
    company: { id: 'acme-es-01', name: 'Industrias Test SL', taxId: 'ESB65410011', country: 'ES', currency: 'EUR' },
    customers,
    invoices,
  };
}
