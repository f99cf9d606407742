import type { NavDatasetInput } from './dataset.js';

/** A small NAV company for the emulator tests (CRONUS España S.A., one Latin-1 customer name). */
export function navFixture(): NavDatasetInput {
  return {
    instance: 'DynamicsNAV110',
    company: { name: 'CRONUS España S.A.' },
    users: [{ username: 'WS-USER', password: 'Secret-123' }],
    customers: [
      { No: '10000', Name: 'Peña Ibáñez, S.L.', VAT_Registration_No: 'B12345674', Country_Region_Code: 'ES', City: 'Logroño', Cesce_Requested_Limit: '25000.00', Payment_Terms_Code: '30 DAYS' },
      { No: '20000', Name: 'Construcciones Norte SA', VAT_Registration_No: 'ESA28036820', Country_Region_Code: 'ES', Blocked: 'All' },
      { No: '30000', Name: 'Société Lyonnaise SAS', VAT_Registration_No: 'FR29712671551', Country_Region_Code: 'FR' },
    ],
    postedSalesInvoices: [
      { No: 'FV-0001', Sell_to_Customer_No: '10000', Bill_to_Customer_No: '10000', Posting_Date: '2026-09-01', Document_Date: '2026-09-01', Due_Date: '2026-10-01', Amount: '1000.00', Amount_Including_VAT: '1210.00' },
      { No: 'FV-0002', Sell_to_Customer_No: '20000', Bill_to_Customer_No: '10000', Posting_Date: '2026-09-15', Document_Date: '2026-09-15', Due_Date: '2026-11-14', Amount: '0.10', Amount_Including_VAT: '0.12' },
      { No: 'FV-0003', Sell_to_Customer_No: '30000', Bill_to_Customer_No: '30000', Posting_Date: '2026-10-02', Document_Date: '2026-10-02', Due_Date: '2026-12-01', Currency_Code: 'USD', Amount: '500.00', Amount_Including_VAT: '500.00' },
    ],
    postedSalesCreditMemos: [
      { No: 'AB-0001', Sell_to_Customer_No: '10000', Bill_to_Customer_No: '10000', Posting_Date: '2026-09-20', Document_Date: '2026-09-20', Due_Date: '2026-09-20', Amount: '100.00', Amount_Including_VAT: '121.00', Applies_to_Doc_Type: 'Invoice', Applies_to_Doc_No: 'FV-0001' },
    ],
    customerLedgerEntries: [
      { Entry_No: 1, Customer_No: '10000', Posting_Date: '2026-09-01', Due_Date: '2026-10-01', Document_Type: 'Invoice', Document_No: 'FV-0001', Amount: '1210.00', Remaining_Amount: '1089.00', Open: true },
      { Entry_No: 2, Customer_No: '10000', Posting_Date: '2026-09-15', Due_Date: '2026-11-14', Document_Type: 'Invoice', Document_No: 'FV-0002', Amount: '0.12', Remaining_Amount: '0', Open: false },
      { Entry_No: 3, Customer_No: '10000', Posting_Date: '2026-09-20', Due_Date: '2026-09-20', Document_Type: 'Credit_Memo', Document_No: 'AB-0001', Amount: '-121.00', Remaining_Amount: '0', Open: false },
      { Entry_No: 4, Customer_No: '30000', Posting_Date: '2026-10-02', Due_Date: '2026-12-01', Document_Type: 'Invoice', Document_No: 'FV-0003', Currency_Code: 'USD', Amount: '500.00', Remaining_Amount: '500.00', Open: true },
    ],
  };
}
