import { defineConfig } from '../config/env';

/** The `audit` config namespace. */
export const auditConfig = defineConfig('audit', (env) => ({
  /** Audit records are kept this many days, then pruned (hourly, by every replica: the delete is idempotent). */
  retentionDays: env.int('AUDIT_RETENTION_DAYS', 365, { min: 1 }),
}));

export type AuditConfig = ReturnType<typeof auditConfig>;
