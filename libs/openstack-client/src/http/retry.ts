export interface RetryPolicy {
  /** Tries in all, the first included. 1 disables retries. */
  maxAttempts: number;
  /** Backoff before the first retry; doubles on each further retry. */
  baseDelayMs: number;
  /** Ceiling of one backoff delay. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error goes to the caller. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** Statuses worth another try of an idempotent call: the gateway or the service is momentarily unable. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Methods whose repetition has no extra effect (RFC 9110 §9.2.2). POST is never among them. */
export function isIdempotentMethod(method: string): boolean {
  return ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method.toUpperCase());
}

/**
 * Delay before retry number `retry` (1 for the first retry): "full jitter" exponential backoff,
 * so that many clients hit by the same outage do not come back in lockstep. A server's
 * `Retry-After` wins when given.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  // Never zero: half the ceiling is guaranteed, the other half is jitter.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
