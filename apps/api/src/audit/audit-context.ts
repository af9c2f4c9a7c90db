import { AsyncLocalStorage } from 'node:async_hooks';

/** What a service that changed something says about it: the target, and its changed fields before and after. */
export interface AuditChange {
  readonly targetType: string;
  readonly targetId: string;
  /** Null for a create. */
  readonly before: Record<string, unknown> | null;
  /** Null for a delete. */
  readonly after: Record<string, unknown> | null;
}

/** The audit record of the request in progress, filled in while it runs and written when it is answered. */
export interface AuditDraft {
  change?: AuditChange;
}

const storage = new AsyncLocalStorage<AuditDraft>();

/** Runs the rest of a request with its draft in reach of the services it calls (see {@link recordChange}). */
export function runWithAuditDraft<T>(draft: AuditDraft, work: () => T): T {
  return storage.run(draft, work);
}

/**
 * Tells the audit log what the current request changed. Outside a request (the engine, a test calling a service)
 * it does nothing: only writes through the API are audited.
 */
export function recordChange(change: AuditChange): void {
  const draft = storage.getStore();
  if (draft) draft.change = change;
}

/** Placeholder for secrets in `before`/`after`. */
export const MASKED = '***';

/** The fields of `before` and `after` that differ (compared as JSON), or null when nothing did. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  if (keys.length === 0) return null;
  return { before: pick(before, keys), after: pick(after, keys) };
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]));
}
