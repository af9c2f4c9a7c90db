import { defineConfig } from './env';

/** The peak engine: how it elects a leader, how often it looks, how hard it pushes the cloud. */
export const engineConfig = defineConfig('engine', (env) => ({
  /** Set ENGINE_ENABLED=false for API-only replicas (they never act on the cloud). */
  enabled: env.bool('ENGINE_ENABLED', true),
  /** A leader that stops renewing loses the lease after this long; another replica then takes over. */
  leaseTtlMs: env.int('ENGINE_LEASE_TTL_MS', 10_000, { min: 1000 }),
  leaseRenewIntervalMs: env.int('ENGINE_LEASE_RENEW_MS', 3_000, { min: 100 }),
  /** Safety pass: retries and drift, on top of the exact wake-ups at window boundaries. */
  safetyIntervalMs: env.int('ENGINE_SAFETY_INTERVAL_MS', 15_000, { min: 100 }),
  /**
   * How often the leader checks every project's planned demand against its quota for the `peak_capacity_shortfall`
   * gauge (`CAPACITY_CHECK_INTERVAL_SECONDS`, default 900; 0: only when schedules are saved or capacity is asked for).
   */
  capacityCheckIntervalMs: env.int('CAPACITY_CHECK_INTERVAL_SECONDS', 900, { min: 0, max: 86_400 }) * 1000,
  /** How often the leader looks for schedule changes made through other replicas. */
  changePollMs: env.int('ENGINE_CHANGE_POLL_MS', 2_000, { min: 50 }),
  /** While VMs are being built or deleted, status is polled this often (one tagged list call per poll). */
  pollIntervalMs: env.int('ENGINE_POLL_INTERVAL_MS', 2_000, { min: 50 }),
  /** Parallel Nova create/delete calls. */
  concurrency: env.int('ENGINE_CONCURRENCY', 10, { min: 1 }),
  /** Creations per VM slot (first try included) before the slot is given up and the run is degraded. */
  maxAttempts: env.int('ENGINE_MAX_ATTEMPTS', 3, { min: 1 }),
  /** Backoff base for retries after cloud errors (doubles per attempt, with jitter). */
  retryBaseMs: env.int('ENGINE_RETRY_BASE_MS', 2_000, { min: 10 }),
  /**
   * After a create whose answer was lost (crash, timeout), how long the engine waits for the VM to show up
   * under its tags before it concludes none was made and creates again.
   */
  createGraceMs: env.int('ENGINE_CREATE_GRACE_MS', 20_000, { min: 0 }),
  /** A delete Nova has not finished after this long is sent again. */
  deleteRetryMs: env.int('ENGINE_DELETE_RETRY_MS', 60_000, { min: 100 }),
  /** A VM still in BUILD after this long is treated as failed and replaced. */
  buildTimeoutMs: env.int('ENGINE_BUILD_TIMEOUT_MS', 600_000, { min: 1000 }),
  /**
   * A run still removing VMs this many minutes after its teardown began is announced as `peak.run.teardown_failed`
   * (once; the engine keeps deleting, and the run ends as usual when the last VM is gone).
   */
  teardownAlertMinutes: env.int('TEARDOWN_ALERT_MINUTES', 15, { min: 1 }),
  /**
   * Finished runs (and their VMs) are kept this many days after their window ended, then pruned by the leader;
   * a deleted schedule's history stays readable until then. Live runs are never pruned.
   */
  runRetentionDays: env.int('RUN_RETENTION_DAYS', 90, { min: 1 }),
  /** Runs deleted per statement (one short transaction each) while pruning. */
  runRetentionBatch: env.int('RUN_RETENTION_BATCH', 500, { min: 1 }),
}));

export type EngineConfig = ReturnType<typeof engineConfig>;
