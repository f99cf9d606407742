import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Reply } from './context.js';
import { ruleError } from './rules/messages.js';

/**
 * Fault injection (options.faults, CLI `--fail-rate`, `--rate-limit N/S`, `--faults FILE`).
 * `status5xxRate`, `rateLimit` and `failOperations` are deterministic: the same requests always get
 * the same answers. `chaos` draws its faults from a seeded PRNG: the same seed and the same sequence
 * of requests always get the same faults, so a failing chaos run can be replayed.
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

const share = z.number().min(0).max(1);

/** A fault that strikes a share of the requests, before or after the request takes effect. */
const phasedFault = {
  /** Share of the requests in scope that get this fault, 0..1. */
  rate: share,
  /**
   * Share of those struck after the request has taken effect (a sale recorded, then the 5xx, the
   * hang or the reset): the dangerous case for a client that resends. Default 0.5.
   */
  afterProcessing: share.optional(),
};

/** Random faults from a seeded PRNG (see README "Chaos faults"). */
export const chaosFaultsSchema = z
  .object({
    /** PRNG seed (a whole number): the same seed and request sequence give the same faults. */
    seed: z.number().int(),
    /** Operations in scope (e.g. 'sales.create', 'token'); default every API operation, the token endpoint excluded. */
    operations: z.array(z.string().min(1)).min(1).optional(),
    /** Random 5xx: before processing (refused) or after (processed, then answered 5xx). */
    error5xx: z
      .object({ ...phasedFault, status: z.number().int().min(500).max(599).optional() })
      .strict()
      .optional(),
    /** Hangs of `ms` (longer than the client's timeout): before processing (then 504, nothing done) or after (the real answer, late). */
    hang: z
      .object({ ...phasedFault, ms: z.number().int().positive() })
      .strict()
      .optional(),
    /** Connection resets (socket destroyed, no answer): before or after processing. */
    reset: z.object(phasedFault).strict().optional(),
    /** 429 bursts: a request starts one with probability `rate`; it and the next `length − 1` in scope answer 429 with Retry-After, unprocessed. */
    burst429: z
      .object({ rate: share, length: z.number().int().min(1), retryAfterSeconds: z.number().int().min(0).optional() })
      .strict()
      .optional(),
    /** A share `rate` of issued tokens expires after `afterSeconds` although `expires_in` says the full lifetime: later calls answer 401. */
    earlyTokenExpiry: z
      .object({ rate: share, afterSeconds: z.number().positive() })
      .strict()
      .optional(),
  })
  .strict();
export type ChaosFaults = z.infer<typeof chaosFaultsSchema>;

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
    /** Seeded random faults: 5xx, hangs, resets, 429 bursts, tokens that expire early. */
    chaos: chaosFaultsSchema.optional(),
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

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ChaosKind = '5xx' | 'hang' | 'reset' | '429';

/** What the server does with one request: `before`: instead of processing it; `after`: once it took effect. */
export interface ChaosDecision {
  kind: ChaosKind;
  phase: 'before' | 'after';
  /** The answer to send (5xx, 429, or the 504 that ends a hang before processing). */
  reply?: Reply;
  /** Hang: hold the answer this long. */
  delayMs?: number;
}

/** Counter names of `FaultInjector.stats()`. */
export const CHAOS_COUNTERS = [
  '5xx-before',
  '5xx-after',
  'hang-before',
  'hang-after',
  'reset-before',
  'reset-after',
  '429',
  'token-early-expiry',
] as const;
export type ChaosCounter = (typeof CHAOS_COUNTERS)[number];

export interface FaultStats {
  /** The chaos seed, when chaos faults are on. */
  seed?: number;
  /** Requests the chaos faults were drawn for (in scope). */
  requestsInScope: number;
  /** Faults injected, by kind and phase. */
  injected: Record<ChaosCounter, number>;
}

export class FaultInjector {
  private apiCalls = 0;
  private windowStart = 0;
  private windowCount = 0;
  private readonly random: (() => number) | undefined;
  private burstLeft = 0;
  private inScope = 0;
  private readonly counts = Object.fromEntries(CHAOS_COUNTERS.map((c) => [c, 0])) as Record<ChaosCounter, number>;

  constructor(
    private readonly faults: EmulatorFaults,
    private readonly clock: () => number,
  ) {
    this.random = faults.chaos ? seededRandom(faults.chaos.seed) : undefined;
  }

  /** Chaos fault counts since the start (served at GET /_emulator/faults). */
  stats(): FaultStats {
    return {
      ...(this.faults.chaos ? { seed: this.faults.chaos.seed } : {}),
      requestsInScope: this.inScope,
      injected: { ...this.counts },
    };
  }

  /**
   * The chaos fault for this request, if any. Draws exactly two numbers per request in scope, so
   * the faults depend only on the seed and the order of the requests.
   */
  chaos(operation: string | undefined): ChaosDecision | undefined {
    const chaos = this.faults.chaos;
    const random = this.random;
    if (!chaos || !random || operation === undefined) return undefined;
    const inScope = chaos.operations ? chaos.operations.includes(operation) : operation !== 'token';
    if (!inScope) return undefined;
    this.inScope += 1;
    const u = random();
    const v = random();
    if (this.burstLeft > 0) {
      this.burstLeft -= 1;
      return this.tooMany(chaos);
    }
    let threshold = 0;
    const phase = (afterProcessing: number | undefined): 'before' | 'after' => (v < (afterProcessing ?? 0.5) ? 'after' : 'before');
    if (chaos.error5xx && u < (threshold += chaos.error5xx.rate)) {
      const when = phase(chaos.error5xx.afterProcessing);
      this.counts[`5xx-${when}`] += 1;
      const status = chaos.error5xx.status ?? 503;
      return { kind: '5xx', phase: when, reply: injectedReply({ status, body: 'gateway', message: 'The service is temporarily unavailable.' }) };
    }
    if (chaos.hang && u < (threshold += chaos.hang.rate)) {
      const when = phase(chaos.hang.afterProcessing);
      this.counts[`hang-${when}`] += 1;
      const reply = when === 'before' ? injectedReply({ status: 504, body: 'gateway', message: 'Gateway Timeout: the back end did not answer in time.' }) : undefined;
      return { kind: 'hang', phase: when, delayMs: chaos.hang.ms, ...(reply ? { reply } : {}) };
    }
    if (chaos.reset && u < (threshold += chaos.reset.rate)) {
      const when = phase(chaos.reset.afterProcessing);
      this.counts[`reset-${when}`] += 1;
      return { kind: 'reset', phase: when };
    }
    if (chaos.burst429 && u < (threshold += chaos.burst429.rate)) {
      this.burstLeft = chaos.burst429.length - 1;
      return this.tooMany(chaos);
    }
    return undefined;
  }

  private tooMany(chaos: ChaosFaults): ChaosDecision {
    this.counts['429'] += 1;
    const retryAfterSeconds = chaos.burst429?.retryAfterSeconds ?? 1;
    return {
      kind: '429',
      phase: 'before',
      reply: injectedReply({ status: 429, body: 'gateway', message: `Too Many Requests. Retry after ${retryAfterSeconds} s.`, retryAfterSeconds }),
    };
  }

  /**
   * Lifetime of a token being issued: `earlyTokenExpiry.afterSeconds` for a drawn share of them
   * (the answer's `expires_in` still says the full lifetime), else undefined (the full lifetime).
   */
  tokenLifetimeSeconds(): number | undefined {
    const early = this.faults.chaos?.earlyTokenExpiry;
    if (!early || !this.random) return undefined;
    if (this.random() >= early.rate) return undefined;
    this.counts['token-early-expiry'] += 1;
    return early.afterSeconds;
  }

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
