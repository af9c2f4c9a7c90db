import { defineConfig } from './env';

/** The `http` namespace: where the API listens, and how much memory its process keeps. */
export const appConfig = defineConfig('http', (env) => ({
  /** `HOST`, default all interfaces. */
  host: env.string('HOST', '0.0.0.0'),
  /** `PORT`, default 8080 (0 picks a free port). */
  port: env.int('PORT', 8080, { min: 0, max: 65_535 }),
  /** `NODE_ENV`: development (default), production or test. */
  env: env.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development'),
  /** `HEAP_GROWTH_PERCENT`, default 0 (V8's policy): how far the heap may grow past its live size between full collections. */
  heapGrowthPercent: env.int('HEAP_GROWTH_PERCENT', 0, { min: 0, max: 300 }),
}));

export type AppConfig = ReturnType<typeof appConfig>;
