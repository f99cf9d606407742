/**
 * Test support (not exported): a tiny document/literal SOAP service on 127.0.0.1 served by the
 * `soap` package's own server, and a thin `SoapCaller` on `soap.createClientAsync`. The WSDL
 * leaves element contents open (`xsd:any`), so answers parse as node-soap parses untyped XML:
 * text stays text, a repeated element is an array only when it occurs twice.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import type { SoapCaller } from '../client/types.js';

export type Handler = (args: Record<string, unknown>) => unknown;

function wsdlFor(ops: string[], url: string): string {
  const el = (name: string) =>
    `<xsd:element name="${name}"><xsd:complexType><xsd:sequence><xsd:any minOccurs="0" maxOccurs="unbounded" processContents="lax"/></xsd:sequence></xsd:complexType></xsd:element>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions name="Erp" targetNamespace="urn:test:erp" xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="urn:test:erp" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<types><xsd:schema targetNamespace="urn:test:erp" elementFormDefault="unqualified">${ops.map((o) => el(o) + el(`${o}Response`)).join('')}</xsd:schema></types>
${ops.map((o) => `<message name="${o}In"><part name="parameters" element="tns:${o}"/></message><message name="${o}Out"><part name="parameters" element="tns:${o}Response"/></message>`).join('')}
<portType name="ErpPortType">${ops.map((o) => `<operation name="${o}"><input message="tns:${o}In"/><output message="tns:${o}Out"/></operation>`).join('')}</portType>
<binding name="ErpBinding" type="tns:ErpPortType"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${ops.map((o) => `<operation name="${o}"><soap:operation soapAction="urn:test:erp:${o}"/><input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>`).join('')}
</binding>
<service name="ErpService"><port name="ErpPort" binding="tns:ErpBinding"><soap:address location="${url}"/></port></service>
</definitions>`;
}

export interface TestSoapServer {
  url: string;
  wsdlUrl: string;
  /** Every call received: operation and the arguments as the server parsed them. */
  calls: { operation: string; args: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Serves `handlers` (operation → answer) as SOAP 1.1 on a free port of 127.0.0.1. */
export async function startSoapServer(handlers: Record<string, Handler>): Promise<TestSoapServer> {
  const server: Server = createServer((req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`;
  const calls: TestSoapServer['calls'] = [];
  const port: Record<string, (args: Record<string, unknown>) => unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    port[name] = (args) => {
      calls.push({ operation: name, args });
      return handler(args ?? {});
    };
  }
  soap.listen(server, '/erp', { ErpService: { ErpPort: port } }, wsdlFor(Object.keys(handlers), url));
  return {
    url,
    wsdlUrl: `${url}?wsdl`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A thin SoapCaller: one node-soap client per WSDL URL, nil as null, answers as parsed. */
export function testCaller(wsdlUrls: Record<string, string>): SoapCaller {
  const clients = new Map<string, Promise<soap.Client>>();
  const client = (service: string) => {
    const url = wsdlUrls[service];
    if (!url) throw new Error(`no WSDL for service ${service}`);
    let c = clients.get(service);
    if (!c) clients.set(service, (c = soap.createClientAsync(url, { handleNilAsNull: true })));
    return c;
  };
  return {
    async call(ref, args) {
      const c = await client(ref.service);
      const started = Date.now();
      const method = (c as unknown as Record<string, (a: unknown) => Promise<[unknown]>>)[`${ref.operation}Async`];
      if (!method) throw new Error(`no operation ${ref.operation}`);
      const [result] = await method.call(c, args);
      return { result, elapsedMs: Date.now() - started };
    },
    async describe(service) {
      return (await client(service)).describe();
    },
    close() {
      clients.clear();
    },
  };
}
