// Small, explicit statistics: the benchmark prints what it measured, computed the same way every time.

/** Nearest-rank percentile (p in 0..100) of a list of numbers: always one of the measured values. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function median(values) {
  return percentile(values, 50);
}

export function max(values) {
  return values.reduce((m, v) => (v > m ? v : m), -Infinity);
}

export function min(values) {
  return values.reduce((m, v) => (v < m ? v : m), Infinity);
}

export const mib = (bytes) => bytes / (1024 * 1024);

/** A duration as the reports print it: ms below a second, seconds above. */
export const fmtMs = (ms) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
