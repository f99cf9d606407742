/**
 * WSDLs shaped like those SOAMANAGER publishes for RFC-enabled function modules: namespace
 * `urn:sap-com:document:sap:rfc:functions`, document/literal, unqualified child elements named
 * after the ABAP parameters, named simple types (`char10`, `date10`, `curr23.4`…), TABLES as
 * `<TABLE><item>…</item></TABLE>` (input and output, optional), one service per function module.
 *
 * Structure components follow SAP's DDIC structures where they are documented (BAPIRET2,
 * BAPIRETURN, BAPIRETURN1, BAPICUSTOMER_*, BAPIVBRKOUT, BAPI3007_2). Inferred, to be checked
 * against a real system's WSDL: the tax fields of BAPICUSTOMER_KNA1 (STCD1, STCD2, STCEG), the
 * selection parameters of BAPI_BILLINGDOC_GETLIST, and the components appended to BAPIVBRKOUT
 * (BILL_DATE, PAYER, SOLD_TO, REF_BILL_DOC, GROSS_VALUE; the standard structure has none of them).
 * `ZZ_CESCE_LIMIT` is a customer extension (an append to KNA1), not a standard field.
 */

export const SAP_NS = 'urn:sap-com:document:sap:rfc:functions';

type Simple = 'char1' | 'char2' | 'char3' | 'char4' | 'char10' | 'char20' | 'char30' | 'char35' | 'char40' | 'char50' | 'char220' | 'date10' | 'curr23.4' | 'numeric3' | 'numeric4' | 'numeric6' | 'int';
type Fields = ReadonlyArray<readonly [name: string, type: Simple]>;

const RANGE_BASE: Fields = [
  ['SIGN', 'char1'],
  ['OPTION', 'char2'],
];

export const STRUCTURES: Record<string, Fields> = {
  BAPICUSTOMER_IDRANGE: [...RANGE_BASE, ['LOW', 'char10'], ['HIGH', 'char10']],
  BAPICUSTOMER_ADDRESSDATA: [
    ['CUSTOMER', 'char10'],
    ['SORT1', 'char20'],
    ['NAME', 'char40'],
    ['CITY', 'char40'],
    ['POSTL_COD1', 'char10'],
    ['STREET', 'char50'],
    ['COUNTRY', 'char3'],
    ['COUNTRYISO', 'char2'],
    ['REGION', 'char3'],
    ['LANGU', 'char1'],
    ['TEL1_NUMBR', 'char30'],
  ],
  BAPICUSTOMER_SPECIALDATA: [
    ['CUSTOMER', 'char10'],
    ['CENTRAL_POSTING_BLOCK', 'char1'],
    ['CENTRAL_DEL_FLAG', 'char1'],
  ],
  BAPICUSTOMER_04: [
    ['CUSTOMER', 'char10'],
    ['NAME', 'char40'],
    ['NAME_2', 'char40'],
    ['STREET', 'char50'],
    ['CITY', 'char40'],
    ['POSTL_COD1', 'char10'],
    ['REGION', 'char3'],
    ['COUNTRY', 'char3'],
    ['COUNTRYISO', 'char2'],
    ['LANGU', 'char1'],
    ['TEL1_NUMBR', 'char30'],
    ['E_MAIL', 'char220'],
    ['SORT1', 'char20'],
  ],
  BAPICUSTOMER_KNA1: [
    ['ACCNT_GRP', 'char4'],
    ['DEL_FLAG', 'char1'],
    ['POSTING_BLOCK', 'char1'],
    ['STCD1', 'char20'],
    ['STCD2', 'char20'],
    ['STCEG', 'char20'],
    ['ZZ_CESCE_LIMIT', 'curr23.4'],
  ],
  BAPICUSTOMER_05: [
    ['PMNTTRMS', 'char4'],
    ['RECON_ACCT', 'char10'],
    ['SORT_KEY', 'char3'],
    ['DUNN_PROCEDURE', 'char4'],
  ],
  BAPI_REF_DOC_RANGE: [...RANGE_BASE, ['REF_DOC_LOW', 'char10'], ['REF_DOC_HIGH', 'char10']],
  BAPI_BILL_DATE_RANGE: [...RANGE_BASE, ['BILL_DATE_LOW', 'date10'], ['BILL_DATE_HIGH', 'date10']],
  BAPIVBRKOUT: [
    ['BILLINGDOC', 'char10'],
    ['BILL_TYPE', 'char4'],
    ['BILLCATEG', 'char1'],
    ['SD_DOC_CAT', 'char1'],
    ['CURRENCY', 'char4'],
    ['CURRENCY_ISO', 'char3'],
    ['ACCTSTATUS', 'char1'],
    ['NET_VALUE', 'curr23.4'],
    ['TAX_VALUE', 'curr23.4'],
    ['CANCELLED', 'char1'],
    ['BILL_DATE', 'date10'],
    ['PAYER', 'char10'],
    ['SOLD_TO', 'char10'],
    ['REF_BILL_DOC', 'char10'],
    ['GROSS_VALUE', 'curr23.4'],
  ],
  BAPI3007_2: [
    ['COMP_CODE', 'char4'],
    ['CUSTOMER', 'char10'],
    ['SP_GL_IND', 'char1'],
    ['CLEAR_DATE', 'date10'],
    ['CLR_DOC_NO', 'char10'],
    ['ALLOC_NMBR', 'char20'],
    ['FISC_YEAR', 'numeric4'],
    ['DOC_NO', 'char10'],
    ['ITEM_NUM', 'numeric3'],
    ['PSTNG_DATE', 'date10'],
    ['DOC_DATE', 'date10'],
    ['CURRENCY', 'char4'],
    ['REF_DOC_NO', 'char20'],
    ['DOC_TYPE', 'char2'],
    ['DB_CRED_IND', 'char1'],
    ['AMT_DOCCUR', 'curr23.4'],
    ['ITEM_TEXT', 'char50'],
    ['BLINE_DATE', 'date10'],
    ['PMNTTRMS', 'char4'],
    ['NETTERMS', 'numeric3'],
    ['BILL_DOC', 'char10'],
  ],
  BAPIRET2: [
    ['TYPE', 'char1'],
    ['ID', 'char20'],
    ['NUMBER', 'numeric3'],
    ['MESSAGE', 'char220'],
    ['LOG_NO', 'char20'],
    ['LOG_MSG_NO', 'numeric6'],
    ['MESSAGE_V1', 'char50'],
    ['MESSAGE_V2', 'char50'],
    ['MESSAGE_V3', 'char50'],
    ['MESSAGE_V4', 'char50'],
    ['PARAMETER', 'char30'],
    ['ROW', 'int'],
    ['FIELD', 'char30'],
    ['SYSTEM', 'char10'],
  ],
  BAPIRETURN1: [
    ['TYPE', 'char1'],
    ['ID', 'char20'],
    ['NUMBER', 'numeric3'],
    ['MESSAGE', 'char220'],
    ['LOG_NO', 'char20'],
    ['LOG_MSG_NO', 'numeric6'],
    ['MESSAGE_V1', 'char50'],
    ['MESSAGE_V2', 'char50'],
    ['MESSAGE_V3', 'char50'],
    ['MESSAGE_V4', 'char50'],
  ],
  BAPIRETURN: [
    ['TYPE', 'char1'],
    ['CODE', 'char4'],
    ['MESSAGE', 'char220'],
    ['LOG_NO', 'char20'],
    ['LOG_MSG_NO', 'numeric6'],
    ['MESSAGE_V1', 'char50'],
    ['MESSAGE_V2', 'char50'],
    ['MESSAGE_V3', 'char50'],
    ['MESSAGE_V4', 'char50'],
  ],
};

/** A function-module parameter: a simple value, a structure, or a table of a structure. */
export type Param = { name: string; simple: Simple } | { name: string; structure: string } | { name: string; table: string };

export interface FunctionModule {
  name: string;
  /** SOAMANAGER service definition and binding names (lower case in the path). */
  service: string;
  binding: string;
  importing: Param[];
  exporting: Param[];
  /** TABLES parameters: optional in the request and in the answer. */
  tables: Param[];
}

const fm = (name: string, importing: Param[], exporting: Param[], tables: Param[]): FunctionModule => ({
  name,
  service: `Z${name}`,
  binding: `Z${name}_BIND`,
  importing,
  exporting,
  tables,
});

export const FUNCTION_MODULES: readonly FunctionModule[] = [
  fm(
    'BAPI_CUSTOMER_GETLIST',
    [
      { name: 'CPDONLY', simple: 'char1' },
      { name: 'MAXROWS', simple: 'int' },
    ],
    [{ name: 'RETURN', structure: 'BAPIRETURN1' }],
    [
      { name: 'ADDRESSDATA', table: 'BAPICUSTOMER_ADDRESSDATA' },
      { name: 'IDRANGE', table: 'BAPICUSTOMER_IDRANGE' },
      { name: 'SPECIALDATA', table: 'BAPICUSTOMER_SPECIALDATA' },
    ],
  ),
  fm(
    'BAPI_CUSTOMER_GETDETAIL2',
    [
      { name: 'COMPANYCODE', simple: 'char4' },
      { name: 'CUSTOMERNO', simple: 'char10' },
    ],
    [
      { name: 'CUSTOMERADDRESS', structure: 'BAPICUSTOMER_04' },
      { name: 'CUSTOMERCOMPANYDETAIL', structure: 'BAPICUSTOMER_05' },
      { name: 'CUSTOMERGENERALDETAIL', structure: 'BAPICUSTOMER_KNA1' },
      { name: 'RETURN', structure: 'BAPIRET2' },
    ],
    [],
  ),
  fm(
    'BAPI_BILLINGDOC_GETLIST',
    [
      { name: 'BILLDATERANGE', structure: 'BAPI_BILL_DATE_RANGE' },
      { name: 'MAXROWS', simple: 'int' },
      { name: 'PAYER', simple: 'char10' },
      { name: 'REFDOCRANGE', structure: 'BAPI_REF_DOC_RANGE' },
    ],
    [],
    [
      { name: 'BILLINGDOCUMENTDETAIL', table: 'BAPIVBRKOUT' },
      { name: 'RETURN', table: 'BAPIRET2' },
    ],
  ),
  fm(
    'BAPI_BILLINGDOC_GETDETAIL',
    [{ name: 'BILLINGDOCUMENT', simple: 'char10' }],
    [
      { name: 'BILLINGDOCUMENTDETAIL', structure: 'BAPIVBRKOUT' },
      { name: 'RETURN', structure: 'BAPIRETURN1' },
    ],
    [],
  ),
  fm(
    'BAPI_AR_ACC_GETOPENITEMS',
    [
      { name: 'COMPANYCODE', simple: 'char4' },
      { name: 'CUSTOMER', simple: 'char10' },
      { name: 'KEYDATE', simple: 'date10' },
      { name: 'NOTEDITEMS', simple: 'char1' },
      { name: 'SECINDEX', simple: 'char1' },
    ],
    [{ name: 'RETURN', structure: 'BAPIRETURN' }],
    [{ name: 'LINEITEMS', table: 'BAPI3007_2' }],
  ),
  fm(
    'BAPI_AR_ACC_GETBALANCEDITEMS',
    [
      { name: 'COMPANYCODE', simple: 'char4' },
      { name: 'CUSTOMER', simple: 'char10' },
      { name: 'DATE_FROM', simple: 'date10' },
      { name: 'DATE_TO', simple: 'date10' },
      { name: 'NOTEDITEMS', simple: 'char1' },
    ],
    [{ name: 'RETURN', structure: 'BAPIRETURN' }],
    [{ name: 'LINEITEMS', table: 'BAPI3007_2' }],
  ),
];

/** `/sap/bc/srt/rfc/sap/<service>/<client>/<service>/<binding>` (SOAMANAGER's shape, lower case). */
export function servicePath(f: FunctionModule, client: string): string {
  const s = f.service.toLowerCase();
  return `/sap/bc/srt/rfc/sap/${s}/${client}/${s}/${f.binding.toLowerCase()}`;
}

function simpleTypeXml(name: Simple): string {
  if (name === 'int') return '';
  if (name === 'date10') {
    return `<xsd:simpleType name="date10"><xsd:restriction base="xsd:string"><xsd:maxLength value="10"/><xsd:pattern value="\\d\\d\\d\\d-\\d\\d-\\d\\d"/></xsd:restriction></xsd:simpleType>`;
  }
  if (name === 'curr23.4') {
    return `<xsd:simpleType name="curr23.4"><xsd:restriction base="xsd:decimal"><xsd:totalDigits value="23"/><xsd:fractionDigits value="4"/></xsd:restriction></xsd:simpleType>`;
  }
  const n = /^(char|numeric)(\d+)$/.exec(name)!;
  const pattern = n[1] === 'numeric' ? '<xsd:pattern value="\\d*"/>' : '';
  return `<xsd:simpleType name="${name}"><xsd:restriction base="xsd:string"><xsd:maxLength value="${n[2]}"/>${pattern}</xsd:restriction></xsd:simpleType>`;
}

const typeRef = (s: Simple) => (s === 'int' ? 'xsd:int' : `tns:${s}`);

function paramXml(p: Param, optional: boolean): string {
  const min = optional ? ' minOccurs="0"' : '';
  if ('simple' in p) return `<xsd:element name="${p.name}" type="${typeRef(p.simple)}"${min}/>`;
  if ('structure' in p) return `<xsd:element name="${p.name}" type="tns:${p.structure}"${min}/>`;
  return `<xsd:element name="${p.name}" type="tns:TABLE_OF_${p.table}"${min}/>`;
}

/** The WSDL of one function module's service, with `address` as the port location. */
export function sapWsdl(f: FunctionModule, address: string, soap12 = false): string {
  const structs = new Set<string>();
  for (const p of [...f.importing, ...f.exporting, ...f.tables]) {
    if ('structure' in p) structs.add(p.structure);
    if ('table' in p) structs.add(p.table);
  }
  const simples = new Set<Simple>();
  for (const s of structs) for (const [, t] of STRUCTURES[s]!) simples.add(t);
  for (const p of [...f.importing, ...f.exporting]) if ('simple' in p) simples.add(p.simple);
  const complex = [...structs]
    .sort()
    .map((s) => {
      const fields = STRUCTURES[s]!.map(([n, t]) => `<xsd:element name="${n}" type="${typeRef(t)}"/>`).join('');
      return `<xsd:complexType name="${s}"><xsd:sequence>${fields}</xsd:sequence></xsd:complexType>`;
    })
    .join('');
  const tables = f.tables
    .map((p) => ('table' in p ? p.table : ''))
    .filter((t, i, all) => all.indexOf(t) === i)
    .map((t) => `<xsd:complexType name="TABLE_OF_${t}"><xsd:sequence><xsd:element name="item" type="tns:${t}" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>`)
    .join('');
  const byName = (a: Param, b: Param) => a.name.localeCompare(b.name);
  const request = [...f.importing.map((p) => paramXml(p, true)), ...f.tables.map((p) => paramXml(p, true))];
  const response = [...[...f.exporting].sort(byName).map((p) => paramXml(p, false)), ...f.tables.map((p) => paramXml(p, true))];
  const soapNs = soap12 ? 'wsoap12' : 'soap';
  const action = `${SAP_NS}:${f.service}:${f.name}Request`;
  return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions targetNamespace="${SAP_NS}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:wsoap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:tns="${SAP_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <wsdl:documentation><sidl:sidl xmlns:sidl="http://www.sap.com/2007/03/sidl"/></wsdl:documentation>
 <wsdl:types>
  <xsd:schema attributeFormDefault="qualified" targetNamespace="${SAP_NS}">
   ${[...simples].sort().map(simpleTypeXml).join('')}
   ${complex}${tables}
   <xsd:element name="${f.name}"><xsd:complexType><xsd:sequence>${request.join('')}</xsd:sequence></xsd:complexType></xsd:element>
   <xsd:element name="${f.name}Response"><xsd:complexType><xsd:sequence>${response.join('')}</xsd:sequence></xsd:complexType></xsd:element>
  </xsd:schema>
 </wsdl:types>
 <wsdl:message name="${f.name}"><wsdl:part name="parameters" element="tns:${f.name}"/></wsdl:message>
 <wsdl:message name="${f.name}Response"><wsdl:part name="parameter" element="tns:${f.name}Response"/></wsdl:message>
 <wsdl:portType name="${f.service}">
  <wsdl:operation name="${f.name}"><wsdl:input message="tns:${f.name}"/><wsdl:output message="tns:${f.name}Response"/></wsdl:operation>
 </wsdl:portType>
 <wsdl:binding name="${f.binding}" type="tns:${f.service}">
  <${soapNs}:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
  <wsdl:operation name="${f.name}">
   <${soapNs}:operation soapAction="${action}" style="document"/>
   <wsdl:input><${soapNs}:body use="literal"/></wsdl:input>
   <wsdl:output><${soapNs}:body use="literal"/></wsdl:output>
  </wsdl:operation>
 </wsdl:binding>
 <wsdl:service name="${f.service}">
  <wsdl:port name="${f.binding}" binding="tns:${f.binding}">
   <${soapNs}:address location="${address}"/>
  </wsdl:port>
 </wsdl:service>
</wsdl:definitions>
`;
}
