export * from './lib/timeline.routes';
