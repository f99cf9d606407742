import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { run, type JobHelpers, type Runner, type WorkerEvents } from 'graphile-worker';
import {
  CesceApiError,
  failureKind,
  recordExchanges,
  retryAfterOf,
  retryDelayMs,
  sleep,
  toInvoiceMonth,
  type CesceClient,
  type Exchange,
} from '@cesce-connect/core';
import { CONFLICT_KB_ID, findSale, isFatal, type FoundAtCesce } from '@cesce-connect/sync';
import type { Pool } from 'pg';
import { declareTask, type StoredRequest } from './planner.js';
import { migrateQueue, quietLogger } from './queue.js';
import { beforeSend, sendGuard } from './rate-limit.js';
import { inTransaction, migrate, SCHEMA } from './schema.js';

export interface WorkerOptions {
  pool: Pool;
  /** One Cesce client per contract this worker declares for (each with its own credentials and rate limiter). */
  clients: CesceClient[];
  /** Declarations in flight at once in this process (default 4). */
  concurrency?: number | undefined;
  /**
   * Stop once no job of these contracts is ready, running, or due for a retry within a minute;
   * jobs whose retry is further away (Cesce down for a while) stay queued for the next worker run
   * (`report.leftForLater`). Default: run until stopped.
   */
  drain?: boolean | undefined;
  /** How long a worker may hold an item it is sending before another may look it up and take it over (default 3 × the client timeout + 30 s). */
  leaseMs?: number | undefined;
  /** A worker process whose heartbeat is older than this is taken for dead, and its jobs released (default 30 s). */
  staleAfterMs?: number | undefined;
  /** Heartbeat and drain check interval (default 1 s for drain checks, staleAfterMs / 6 for heartbeats). */
  pollMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each item is settled (declared, rejected, failed, waiting). */
  onItem?: ((event: ItemEvent) => void) | undefined;
}

export interface ItemEvent {
  key: string;
  erpRef: string;
  outcome: 'declared' | 'found-at-cesce' | 'rejected' | 'conflict' | 'failed' | 'waiting';
  message?: string | undefined;
}

export interface WorkerReport {
  worker: string;
  declared: { invoices: number; creditNotes: number };
  /** Found at Cesce when an earlier send's outcome was unknown (crash, timeout): recorded, not sent again. */
  foundAtCesce: number;
  rejected: { erpRef: string; httpStatus: number; kbId: string; message: string }[];
  conflicts: { erpRef: string; message: string }[];
  /** Sends whose outcome was unknown (network, timeout, 5xx, 429): retried later, looked up first. */
  failed: number;
  /** Credit notes whose invoice was not declared (yet). */
  waiting: number;
  /** With `drain`: jobs left queued with a retry due later than a minute from the end (for the next run). */
  leftForLater: number;
  /** Workers found dead (no heartbeat) whose jobs this one released. */
  releasedWorkers: number;
  requests: { cesce: number; token: number };
  durationMs: number;
  /** The error that stopped the worker (credentials, subscription, policy): every item would fail alike. */
  fatal?: unknown;
}

interface ItemRow {
  key: string;
  contract_no: string;
  kind: 'invoice' | 'credit_note';
  erp_ref: string;
  invoice_no: string;
  endorsement_no: string;
  origin_key: string | null;
  request_json: string;
  state: string;
}

type Outcome = { kind: 'created'; ref: string } | Exclude<FoundAtCesce, { kind: 'absent' }> | { kind: 'error'; error: unknown } | { kind: 'lost'; why: string };

/** Draining waits for retries due within this; later ones are left to the next worker run. */
const DRAIN_HORIZON_MS = 60_000;

/** How long a credit note's job waits for its invoice in flight before it is given back, and how often it looks. */
const ORIGIN_WAIT_MS = 10_000;
const ORIGIN_POLL_MS = 50;

/** A job that must run again later (graphile-worker retries it with exponential backoff). */
class RetryLater extends Error {}

/** The worker no longer holds the item it was about to send for (another worker took it over). */
class LeaseLost extends Error {}

/**
 * One `cesce worker` process: takes declaration jobs of its contracts from the PostgreSQL queue
 * (graphile-worker) and declares each item exactly once, on one or many machines at once.
 *
 * Each item is claimed with a lease before its Cesce call (`queued → sending`); a worker that finds
 * an item `sending` with an expired lease, or `failed`, looks it up at Cesce first (the earlier
 * send may have arrived) and sends it only if it is not there. Workers heartbeat in `cesce.workers`;
 * one that stops beating (killed, machine lost) has its jobs released by the others.
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerReport> {
  const started = Date.now();
  const { pool } = options;
  if (options.clients.length === 0) throw new TypeError('runWorker needs at least one Cesce client (one per contract)');
  const clients = new Map(options.clients.map((c) => [c.contract.value, c]));
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const staleAfterMs = Math.max(1000, options.staleAfterMs ?? 30_000);
  // A lease check older than this when the POST leaves means the process stalled in between.
  const guardMs = Math.min(5_000, staleAfterMs / 2);
  const before = new Map(options.clients.map((c) => [c.contract.value, c.requestCounts]));
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const report: WorkerReport = {
    worker: id,
    declared: { invoices: 0, creditNotes: 0 },
    foundAtCesce: 0,
    rejected: [],
    conflicts: [],
    failed: 0,
    waiting: 0,
    leftForLater: 0,
    releasedWorkers: 0,
    requests: { cesce: 0, token: 0 },
    durationMs: 0,
  };
  await migrate(pool);
  await migrateQueue(pool);

  const jobWorkers = new Set<string>();
  await pool.query(`INSERT INTO ${SCHEMA}.workers (id, host, pid) VALUES ($1, $2, $3)`, [id, hostname(), process.pid]);
  const heartbeat = async () => {
    // An upsert: a worker that another one took for dead (paused past --stale-after, cut off from
    // PostgreSQL a while) registers again, so that it shows in `status` and can be released again.
    await pool.query(
      `INSERT INTO ${SCHEMA}.workers (id, host, pid, job_workers) VALUES ($1, $3, $4, $2)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), job_workers = EXCLUDED.job_workers`,
      [id, [...jobWorkers], hostname(), process.pid],
    );
    report.releasedWorkers += await releaseDeadWorkers(pool, staleAfterMs);
  };

  let runner: Runner | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void runner?.stop().catch(() => {});
  };

  const emit = (event: ItemEvent) => options.onItem?.(event);

  const task = (client: CesceClient) => async (payload: unknown, helpers: JobHelpers): Promise<void> => {
    const key = (payload as { key?: unknown })?.key;
    if (typeof key !== 'string') throw new TypeError(`job ${helpers.job.id} has no item key`);
    const leaseMs = options.leaseMs ?? 3 * client.timeoutMs + 30_000;
    // Claim in one statement: only one worker sends an item (an expired lease means its holder died
    // or hung), and a credit note only once its invoice is declared.
    const claim = async (): Promise<(ItemRow & { before: string }) | undefined> =>
      (
        await pool.query<ItemRow & { before: string }>(
          `UPDATE ${SCHEMA}.items i
              SET state = 'sending', attempts = i.attempts + 1, lease_owner = $2,
                  lease_until = now() + make_interval(secs => $3::float8 / 1000), updated_at = now()
             FROM (SELECT key, state AS before, lease_until FROM ${SCHEMA}.items WHERE key = $1 FOR UPDATE) o
            WHERE i.key = o.key AND i.contract_no = $4
              AND (o.before IN ('queued', 'failed', 'waiting') OR (o.before = 'sending' AND (o.lease_until IS NULL OR o.lease_until < now())))
              AND (i.origin_key IS NULL OR EXISTS (SELECT 1 FROM ${SCHEMA}.items x WHERE x.key = i.origin_key AND x.state = 'declared'))
            RETURNING i.*, o.before`,
          [key, id, leaseMs, client.contract.value],
        )
      ).rows[0];
    let item = await claim();
    if (!item) {
      // Why not: settled already, another contract, another worker's live lease, or a credit note
      // whose invoice is not declared (yet).
      const row = (await pool.query<ItemRow>(`SELECT * FROM ${SCHEMA}.items WHERE key = $1`, [key])).rows[0];
      if (!row || row.state === 'declared' || row.state === 'rejected') return;
      if (row.contract_no !== client.contract.value) throw new Error(`item ${key} belongs to contract ${row.contract_no}, not ${client.contract.value}`);
      if (row.kind === 'credit_note') {
        // Credit notes are queued after their invoices at a lower priority, so the invoice is
        // usually declared or in flight: wait for it a moment rather than give the job back.
        let origin: { state: string; invoice_no: string } | undefined;
        for (let waited = 0; ; waited += ORIGIN_POLL_MS) {
          origin = row.origin_key
            ? (await pool.query<{ state: string; invoice_no: string }>(`SELECT state, invoice_no FROM ${SCHEMA}.items WHERE key = $1`, [row.origin_key])).rows[0]
            : undefined;
          if (!origin || origin.state === 'declared' || origin.state === 'rejected' || origin.state === 'waiting' || waited >= ORIGIN_WAIT_MS) break;
          await new Promise((r) => setTimeout(r, ORIGIN_POLL_MS));
        }
        if (origin?.state === 'declared') item = await claim();
        else {
          const message = !origin
            ? 'its invoice is not in the shared ledger'
            : `waits for its invoice ${origin.invoice_no}, which ${origin.state === 'rejected' ? 'was rejected by Cesce' : `is ${origin.state}`} (positive sales go first)`;
          await pool.query(`UPDATE ${SCHEMA}.items SET state = 'waiting', message = $2, updated_at = now() WHERE key = $1 AND state IN ('queued', 'waiting')`, [key, message]);
          report.waiting += 1;
          emit({ key, erpRef: row.erp_ref, outcome: 'waiting', message });
          // Rejected or missing: nothing to wait for in this job; the next plan queues it again.
          if (!origin || origin.state === 'rejected') return;
          throw new RetryLater(`${row.erp_ref} ${message}`);
        }
      }
      if (!item) {
        const now = (await pool.query<{ state: string }>(`SELECT state FROM ${SCHEMA}.items WHERE key = $1`, [key])).rows[0]?.state;
        if (now === 'declared' || now === 'rejected' || now === undefined) return;
        throw new RetryLater(`${row.erp_ref} is being sent by another worker`);
      }
    }
    const previous = item.before;

    const input = JSON.parse(item.request_json) as StoredRequest;
    // `sending` (a worker died mid-call) or `failed` (timeout, 5xx): the earlier send may have
    // reached Cesce. Look it up before sending again.
    const unknown = previous === 'sending' || previous === 'failed';
    const exchanges: Exchange[] = [];
    // Right before each call leaves (and after its rate-limit slot, see PgRateLimiter): renew the
    // lease if this worker still holds it. A worker paused or cut off from PostgreSQL past
    // --stale-after has its leases ended by the others, and one of them may have taken the item
    // over (looked it up, sent it): this one must then not send it again.
    let lost: string | undefined;
    let checkedAt = Number.NEGATIVE_INFINITY;
    // Checked synchronously by the guarded fetch (guardedFetch) as the POST leaves: a process paused
    // between its lease check and the call (SIGSTOP, a VM paused) finds its check too old and does
    // not send; the item is retried (and looked up at Cesce first).
    const guard = {
      check: (): void => {
        if (lost) throw new LeaseLost(lost);
        const age = performance.now() - checkedAt;
        if (age > guardMs) {
          lost = `its lease was checked ${Math.round(age)} ms before the call (the process was paused or starved): not sent`;
          throw new LeaseLost(lost);
        }
      },
    };
    const holdLease = async (): Promise<void> => {
      if (lost) throw new LeaseLost(lost);
      let held = false;
      try {
        const { rowCount } = await pool.query(
          `UPDATE ${SCHEMA}.items SET lease_until = now() + make_interval(secs => $3::float8 / 1000)
            WHERE key = $1 AND lease_owner = $2 AND state = 'sending'`,
          [key, id, leaseMs],
        );
        held = rowCount === 1;
        if (held) checkedAt = performance.now();
        else lost = 'another worker took it over';
      } catch (error) {
        lost = `its lease could not be checked (${error instanceof Error ? error.message : String(error)})`;
      }
      if (!held) throw new LeaseLost(lost);
    };
    const outcome: Outcome = await recordExchanges(
      (e) => exchanges.push(e),
      () => sendGuard.run(guard, () => beforeSend.run(holdLease, async (): Promise<Outcome> => {
        // The client's retry policy, as the single-process engine applies it to creates: a 429 is
        // sent again after its Retry-After; after a timeout, reset or 5xx the sale is looked up at
        // Cesce first and sent again only if it is not there. What is left fails the job, which
        // graphile-worker runs again later (looking it up first again).
        const policy = client.retryPolicy;
        let lookFirst = unknown;
        for (let attempt = 1; ; attempt++) {
          try {
            if (lookFirst) {
              const found = await findSale(client, {
                endorsementNo: input.endorsementNo,
                invoiceMonth: toInvoiceMonth(input.invoiceDate),
                invoiceNo: input.invoiceNo,
                creditNote: item.kind === 'credit_note',
                amount: input.amount.amount,
              });
              if (found.kind !== 'absent') return found;
            }
            await holdLease();
            const sale = await client.sales.declare(input);
            return { kind: 'created', ref: sale.saleCesceReferenceNo };
          } catch (error) {
            if (lost) return { kind: 'lost', why: lost };
            const kind = failureKind(error);
            if (isFatal(error) || kind === 'final' || attempt > policy.limit || stopping) return { kind: 'error', error };
            const wait = retryDelayMs(policy, attempt, retryAfterOf(error));
            if (wait === null) return { kind: 'error', error };
            await sleep(wait);
            lookFirst = lookFirst || kind === 'unknown';
          }
        }
      })),
    );

    // The outcome and the exchanges that led to it, in one statement (atomic, one round trip).
    // `set` uses $12 onwards; only this worker's lease is settled.
    // Resolves to false when another worker had taken the item over meanwhile (it settles it).
    const settle = async (set: string, params: unknown[]): Promise<boolean> => {
      const { rows } = await pool.query<{ n: string }>(
        `WITH settled AS (
           UPDATE ${SCHEMA}.items SET ${set}, lease_owner = NULL, lease_until = NULL, updated_at = now()
            WHERE key = $1 AND lease_owner = $2 AND state = 'sending' RETURNING key),
         logged AS (
         INSERT INTO ${SCHEMA}.exchanges (item_key, worker, at, operation, method, url, status, duration_ms, request_body, response_body, error)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::text[], $10::text[], $11::text[]))
         SELECT count(*) AS n FROM settled`,
        [
          key,
          id,
          exchanges.map((e) => e.at),
          exchanges.map((e) => e.operation),
          exchanges.map((e) => e.method),
          exchanges.map((e) => e.url),
          exchanges.map((e) => e.status),
          exchanges.map((e) => e.durationMs),
          exchanges.map((e) => e.requestBody),
          exchanges.map((e) => e.responseBody),
          exchanges.map((e) => e.error),
          ...params,
        ],
      );
      return Number(rows[0]?.n ?? 0) === 1;
    };

    if (outcome.kind === 'lost') {
      // Not sent: whoever holds the item now settles it (or it is looked up at the next attempt).
      await settle(`state = state`, []).catch(() => false);
      throw new RetryLater(`${item.erp_ref} not sent: ${outcome.why}`);
    }

    if (outcome.kind === 'created' || outcome.kind === 'found') {
      const mine = await settle(`state = 'declared', cesce_ref = $12, message = NULL, http_status = NULL, kb_id = NULL, declared_at = now()`, [outcome.ref]);
      // Taken over while the call was in flight: the worker that holds it now finds it at Cesce and counts it.
      if (!mine) return;
      if (outcome.kind === 'found') report.foundAtCesce += 1;
      if (item.kind === 'invoice') report.declared.invoices += 1;
      else report.declared.creditNotes += 1;
      emit({ key, erpRef: item.erp_ref, outcome: outcome.kind === 'found' ? 'found-at-cesce' : 'declared' });
      return;
    }
    if (outcome.kind === 'conflict') {
      if (!(await settle(`state = 'rejected', http_status = 0, kb_id = $12, message = $13`, [CONFLICT_KB_ID, outcome.message]))) return;
      report.conflicts.push({ erpRef: item.erp_ref, message: outcome.message });
      emit({ key, erpRef: item.erp_ref, outcome: 'conflict', message: outcome.message });
      return;
    }
    const error = outcome.error;
    if (!isFatal(error) && error instanceof CesceApiError && failureKind(error) === 'final') {
      if (!(await settle(`state = 'rejected', http_status = $12, kb_id = $13, message = $14`, [error.status, error.entry.id, error.cesceMessage]))) return;
      report.rejected.push({ erpRef: item.erp_ref, httpStatus: error.status, kbId: error.entry.id, message: error.cesceMessage });
      emit({ key, erpRef: item.erp_ref, outcome: 'rejected', message: error.cesceMessage });
      return;
    }
    // Outcome unknown (network, timeout, 5xx), refused for now (429), or a fatal error: `failed`,
    // looked up at Cesce before the next attempt.
    const message = error instanceof Error ? error.message : String(error);
    if (await settle(`state = 'failed', message = $12`, [message])) {
      report.failed += 1;
      emit({ key, erpRef: item.erp_ref, outcome: 'failed', message });
    }
    if (isFatal(error)) {
      report.fatal ??= error;
      stop();
    }
    throw new RetryLater(`${item.erp_ref}: ${message}`);
  };

  const taskList = Object.fromEntries([...clients.values()].map((c) => [declareTask(c.contract.value), task(c)]));
  const identifiers = Object.keys(taskList);

  // Our own emitter, given to run(): graphile-worker creates its workers while run() starts.
  const events = new EventEmitter() as WorkerEvents;
  events.on('worker:create', ({ worker }) => {
    jobWorkers.add(worker.workerId);
  });
  // A job worker that could not record a job's end (PostgreSQL gone: restart, failover) exits for
  // good, and graphile-worker does not replace it: this process would go on beating while taking
  // no job, its jobs locked for hours. Stop instead (a supervisor starts it again), and let the
  // jobs go below.
  events.on('worker:fatalError', ({ error }) => {
    if (stopping) return;
    report.fatal ??= new Error(
      `lost PostgreSQL while finishing a job (${error instanceof Error ? error.message : String(error)}); this worker stopped: start it again once PostgreSQL is back (items in flight are looked up at Cesce before anything is sent again)`,
    );
    stop();
  });
  await heartbeat();
  runner = await run({
    pgPool: pool,
    concurrency,
    taskList,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietLogger,
    events,
  });
  // Record the job workers' ids at once, so that they can be released if this process dies.
  await heartbeat();

  const beat = setInterval(() => void heartbeat().catch(() => {}), Math.max(250, Math.floor((options.pollMs ?? staleAfterMs / 6))));
  let drainTimer: NodeJS.Timeout | undefined;
  if (options.drain) {
    let empty = 0;
    drainTimer = setInterval(() => {
      void pool
        .query<{ n: string }>(
          `SELECT count(*) AS n FROM graphile_worker.jobs
            WHERE task_identifier = ANY($1::text[]) AND attempts < max_attempts
              AND (locked_at IS NOT NULL OR run_at <= now() + make_interval(secs => $2::float8 / 1000))`,
          [identifiers, DRAIN_HORIZON_MS],
        )
        .then(({ rows }) => {
          // Twice in a row: a job being completed and its follower being added are not a gap.
          empty = Number(rows[0]?.n ?? 0) === 0 ? empty + 1 : 0;
          if (empty >= 2) stop();
        })
        .catch(() => {});
    }, Math.max(100, Math.min(options.pollMs ?? 500, 1000)));
  }
  const onAbort = () => stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop();
  try {
    // graphile-worker's promise rejects when it cannot shut down cleanly (PostgreSQL gone): that is
    // this worker's fatal error, reported with what it did so far.
    await runner.promise.catch((error: unknown) => {
      report.fatal ??= error;
    });
  } finally {
    clearInterval(beat);
    if (drainTimer) clearInterval(drainTimer);
    options.signal?.removeEventListener('abort', onAbort);
    // Nothing of this process is in flight any more: let go of whatever it still holds (jobs of a
    // job worker that exited on an error, leases of items it could not settle), so that the next
    // worker takes them at once (looking the items up at Cesce first), not hours later.
    await inTransaction(pool, async (db) => {
      if (jobWorkers.size > 0) await db.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [[...jobWorkers]]);
      await db.query(`UPDATE ${SCHEMA}.items SET lease_until = now() WHERE state = 'sending' AND lease_owner = $1`, [id]);
      await db.query(`DELETE FROM ${SCHEMA}.workers WHERE id = $1`, [id]);
    }).catch(() => {});
  }
  if (options.drain) {
    // PostgreSQL may be gone (the reason this worker stopped): the count is then unknown, left 0.
    const rows = await pool
      .query<{ n: string }>(
        `SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = ANY($1::text[]) AND attempts < max_attempts AND locked_at IS NULL`,
        [identifiers],
      )
      .then((r) => r.rows, () => []);
    report.leftForLater = Number(rows[0]?.n ?? 0);
  }
  for (const c of clients.values()) {
    const b = before.get(c.contract.value)!;
    const a = c.requestCounts;
    report.requests.cesce += a.api - b.api;
    report.requests.token += a.token - b.token;
  }
  report.durationMs = Date.now() - started;
  return report;
}

/**
 * Releases the jobs of worker processes that stopped beating (killed, machine lost): their
 * graphile-worker locks are lifted and the leases of the items they were sending end now, so the
 * next worker to take them looks them up at Cesce first. Returns how many processes were released.
 */
export async function releaseDeadWorkers(pool: Pool, staleAfterMs: number): Promise<number> {
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<{ id: string; job_workers: string[] }>(
      `DELETE FROM ${SCHEMA}.workers WHERE heartbeat_at < now() - make_interval(secs => $1::float8 / 1000) RETURNING id, job_workers`,
      [staleAfterMs],
    );
    if (rows.length === 0) return 0;
    const jobWorkerIds = rows.flatMap((r) => r.job_workers);
    if (jobWorkerIds.length > 0) await db.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [jobWorkerIds]);
    await db.query(`UPDATE ${SCHEMA}.items SET lease_until = now() WHERE state = 'sending' AND lease_owner = ANY($1::text[])`, [rows.map((r) => r.id)]);
    return rows.length;
  });
}
