/**
 * Describes a WSDL (services → ports → operations → input/output element trees) from node-soap's
 * `describe()`, as data and as an indented tree to help writing a profile.
 */
import type { Client } from 'soap';
import { DEFAULT_TIMEOUT_MS, loadSoapClient, resolveWsdlLocation } from './soap-caller.js';
import type { SoapAuth } from './types.js';

export interface ElementNode {
  name: string;
  /** XSD type (e.g. `xs:string`, `xs:decimal`) for simple elements; absent for structures. */
  type?: string | undefined;
  /** `unbounded` when node-soap marks the element as repeated (`name[]`). */
  maxOccurs?: 'unbounded' | undefined;
  /** Namespace of a structure, when node-soap gives it. */
  namespace?: string | undefined;
  children?: ElementNode[] | undefined;
}

export interface OperationDescription {
  name: string;
  input: ElementNode[];
  output: ElementNode[];
}

export interface PortDescription {
  name: string;
  /** The address in the WSDL (or the endpoint override). */
  location?: string | undefined;
  operations: OperationDescription[];
}

export interface ServiceDescription {
  name: string;
  ports: PortDescription[];
}

export interface WsdlDescription {
  targetNamespace?: string | undefined;
  services: ServiceDescription[];
}

const META = new Set(['targetNSAlias', 'targetNamespace']);

function elements(tree: unknown): ElementNode[] {
  if (!tree || typeof tree !== 'object') return [];
  const out: ElementNode[] = [];
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (META.has(key)) continue;
    const repeated = key.endsWith('[]');
    const node: ElementNode = { name: repeated ? key.slice(0, -2) : key };
    if (repeated) node.maxOccurs = 'unbounded';
    if (typeof value === 'string') node.type = value;
    else if (value && typeof value === 'object') {
      const ns = (value as Record<string, unknown>).targetNamespace;
      if (typeof ns === 'string') node.namespace = ns;
      node.children = elements(value);
    }
    out.push(node);
  }
  return out;
}

/** Describes a loaded node-soap client. */
export function describeClient(client: Client, endpoint?: string): WsdlDescription {
  const described = client.describe() as Record<string, Record<string, Record<string, { input?: unknown; output?: unknown }>>>;
  const defs = client.wsdl.definitions as unknown as {
    $targetNamespace?: string;
    services: Record<string, { ports: Record<string, { location?: string }> }>;
  };
  return {
    targetNamespace: defs.$targetNamespace,
    services: Object.entries(described).map(([service, ports]) => ({
      name: service,
      ports: Object.entries(ports).map(([port, ops]) => ({
        name: port,
        location: endpoint ?? defs.services[service]?.ports[port]?.location,
        operations: Object.entries(ops).map(([op, io]) => ({ name: op, input: elements(io.input), output: elements(io.output) })),
      })),
    })),
  };
}

export interface DescribeWsdlOptions {
  /** URL, file path, or inline XML. */
  wsdl: string;
  endpoint?: string | undefined;
  auth?: SoapAuth | undefined;
  soapVersion?: '1.1' | '1.2' | undefined;
  timeoutMs?: number | undefined;
  encoding?: 'utf-8' | 'iso-8859-1' | undefined;
}

/** Loads a WSDL (with the same transport as calls: timeouts, auth, charset) and describes it. */
export async function describeWsdl(options: DescribeWsdlOptions): Promise<WsdlDescription> {
  const client = await loadSoapClient({
    wsdl: resolveWsdlLocation(options.wsdl, '', process.cwd()),
    endpoint: options.endpoint,
    auth: options.auth ?? { type: 'none' },
    soapVersion: options.soapVersion ?? '1.1',
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    encoding: options.encoding,
  });
  return describeClient(client, options.endpoint);
}

function formatNodes(nodes: ElementNode[], indent: string, lines: string[]): void {
  for (const n of nodes) {
    const many = n.maxOccurs === 'unbounded' ? '[]' : '';
    if (n.children) {
      lines.push(`${indent}${n.name}${many}${n.children.length === 0 ? ' (empty)' : ''}`);
      formatNodes(n.children, `${indent}  `, lines);
    } else {
      lines.push(`${indent}${n.name}${many}: ${n.type ?? '?'}`);
    }
  }
}

/** An indented tree: service, port (address), operation, its input and output elements (`[]` = repeated). */
export function formatDescription(d: WsdlDescription): string {
  const lines: string[] = [];
  if (d.targetNamespace) lines.push(`namespace ${d.targetNamespace}`);
  for (const s of d.services) {
    lines.push(`service ${s.name}`);
    for (const p of s.ports) {
      lines.push(`  port ${p.name}${p.location ? `  ${p.location}` : ''}`);
      for (const op of p.operations) {
        lines.push(`    operation ${op.name}`);
        lines.push('      input');
        formatNodes(op.input, '        ', lines);
        lines.push('      output');
        formatNodes(op.output, '        ', lines);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
