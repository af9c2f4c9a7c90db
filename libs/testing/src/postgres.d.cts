import type { Client } from 'pg';

export interface TestServer {
  adminUrl: string;
  /** The embedded PGlite fallback: one shared database, reset instead of created. */
  embedded: boolean;
  stop(): Promise<void>;
}

export interface TestDatabase {
  url: string;
  /** Absent for the embedded fallback's single database. */
  name?: string;
  drop(): Promise<void>;
}

export function resolveTestServer(): Promise<TestServer>;
export function createTestDatabase(server: Pick<TestServer, 'adminUrl' | 'embedded'>, label?: string): Promise<TestDatabase>;
export function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T>;
export function adminUrl(): string;
export function canConnect(url: string): Promise<boolean>;
