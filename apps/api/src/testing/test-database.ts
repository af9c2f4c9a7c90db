import { createTestDatabase as create, withClient, type TestDatabase } from '@peak/testing';

export type { TestDatabase };

/** A fresh, empty database on the server that jest's global setup chose; drop it in afterAll. */
export function createTestDatabase(label: string): Promise<TestDatabase> {
  const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
  if (!adminUrl) throw new Error('PEAK_TEST_PG_ADMIN_URL is unset: run the API tests through jest (globalSetup)');
  return create({ adminUrl, embedded: process.env['PEAK_TEST_PG_EMBEDDED'] === 'true' }, label);
}

export const withPgClient = withClient;
