export * from './lib/activity.routes';
