import { registerAs } from '@nestjs/config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The `logging` config namespace: `LOG_LEVEL` (default `info`; `debug` adds one line per OpenStack call). */
export const loggingConfig = registerAs('logging', () => {
  const raw = process.env['LOG_LEVEL'];
  const level = raw === undefined || raw === '' ? 'info' : raw.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`Invalid environment configuration:\n  LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got "${raw}")`);
  }
  return { level: level as LogLevel };
});

export type LoggingConfig = ReturnType<typeof loggingConfig>;
