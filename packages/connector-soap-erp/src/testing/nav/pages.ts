/**
 * The NAV/BC pages the emulator publishes, their controls (SOAP element names) and the WSDL NAV
 * generates for a page web service (document/literal, one namespace per page).
 */
export type NavFieldType = 'string' | 'date' | 'decimal' | 'boolean' | 'int' | { enum: readonly string[] };

export interface NavField {
  name: string;
  type: NavFieldType;
}

export interface NavPage {
  /** Service name as published (URL segment, entity element name). */
  name: string;
  /** Dataset key of its records. */
  datasetKey: 'customers' | 'postedSalesInvoices' | 'postedSalesCreditMemos' | 'customerLedgerEntries';
  /** Primary key control: the `Read` parameter and the sort order of `ReadMultiple`. */
  key: string;
  fields: readonly NavField[];
}

export const BLOCKED = ['_blank_', 'Ship', 'Invoice', 'All'] as const;
export const DOCUMENT_TYPES = ['_blank_', 'Payment', 'Invoice', 'Credit_Memo', 'Finance_Charge_Memo', 'Reminder', 'Refund'] as const;

const s = (name: string): NavField => ({ name, type: 'string' });
const d = (name: string): NavField => ({ name, type: 'date' });
const n = (name: string): NavField => ({ name, type: 'decimal' });

const documentFields: NavField[] = [
  s('No'),
  s('Sell_to_Customer_No'),
  s('Sell_to_Customer_Name'),
  s('Bill_to_Customer_No'),
  s('Bill_to_Name'),
  d('Posting_Date'),
  d('Document_Date'),
  d('Due_Date'),
  s('Payment_Terms_Code'),
  s('Currency_Code'),
  s('External_Document_No'),
  n('Amount'),
  n('Amount_Including_VAT'),
  n('Remaining_Amount'),
  { name: 'Closed', type: 'boolean' },
];

export const PAGES: readonly NavPage[] = [
  {
    name: 'Customer',
    datasetKey: 'customers',
    key: 'No',
    fields: [
      s('No'),
      s('Name'),
      s('Address'),
      s('City'),
      s('Post_Code'),
      s('County'),
      s('Country_Region_Code'),
      s('VAT_Registration_No'),
      n('Credit_Limit_LCY'),
      { name: 'Blocked', type: { enum: BLOCKED } },
      s('Payment_Terms_Code'),
      s('Currency_Code'),
      d('Last_Date_Modified'),
      /** Page extension control (see the README): the amount to ask Cesce for. */
      n('Cesce_Requested_Limit'),
    ],
  },
  { name: 'PostedSalesInvoices', datasetKey: 'postedSalesInvoices', key: 'No', fields: documentFields },
  {
    name: 'PostedSalesCreditMemos',
    datasetKey: 'postedSalesCreditMemos',
    key: 'No',
    fields: [...documentFields, { name: 'Applies_to_Doc_Type', type: { enum: DOCUMENT_TYPES } }, s('Applies_to_Doc_No')],
  },
  {
    name: 'CustomerLedgerEntries',
    datasetKey: 'customerLedgerEntries',
    key: 'Entry_No',
    fields: [
      { name: 'Entry_No', type: 'int' },
      s('Customer_No'),
      d('Posting_Date'),
      d('Document_Date'),
      d('Due_Date'),
      { name: 'Document_Type', type: { enum: DOCUMENT_TYPES } },
      s('Document_No'),
      s('Description'),
      s('Currency_Code'),
      n('Amount'),
      n('Remaining_Amount'),
      { name: 'Open', type: 'boolean' },
    ],
  },
];

export function pageByName(name: string): NavPage | undefined {
  return PAGES.find((p) => p.name === name);
}

export function pageNamespace(page: NavPage): string {
  return `urn:microsoft-dynamics-schemas/page/${page.name.toLowerCase()}`;
}

const XSD: Record<Exclude<NavFieldType, { enum: readonly string[] }>, string> = {
  string: 'string',
  date: 'date',
  decimal: 'decimal',
  boolean: 'boolean',
  int: 'int',
};

/** The WSDL of a page service, shaped like the one NAV 2013+ / BC serves at `…/Page/<Name>?wsdl`. */
export function pageWsdl(page: NavPage, location: string, soap12 = false): string {
  const ns = pageNamespace(page);
  const P = page.name;
  const keyField = page.fields.find((f) => f.name === page.key)!;
  const enums = page.fields.filter((f) => typeof f.type === 'object');
  const type = (f: NavField) => (typeof f.type === 'object' ? `tns:${f.name}` : `xsd:${XSD[f.type]}`);
  const el = (name: string, t: string, min = 0, max = '1') => `<xsd:element minOccurs="${min}" maxOccurs="${max}" name="${name}" type="${t}"/>`;
  const seq = (inner: string) => `<xsd:complexType><xsd:sequence>${inner}</xsd:sequence></xsd:complexType>`;
  const enumType = (name: string, values: readonly string[]) =>
    `<xsd:simpleType name="${name}"><xsd:restriction base="xsd:string">${values.map((v) => `<xsd:enumeration value="${v}"/>`).join('')}</xsd:restriction></xsd:simpleType>`;
  const ops: [string, string][] = [
    ['Read', seq(el(page.key, type(keyField), 1))],
    ['Read_Result', seq(el(P, `tns:${P}`))],
    ['ReadMultiple', seq(el('filter', `tns:${P}_Filter`, 1, 'unbounded') + el('bookmarkKey', 'xsd:string') + el('setSize', 'xsd:int', 1))],
    ['ReadMultiple_Result', seq(el('ReadMultiple_Result', `tns:${P}_List`))],
    ['IsUpdated', seq(el('Key', 'xsd:string', 1))],
    ['IsUpdated_Result', seq(el('IsUpdated_Result', 'xsd:boolean', 1))],
  ];
  const soapNs = soap12 ? 'http://schemas.xmlsoap.org/wsdl/soap12/' : 'http://schemas.xmlsoap.org/wsdl/soap/';
  const operations = ['Read', 'ReadMultiple', 'IsUpdated'];
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="${soapNs}" xmlns:tns="${ns}" targetNamespace="${ns}">`,
    `<types><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}" elementFormDefault="qualified" targetNamespace="${ns}">`,
    ...enums.map((f) => enumType(f.name, (f.type as { enum: readonly string[] }).enum)),
    `<xsd:complexType name="${P}"><xsd:sequence>${el('Key', 'xsd:string')}${page.fields.map((f) => el(f.name, type(f))).join('')}</xsd:sequence></xsd:complexType>`,
    `<xsd:complexType name="${P}_List"><xsd:sequence>${el(P, `tns:${P}`, 1, 'unbounded')}</xsd:sequence></xsd:complexType>`,
    enumType(`${P}_Fields`, page.fields.map((f) => f.name)),
    `<xsd:complexType name="${P}_Filter"><xsd:sequence>${el('Field', `tns:${P}_Fields`, 1)}${el('Criteria', 'xsd:string', 1)}</xsd:sequence></xsd:complexType>`,
    ...ops.map(([name, body]) => `<xsd:element name="${name}">${body}</xsd:element>`),
    `</xsd:schema></types>`,
    ...ops.map(([name]) => `<message name="${name}"><part name="parameters" element="tns:${name}"/></message>`),
    `<portType name="${P}_Port">`,
    ...operations.map((o) => `<operation name="${o}"><input name="${o}" message="tns:${o}"/><output name="${o}_Result" message="tns:${o}_Result"/></operation>`),
    `</portType>`,
    `<binding name="${P}_Binding" type="tns:${P}_Port"><soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>`,
    ...operations.map(
      (o) =>
        `<operation name="${o}"><soap:operation soapAction="${ns}:${o}" style="document"/><input name="${o}"><soap:body use="literal"/></input><output name="${o}_Result"><soap:body use="literal"/></output></operation>`,
    ),
    `</binding>`,
    `<service name="${P}_Service"><port name="${P}_Port" binding="tns:${P}_Binding"><soap:address location="${location}"/></port></service>`,
    `</definitions>`,
  ].join('\n');
}
