// A fresh PostgreSQL database for the whole e2e run (the API migrates it at start). Runs outside jest's
// module sandbox, where the embedded-PGlite fallback can load (it needs native dynamic import).
const { createTestDatabase, resolveTestServer } = require('../../libs/testing/src/postgres.cjs');

module.exports = async function globalSetup() {
  const server = await resolveTestServer();
  const database = await createTestDatabase(server, 'web_e2e');
  globalThis.__peakE2eDatabase = { server, database };
  process.env.E2E_DATABASE_URL = database.url;
  process.env.E2E_DATABASE_EMBEDDED = String(server.embedded);
};
