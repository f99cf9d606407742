/** A small SAP dataset for tests: a Spanish customer with accents (one open invoice, one credit memo) and a French one (one cleared invoice). */
import type { SapDatasetInput } from './dataset.js';

export const SAP_TEST_USER = { username: 'CESCE_RFC', password: 'test-sap-password' };

export function sapTestDataset(): SapDatasetInput {
  return {
    users: [SAP_TEST_USER],
    customers: [
      { KUNNR: '0000100001', NAME: 'Peña Ibáñez, S.L.', CITY: 'Logroño', COUNTRY: 'ES', STCD1: 'B26123455', ZZ_CESCE_LIMIT: '25000.00', PMNTTRMS: 'NT60' },
      { KUNNR: '0000100002', NAME: 'Société Lyonnaise de Distribution SAS', COUNTRY: 'FR', STCEG: 'FR40303265045' },
    ],
    billingDocuments: [
      { BILLINGDOC: '0090000001', BILL_TYPE: 'F2', SD_DOC_CAT: 'M', BILL_DATE: '2026-09-01', PAYER: '0000100001', CURRENCY: 'EUR', NET_VALUE: '1000.00', TAX_VALUE: '210.00' },
      { BILLINGDOC: '0090000002', BILL_TYPE: 'F2', SD_DOC_CAT: 'M', BILL_DATE: '2026-09-15', PAYER: '0000100002', CURRENCY: 'EUR', NET_VALUE: '500.10', TAX_VALUE: '0.00' },
      { BILLINGDOC: '0090000003', BILL_TYPE: 'G2', SD_DOC_CAT: 'O', BILL_DATE: '2026-09-20', PAYER: '0000100001', CURRENCY: 'EUR', NET_VALUE: '100.00', TAX_VALUE: '21.00', REF_BILL_DOC: '0090000001' },
    ],
    arItems: [
      { DOC_NO: '1400000001', FISC_YEAR: '2026', CUSTOMER: '0000100001', PSTNG_DATE: '2026-09-01', DOC_DATE: '2026-09-01', BLINE_DATE: '2026-09-01', NETTERMS: '60', CURRENCY: 'EUR', AMT_DOCCUR: '1210.00', DB_CRED_IND: 'S', BILL_DOC: '0090000001' },
      { DOC_NO: '1400000002', FISC_YEAR: '2026', CUSTOMER: '0000100002', PSTNG_DATE: '2026-09-15', DOC_DATE: '2026-09-15', BLINE_DATE: '2026-09-15', NETTERMS: '30', CURRENCY: 'EUR', AMT_DOCCUR: '500.10', DB_CRED_IND: 'S', BILL_DOC: '0090000002', CLEAR_DATE: '2026-10-10', CLR_DOC_NO: '1500000001' },
      { DOC_NO: '1400000003', FISC_YEAR: '2026', CUSTOMER: '0000100001', PSTNG_DATE: '2026-09-20', DOC_DATE: '2026-09-20', BLINE_DATE: '2026-09-20', NETTERMS: '0', CURRENCY: 'EUR', AMT_DOCCUR: '121.00', DB_CRED_IND: 'H', BILL_DOC: '0090000003' },
    ],
  };
}

