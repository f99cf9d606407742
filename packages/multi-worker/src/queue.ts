import { runMigrations } from 'graphile-worker';
import type { Pool } from 'pg';

/** Creates or upgrades graphile-worker's own schema (`graphile_worker`); safe to run concurrently. */
export async function migrateQueue(pool: Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: quietLogger });
}

import { Logger } from 'graphile-worker';

/** graphile-worker's log lines go nowhere by default: the CLI reports what matters itself. */
export const quietLogger = new Logger(() => () => {});
