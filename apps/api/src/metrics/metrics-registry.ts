import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The registry of one API instance, with Node's process metrics (CPU, RSS, heap, event loop lag, GC). Never
 * prom-client's global registry: two apps in one process (tests) would fight over the same metric names.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
