// The generated client (do not edit src/generated: `npx nx run api-client:generate` rewrites it).
export { ApiConfiguration, provideApiConfiguration } from './generated/api-configuration';
export * from './generated/models';
export * from './generated/services';
export { schemaLimits } from './generated/schema-limits';
// Hand-written helpers around it.
export * from './lib/api-problem';
export * from './lib/load-state';
