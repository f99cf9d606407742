export { createAcmeSource, DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT_MS } from './source.js';
export type { AcmeConnectorConfig, AcmeConnection, AcmeSource } from './source.js';
export { mapCustomer, customerRef, isCommercialEntity } from './mapping/customer.js';
export type { CustomerContext } from './mapping/customer.js';
export { mapInvoice, invoiceRef, isSaleDocument } from './mapping/invoice.js';
export { createAcmeHttp } from './http.js';
export type { AcmeHttp, AcmeHttpOptions, AcmeRequest } from './http.js';
export type * from './acme-types.js';
