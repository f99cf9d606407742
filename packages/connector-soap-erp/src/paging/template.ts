/**
 * Renders a profile's request template: every string of the (nested) template may hold
 * `{{placeholders}}`. A string that is exactly one placeholder takes the placeholder's typed value
 * (a number, `null`, a string); inside longer text values are written as text (`null` as '').
 * Names are dot paths into the values: `pageSize`, `since`, `company.id`, `record.KUNNR`,
 * `customer.erpId`, `id`, `from`, `to`… A name whose first segment is not a given value is a
 * configuration error naming the placeholder and the operation.
 */
import { ConfigError } from '@cesce-connect/core';
import { getPath } from '../mapping/path.js';

export type TemplateValues = Record<string, unknown>;

const ONE = /^\{\{\s*([\w$.-]+)\s*\}\}$/;
const ANY = /\{\{\s*([\w$.-]+)\s*\}\}/g;

function lookup(name: string, values: TemplateValues, where: string): unknown {
  const [head, ...rest] = name.split('.');
  if (head === undefined || !Object.hasOwn(values, head)) {
    throw new ConfigError(`SOAP ERP profile, ${where}`, [
      { path: 'request', message: `unknown placeholder {{${name}}}; available here: ${Object.keys(values).map((k) => `{{${k}}}`).join(', ')}` },
    ]);
  }
  const value = values[head];
  if (rest.length === 0) return value === undefined ? null : value;
  const inner = getPath(value, rest.join('.'));
  return inner === undefined ? null : inner;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Renders `template` with `values`; `where` names the operation for errors (e.g. `invoices BAPI_BILLINGDOC_GETLIST`). */
export function renderTemplate(template: unknown, values: TemplateValues, where: string): unknown {
  if (typeof template === 'string') {
    const one = ONE.exec(template);
    if (one) return lookup(one[1]!, values, where);
    return template.replace(ANY, (_, name: string) => asText(lookup(name, values, where)));
  }
  if (Array.isArray(template)) return template.map((t) => renderTemplate(t, values, where));
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = renderTemplate(v, values, where);
    return out;
  }
  return template;
}

/** Every placeholder name used in a template (to check a profile before calling). */
export function placeholdersOf(template: unknown): string[] {
  if (typeof template === 'string') return [...template.matchAll(ANY)].map((m) => m[1]!);
  if (Array.isArray(template)) return template.flatMap(placeholdersOf);
  if (template && typeof template === 'object') return Object.values(template).flatMap(placeholdersOf);
  return [];
}
