export { migrate, SCHEMA, MAX_JOB_ATTEMPTS } from './schema.js';
export { migrateQueue } from './queue.js';
export { credentialKey, guardedFetch, PgRateLimiter } from './rate-limit.js';
export { planBacklog, declareTask, PlanBusyError, MAX_SKIPS_LISTED, type PlanOptions, type PlanReport, type PlanSkip } from './planner.js';
export { runWorker, releaseDeadWorkers, type WorkerOptions, type WorkerReport, type ItemEvent } from './worker.js';
export { queueStatus, type QueueStatus } from './status.js';
