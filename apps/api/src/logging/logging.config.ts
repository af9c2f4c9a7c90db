import { defineConfig } from '../config/env';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The `logging` config namespace: `LOG_LEVEL` (default `info`; `debug` adds one line per OpenStack call). */
export const loggingConfig = defineConfig('logging', (env) => ({ level: env.oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info') }));

export type LoggingConfig = ReturnType<typeof loggingConfig>;
