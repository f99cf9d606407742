import type { Pool } from 'pg';
import { declareTask } from './planner.js';
import { DECLARE_TASK, SCHEMA } from './schema.js';

export interface QueueStatus {
  /** Items per contract and state. */
  items: { contractNo: string; state: string; count: number }[];
  /** Declaration jobs not finished: waiting to run, running, or to be retried later. */
  jobs: { pending: number; running: number; failedForGood: number };
  /** Worker processes with a recent heartbeat. */
  workers: { id: string; host: string; pid: number; startedAt: string; heartbeatAt: string }[];
  /** Items Cesce refused or that conflict with what Cesce holds, newest first (at most 50). */
  rejected: { erpRef: string; contractNo: string; httpStatus: number | null; kbId: string | null; message: string | null }[];
}

/** What the shared ledger and queue hold now (for `cesce worker status`). */
export async function queueStatus(pool: Pool, contractNo?: string): Promise<QueueStatus> {
  const exists = (await pool.query<{ ok: boolean }>(`SELECT to_regclass('${SCHEMA}.items') IS NOT NULL AS ok`)).rows[0]?.ok;
  if (!exists) return { items: [], jobs: { pending: 0, running: 0, failedForGood: 0 }, workers: [], rejected: [] };
  const filter = contractNo ? 'WHERE contract_no = $1' : '';
  const params = contractNo ? [contractNo] : [];
  const items = await pool.query<{ contract_no: string; state: string; n: string }>(
    `SELECT contract_no, state, count(*) AS n FROM ${SCHEMA}.items ${filter} GROUP BY contract_no, state ORDER BY contract_no, state`,
    params,
  );
  const queue = (await pool.query<{ ok: boolean }>(`SELECT to_regclass('graphile_worker.jobs') IS NOT NULL AS ok`)).rows[0]?.ok;
  const jobs = queue
    ? (
        await pool.query<{ pending: string; running: string; dead: string }>(
          `SELECT count(*) FILTER (WHERE attempts < max_attempts AND locked_at IS NULL) AS pending,
                  count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
                  count(*) FILTER (WHERE attempts >= max_attempts) AS dead
             FROM graphile_worker.jobs WHERE ${contractNo ? 'task_identifier = $1' : "task_identifier LIKE $1"}`,
          // One task per contract (declareTask); all of them without a contract.
          [contractNo ? declareTask(contractNo) : `${DECLARE_TASK.replace(/_/g, '\\_')}\\_%`],
        )
      ).rows[0]
    : undefined;
  const workers = await pool.query<{ id: string; host: string; pid: number; started_at: Date; heartbeat_at: Date }>(
    `SELECT id, host, pid, started_at, heartbeat_at FROM ${SCHEMA}.workers ORDER BY started_at`,
  );
  const rejected = await pool.query<{ erp_ref: string; contract_no: string; http_status: number | null; kb_id: string | null; message: string | null }>(
    `SELECT erp_ref, contract_no, http_status, kb_id, message FROM ${SCHEMA}.items WHERE state = 'rejected' ${contractNo ? 'AND contract_no = $1' : ''} ORDER BY updated_at DESC LIMIT 50`,
    params,
  );
  return {
    items: items.rows.map((r) => ({ contractNo: r.contract_no, state: r.state, count: Number(r.n) })),
    jobs: { pending: Number(jobs?.pending ?? 0), running: Number(jobs?.running ?? 0), failedForGood: Number(jobs?.dead ?? 0) },
    workers: workers.rows.map((w) => ({ id: w.id, host: w.host, pid: w.pid, startedAt: w.started_at.toISOString(), heartbeatAt: w.heartbeat_at.toISOString() })),
    rejected: rejected.rows.map((r) => ({ erpRef: r.erp_ref, contractNo: r.contract_no, httpStatus: r.http_status, kbId: r.kb_id, message: r.message })),
  };
}
