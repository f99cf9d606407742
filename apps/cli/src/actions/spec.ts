/** What `cesce spec check` does; loaded by its definition (../commands/spec.ts) only when the command runs. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  compareSpec,
  ourOperations,
  SpecDocumentError,
  type ApiName,
  type FieldFinding,
  type FieldInfo,
  type OperationComparison,
  type SpecComparison,
} from '@cesce-connect/core';

export interface SpecCheckFlags {
  api?: ApiName;
  json?: boolean;
}

type Outcome = { code: number; stdout?: string; stderr?: string };

/** Reads a JSON or YAML document; throws an Error whose message says what is wrong (not naming the file). */
export function readSpecDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : `cannot be read (${err.message})`);
  }
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new Error('is empty');
  if (/\.json$/i.test(file) || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch (e) {
      throw new Error(`is not valid JSON: ${(e as Error).message}`);
    }
  }
  try {
    return parseYaml(trimmed, { prettyErrors: true });
  } catch (e) {
    throw new Error(`is neither valid JSON nor valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

const SYMBOL: Record<OperationComparison['status'], string> = { same: '✓', differs: '✗', 'only-spec': '+', 'only-ours': '−' };
const STATUS_TEXT: Record<OperationComparison['status'], string> = {
  same: 'same',
  differs: 'differs',
  'only-spec': 'only in the spec (we lack it)',
  'only-ours': 'only ours (not in the spec)',
};

function describeInfo(info: FieldInfo): string {
  const parts = [info.types.join('|') || 'any', info.required ? 'required' : 'optional'];
  if (info.enum) parts.push(`one of ${info.enum.join(', ')}`);
  return parts.join(', ');
}

function describeFinding(f: FieldFinding): string {
  const where = `${f.location.padEnd(8)} ${f.field}`;
  switch (f.kind) {
    case 'missing':
      return `+ ${where}: only in the spec (${describeInfo(f.spec)})`;
    case 'extra':
      return `− ${where}: only ours, inferred (${describeInfo(f.ours)})`;
    case 'required':
      return `✗ ${where}: ${f.spec ? 'required' : 'optional'} in the spec, ${f.ours ? 'required' : 'optional'} in ours`;
    case 'type':
      return `✗ ${where}: type ${f.spec.join('|')} in the spec, ${f.ours.join('|')} in ours`;
    case 'enum': {
      const onlySpec = f.spec.filter((v) => !f.ours.includes(v));
      const onlyOurs = f.ours.filter((v) => !f.spec.includes(v));
      const bits = [onlySpec.length ? `only in the spec: ${onlySpec.join(', ')}` : '', onlyOurs.length ? `only ours: ${onlyOurs.join(', ')}` : ''].filter(Boolean);
      return `✗ ${where}: enum values differ (${bits.join('; ')})`;
    }
  }
}

export function renderComparison(file: string, r: SpecComparison): string {
  const format = r.format === 'swagger-2.0' ? 'Swagger 2.0' : 'OpenAPI 3';
  const lines = [`${file}: ${[r.title, r.version ? `v${r.version}` : ''].filter(Boolean).join(' ') || '(untitled)'} (${format}), compared with our ${r.apis.join(', ')} operations`, ''];
  const width = Math.max(0, ...r.operations.map((o) => `${o.method} ${o.path}`.length));
  for (const o of r.operations) {
    const label = o.operation ?? o.specOperationId ?? o.summary ?? '';
    lines.push(`${SYMBOL[o.status]} ${`${o.method} ${o.path}`.padEnd(width)}  ${label.padEnd(34)} ${STATUS_TEXT[o.status]}`);
    if (o.basePath) lines.push(`    ✗ base path ${o.basePath.spec} in the spec, /${o.basePath.ours.replace(/^\//, '')} in ours`);
    for (const f of o.findings) lines.push(`    ${describeFinding(f)}`);
  }
  const s = r.summary;
  lines.push(
    '',
    `Summary: ${r.operations.length} operation${r.operations.length === 1 ? '' : 's'}: ${s.same} same, ${s.differs} differ, ${s.onlyInSpec} only in the spec, ${s.onlyOurs} only ours; ${s.fieldFindings} field difference${s.fieldFindings === 1 ? '' : 's'}.`,
    s.differences === 0 ? 'Our schemas match the document.' : 'Legend: ✓ same  ✗ differs  + only in the spec  − only ours (inferred by us)',
  );
  return `${lines.join('\n')}\n`;
}

export function specCheck(file: string, flags: SpecCheckFlags): Outcome {
  const fail = (message: string): Outcome =>
    flags.json
      ? { code: 1, stdout: `${JSON.stringify({ ok: false, error: { code: 'invalid-spec', file, message } }, null, 2)}\n` }
      : { code: 1, stderr: `cesce spec check: ${file}: ${message}\n` };
  let doc: unknown;
  try {
    doc = readSpecDocument(file);
  } catch (e) {
    return fail((e as Error).message);
  }
  let result: SpecComparison;
  try {
    result = compareSpec(doc, ourOperations(), { api: flags.api });
  } catch (e) {
    if (e instanceof SpecDocumentError) return fail(e.message);
    throw e;
  }
  const code = result.summary.differences === 0 ? 0 : 2;
  if (flags.json) return { code, stdout: `${JSON.stringify({ ok: code === 0, file, ...result }, null, 2)}\n` };
  return { code, stdout: renderComparison(file, result) };
}

