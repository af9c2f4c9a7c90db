export { adminUrl, canConnect, createTestDatabase, resolveTestServer, withClient } from './postgres.cjs';
export type { TestDatabase, TestServer } from './postgres.cjs';
export { startApiProcess, type ApiProcess } from './api-process';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { seedPropertyTests } from './fast-check-seed';
