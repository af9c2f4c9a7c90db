/**
 * Peak Scheduler's TypeScript SDK: framework-free, on `fetch`, for Node 20+ and browsers. The operations and types
 * are generated from the API's OpenAPI document (`src/generated`, by @hey-api/openapi-ts); `PeakClient`, the errors
 * and the pagination helpers are written by hand. Keystone authentication from `clouds.yaml` / `OS_*` is in the
 * Node-only entry point `@peak-scheduler/sdk/openstack`.
 */
export { PeakClient, type PeakClientOptions, type TokenProvider } from './peak-client';
export { PeakApiError, PeakConnectionError, isPeakApiError } from './errors';
export { paginate, toArray, type Page } from './pagination';
export * from './generated';
