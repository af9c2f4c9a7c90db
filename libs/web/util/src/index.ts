export * from './lib/notifier';
export * from './lib/page-title-strategy';
export * from './lib/project-scope';
export * from './lib/recurrence-presets';
export * from './lib/routes';
export * from './lib/time-zones';
export * from './lib/wall-time';
export * from './lib/write-access';
