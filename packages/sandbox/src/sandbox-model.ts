import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * sandbox-model mode: like Cesce's remote sandbox (reference §6), the emulator answers only the
 * published sample inputs, each with its fixed output, and 404 for anything else.
 * Format: docs/sandbox-data-format.md, "Sandbox model".
 */
export const sandboxModelCaseSchema = z
  .object({
    description: z.string().optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** Full path from the base URL, contract included, e.g. /sales/v1/contracts/34109150331/sales. */
    path: z.string().startsWith('/'),
    /** Exact query parameters (order free); absent: the request must have none. */
    query: z.record(z.string(), z.string()).optional(),
    /** Exact JSON body (key order free); absent: the request must have no body. */
    body: z.unknown().optional(),
    status: z.number().int().min(100).max(599),
    response: z.unknown(),
  })
  .strict();
export type SandboxModelCase = z.infer<typeof sandboxModelCaseSchema>;

export const sandboxModelSchema = z.union([
  z.array(sandboxModelCaseSchema),
  z.object({ description: z.string().optional(), cases: z.array(sandboxModelCaseSchema) }).strict(),
]);
export type SandboxModel = z.infer<typeof sandboxModelSchema>;

/** The model shipped with the package (a few cases per API, over the demo data's contract). */
export const DEFAULT_SANDBOX_MODEL_FILE = fileURLToPath(new URL('../data/sandbox-model.json', import.meta.url));

export function parseSandboxModel(value: unknown, source = 'model'): SandboxModelCase[] {
  const parsed = sandboxModelSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    throw new TypeError(`${source}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid sandbox model'}`);
  }
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.cases;
}

export function loadSandboxModel(file: string): SandboxModelCase[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TypeError(`${file}: ${(err as Error).message}`);
  }
  return parseSandboxModel(raw, file);
}

/** JSON with object keys sorted, recursively: equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, norm((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(value)) ?? 'undefined';
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** The case that answers a request exactly, if any. */
export function findModelCase(
  cases: readonly SandboxModelCase[],
  method: string,
  pathname: string,
  query: URLSearchParams,
  rawBody: string,
): SandboxModelCase | undefined {
  const path = decodePath(pathname);
  const q: Record<string, string> = {};
  for (const [k, v] of query) q[k] = v;
  const qText = canonicalJson(q);
  let body: { ok: true; text: string } | { ok: false } | undefined;
  if (rawBody.trim() !== '') {
    try {
      body = { ok: true, text: canonicalJson(JSON.parse(rawBody)) };
    } catch {
      body = { ok: false };
    }
  }
  return cases.find((c) => {
    if (c.method !== method || decodePath(c.path) !== path) return false;
    if (canonicalJson(c.query ?? {}) !== qText) return false;
    if (!('body' in c) || c.body === undefined) return body === undefined;
    return body !== undefined && body.ok && body.text === canonicalJson(c.body);
  });
}
