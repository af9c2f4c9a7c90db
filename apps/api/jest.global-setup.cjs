// Picks the PostgreSQL server for this test run once; each test file then creates its own database.
const { resolveTestServer } = require('../../libs/testing/src/postgres.cjs');

module.exports = async () => {
  const server = await resolveTestServer();
  process.env.PEAK_TEST_PG_ADMIN_URL = server.adminUrl;
  process.env.PEAK_TEST_PG_EMBEDDED = String(server.embedded);
  globalThis.__peakTestServer = server;
};
