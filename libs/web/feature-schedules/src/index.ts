export * from './lib/schedules.routes';
