/** How long deliveries of one event are retried, and how long a webhook may fail before it is disabled. */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/** What became of one attempt, as the retry policy sees it. */
export type AttemptVerdict = 'delivered' | 'retry' | 'fail';

/** 2xx delivered; 5xx, 429 and no answer (timeout, network) retried; any other status (4xx, 3xx...) never. */
export function verdictOf(statusCode: number | null): AttemptVerdict {
  if (statusCode === null) return 'retry';
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode === 429 || statusCode >= 500) return 'retry';
  return 'fail';
}

/**
 * The delay before retry number `attempt` (1 = after the first failure): `base × 2^(attempt-1)`, capped at `max`, with
 * "equal jitter" (a random half of it added to the other half), so delays grow from one attempt to the next while
 * retries of many deliveries spread out. A `Retry-After` the receiver sent is a lower bound.
 */
export function retryDelayMs(
  attempt: number,
  policy: { baseMs: number; maxMs: number },
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number {
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(full / 2 + (random() * full) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** `Retry-After` (delay-seconds or an HTTP date) as milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
