import { parseRetryAfter, retryDelayMs, verdictOf } from './retry-policy';

describe('webhook retry policy', () => {
  it('delivers on 2xx, retries 5xx, 429 and no answer, never other statuses', () => {
    expect([200, 201, 204, 299].map(verdictOf)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect([500, 502, 503, 504, 429, null].map(verdictOf)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'retry']);
    expect([400, 401, 403, 404, 410, 422, 301, 304].map(verdictOf)).toEqual(Array(8).fill('fail'));
  });

  it('doubles the delay per attempt, with jitter that never lets a delay shrink, capped', () => {
    const policy = { baseMs: 1000, maxMs: 16_000 };
    for (const random of [() => 0, () => 0.5, () => 0.999]) {
      const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt, policy, null, random));
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
      expect(delays[0]).toBeGreaterThanOrEqual(500);
      expect(delays[0]).toBeLessThanOrEqual(1000);
      expect(Math.max(...delays)).toBeLessThanOrEqual(16_000);
    }
    // Random jitter: delays of one attempt differ from one delivery to another.
    expect(new Set(Array.from({ length: 20 }, () => retryDelayMs(3, policy))).size).toBeGreaterThan(1);
  });

  it('waits at least what Retry-After asks, in seconds or as an HTTP date', () => {
    const now = new Date('2026-05-04T08:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 04 May 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(retryDelayMs(1, { baseMs: 1000, maxMs: 60_000 }, 120_000)).toBe(120_000);
    expect(retryDelayMs(3, { baseMs: 1000, maxMs: 60_000 }, 1000, () => 0)).toBe(2000);
  });
});
