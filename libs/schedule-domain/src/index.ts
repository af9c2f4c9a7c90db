export * from './lib/capacity';
export * from './lib/cron';
export * from './lib/overlap';
export * from './lib/schedule-timing';
export * from './lib/time-zone';
export * from './lib/validation';
