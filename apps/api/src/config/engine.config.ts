import { registerAs } from '@nestjs/config';

function intFromEnv(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return value;
}

/** The peak engine: how it elects a leader, how often it looks, how hard it pushes the cloud. */
export const engineConfig = registerAs('engine', () => ({
  /** Set ENGINE_ENABLED=false for API-only replicas (they never act on the cloud). */
  enabled: process.env['ENGINE_ENABLED'] !== 'false',
  /** A leader that stops renewing loses the lease after this long; another replica then takes over. */
  leaseTtlMs: intFromEnv('ENGINE_LEASE_TTL_MS', 10_000, 1000),
  leaseRenewIntervalMs: intFromEnv('ENGINE_LEASE_RENEW_MS', 3_000, 100),
  /** Safety pass: retries and drift, on top of the exact wake-ups at window boundaries. */
  safetyIntervalMs: intFromEnv('ENGINE_SAFETY_INTERVAL_MS', 15_000, 100),
  /** How often the leader looks for schedule changes made through other replicas. */
  changePollMs: intFromEnv('ENGINE_CHANGE_POLL_MS', 2_000, 50),
  /** While VMs are being built or deleted, status is polled this often (one tagged list call per poll). */
  pollIntervalMs: intFromEnv('ENGINE_POLL_INTERVAL_MS', 2_000, 50),
  /** Parallel Nova create/delete calls. */
  concurrency: intFromEnv('ENGINE_CONCURRENCY', 10, 1),
  /** Creations per VM slot (first try included) before the slot is given up and the run is degraded. */
  maxAttempts: intFromEnv('ENGINE_MAX_ATTEMPTS', 3, 1),
  /** Backoff base for retries after cloud errors (doubles per attempt, with jitter). */
  retryBaseMs: intFromEnv('ENGINE_RETRY_BASE_MS', 2_000, 10),
  /**
   * After a create whose answer was lost (crash, timeout), how long the engine waits for the VM to show up
   * under its tags before it concludes none was made and creates again.
   */
  createGraceMs: intFromEnv('ENGINE_CREATE_GRACE_MS', 20_000, 0),
  /** A delete Nova has not finished after this long is sent again. */
  deleteRetryMs: intFromEnv('ENGINE_DELETE_RETRY_MS', 60_000, 100),
  /** A VM still in BUILD after this long is treated as failed and replaced. */
  buildTimeoutMs: intFromEnv('ENGINE_BUILD_TIMEOUT_MS', 600_000, 1000),
}));

export type EngineConfig = ReturnType<typeof engineConfig>;
