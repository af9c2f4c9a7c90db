import { defineConfig } from '../config/env';

export const healthConfig = defineConfig('health', (env) => ({
  /**
   * Whether `/readyz` fails while the cloud does not answer or the managed flavors are not ensured yet
   * (`READINESS_REQUIRES_CLOUD`, default false). Off, a Keystone or Nova outage is reported but keeps every replica
   * in service: schedules can still be read and changed, and the engine retries on its own.
   */
  requireCloud: env.bool('READINESS_REQUIRES_CLOUD', false),
  /**
   * `/livez` fails when the event loop was blocked longer than this in the last few seconds
   * (`LIVENESS_MAX_EVENT_LOOP_DELAY_MS`, default 10000): the process is alive but cannot serve.
   */
  maxEventLoopDelayMs: env.int('LIVENESS_MAX_EVENT_LOOP_DELAY_MS', 10_000, { min: 100, max: 600_000 }),
}));
