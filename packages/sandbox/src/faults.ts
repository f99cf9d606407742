import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Reply } from './context.js';
import { ruleError } from './rules/messages.js';

/**
 * Deterministic fault injection (options.faults, CLI `--fail-rate`, `--rate-limit N/S`,
 * `--faults FILE`). Nothing here is random: the same requests always get the same answers.
 */
export const injectedFaultSchema = z
  .object({
    status: z.number().int().min(400).max(599),
    /** errorCode (business body) or httpCode (gateway body); default the status as text. */
    code: z.string().min(1).optional(),
    message: z.string(),
    /** Body format (see README "Errors"); default 'business'. */
    body: z.enum(['business', 'gateway']).optional(),
    /** Adds `Retry-After` (always present on a 429; default 1). */
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict();
export type InjectedFault = z.infer<typeof injectedFaultSchema>;

export const emulatorFaultsSchema = z
  .object({
    /**
     * Share of API calls (token excluded) answered 503, from 0 to 1, deterministic: call n fails when
     * floor(n × rate) > floor((n − 1) × rate), so 0.25 fails calls 4, 8, 12…, and 1 fails them all.
     */
    status5xxRate: z.number().min(0).max(1).optional(),
    /** Fixed window over every request (token included): more than `requests` in `perSeconds` s → 429. */
    rateLimit: z
      .object({
        requests: z.number().int().min(1),
        perSeconds: z.number().positive(),
        /** `Retry-After` of the 429; default: the seconds left in the window (rounded up). */
        retryAfterSeconds: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    /** Operation id (e.g. 'sales.create', 'token') → the error every call of it answers. */
    failOperations: z.record(z.string(), injectedFaultSchema).optional(),
  })
  .strict();
export type EmulatorFaults = z.infer<typeof emulatorFaultsSchema>;

export function parseFaults(value: unknown, source = 'faults'): EmulatorFaults {
  const parsed = emulatorFaultsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    throw new TypeError(`${source}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function loadFaultsFile(file: string): EmulatorFaults {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TypeError(`${file}: ${(err as Error).message}`);
  }
  return parseFaults(raw, file);
}

/** Parses `N/S` (e.g. `10/1`: 10 requests per second). */
export function parseRateLimit(text: string): { requests: number; perSeconds: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const requests = Number(m?.[1]);
  const perSeconds = Number(m?.[2]);
  if (!m || !(requests >= 1) || !(perSeconds > 0)) throw new TypeError(`rate limit must be N/S (e.g. 10/1), not '${text}'`);
  return { requests, perSeconds };
}

export function injectedReply(fault: InjectedFault): Reply {
  const code = fault.code ?? String(fault.status);
  const body =
    fault.body === 'gateway'
      ? { httpCode: code, httpMessage: '', moreInformation: fault.message }
      : { error: { errorCode: code, errorDescription: fault.message } };
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined || fault.status === 429) headers['retry-after'] = String(fault.retryAfterSeconds ?? 1);
  return { status: fault.status, body, headers };
}

export class FaultInjector {
  private apiCalls = 0;
  private windowStart = 0;
  private windowCount = 0;

  constructor(
    private readonly faults: EmulatorFaults,
    private readonly clock: () => number,
  ) {}

  /** The fault answer for this request, if any. `operation` undefined: unknown route. */
  check(operation: string | undefined): Reply | undefined {
    const limit = this.faults.rateLimit;
    if (limit) {
      const now = this.clock();
      const windowMs = limit.perSeconds * 1000;
      if (this.windowCount === 0 || now - this.windowStart >= windowMs) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      if (this.windowCount >= limit.requests) {
        const retryAfter = limit.retryAfterSeconds ?? Math.max(1, Math.ceil((this.windowStart + windowMs - now) / 1000));
        const reply = ruleError('rateLimited', { requests: limit.requests, perSeconds: limit.perSeconds, retryAfter });
        reply.headers = { ...reply.headers, 'retry-after': String(retryAfter) };
        return reply;
      }
      this.windowCount += 1;
    }
    if (operation === undefined) return undefined;
    const named = this.faults.failOperations?.[operation];
    if (named) return injectedReply(named);
    const rate = this.faults.status5xxRate;
    if (rate && operation !== 'token') {
      this.apiCalls += 1;
      const n = this.apiCalls;
      if (Math.floor(n * rate + 1e-9) > Math.floor((n - 1) * rate + 1e-9)) return ruleError('serviceUnavailable');
    }
    return undefined;
  }
}
