import type { Pool, PoolClient } from 'pg';

/** The PostgreSQL schema holding the shared ledger (graphile-worker keeps its queue in `graphile_worker`). */
export const SCHEMA = 'cesce';
/** The graphile-worker task that declares one sale. */
export const DECLARE_TASK = 'cesce_declare';
/** Attempts graphile-worker gives one declaration job before it is left failed (outcome unknown). */
export const MAX_JOB_ATTEMPTS = 12;

/**
 * The shared ledger. One row per ERP document and contract, with the same keys and states as the
 * SQLite ledger (`sale:<contract>:<erpId>`; queued → sending → declared | rejected | failed), plus
 * `waiting` (a credit note whose invoice was not declared) and the lease of the worker sending it.
 */
const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.items (
  key            text PRIMARY KEY,
  contract_no    text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  erp_id         text NOT NULL,
  erp_ref        text NOT NULL,
  debtor_erp_id  text NOT NULL,
  invoice_no     text NOT NULL,
  invoice_date   text NOT NULL,
  endorsement_no text NOT NULL,
  origin_key     text,
  payload_hash   text NOT NULL,
  request_json   text NOT NULL,
  state          text NOT NULL CHECK (state IN ('queued', 'sending', 'declared', 'rejected', 'failed', 'waiting')),
  attempts       integer NOT NULL DEFAULT 0,
  lease_owner    text,
  lease_until    timestamptz,
  cesce_ref      text,
  http_status    integer,
  kb_id          text,
  message        text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  declared_at    timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS items_number ON ${SCHEMA}.items (contract_no, kind, debtor_erp_id, invoice_no);
CREATE INDEX IF NOT EXISTS items_state ON ${SCHEMA}.items (contract_no, state);
CREATE INDEX IF NOT EXISTS items_origin ON ${SCHEMA}.items (origin_key) WHERE origin_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${SCHEMA}.exchanges (
  id            bigserial PRIMARY KEY,
  item_key      text NOT NULL,
  worker        text NOT NULL,
  at            text NOT NULL,
  operation     text NOT NULL,
  method        text NOT NULL,
  url           text NOT NULL,
  status        integer,
  duration_ms   integer NOT NULL,
  request_body  text,
  response_body text,
  error         text
);
CREATE INDEX IF NOT EXISTS exchanges_item ON ${SCHEMA}.exchanges (item_key);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.rate_limits (
  credential text PRIMARY KEY,
  tat        timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.workers (
  id            text PRIMARY KEY,
  host          text NOT NULL,
  pid           integer NOT NULL,
  job_workers   text[] NOT NULL DEFAULT '{}',
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
`;

/** Creates the shared ledger's tables when missing; safe when several workers start at once. */
export async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog: one at a time.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('cesce-connect:migrate'))");
    await client.query(DDL);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Runs `fn` in one transaction on one connection. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
