// Real PostgreSQL for tests: one freshly created database per test file (or per e2e run), dropped afterwards.
// TEST_DATABASE_URL points at a server (default: the local one, trust auth). Without any server the tests
// fall back to the embedded PGlite, saying so; under CI=true they never fall back silently.
const { Client } = require('pg');
const { randomBytes } = require('node:crypto');

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function adminUrl() {
  return process.env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
}

async function canConnect(url) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts PGlite on a loopback TCP port; returns { url, stop }. Only for machines with no PostgreSQL. */
async function startPgliteFallback() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const net = require('node:net');
  const port = await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 1 });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Decides which server the tests use. Returns { adminUrl, embedded, stop }.
 * `embedded` means a single shared database (PGlite has one): callers run serially and reset it.
 */
async function resolveTestServer() {
  const url = adminUrl();
  if (await canConnect(url)) return { adminUrl: url, embedded: false, stop: async () => undefined };
  if (process.env.CI === 'true') {
    throw new Error(`No PostgreSQL at ${url} and CI=true: refusing to fall back to the embedded database.`);
  }
  console.warn(`\n[tests] No PostgreSQL at ${url}: falling back to the embedded PGlite (one shared database, run serially).\n`);
  const fallback = await startPgliteFallback();
  return { adminUrl: fallback.url, embedded: true, stop: fallback.stop };
}

/** Creates an empty database for one test file or run; returns { url, drop }. */
async function createTestDatabase(server, label = 'test') {
  if (server.embedded) {
    await resetSchema(server.adminUrl);
    return { url: server.adminUrl, drop: () => resetSchema(server.adminUrl) };
  }
  const name = `peak_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  await withClient(server.adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

async function resetSchema(url) {
  await withClient(url, (c) => c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;'));
}

async function withClient(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

module.exports = { resolveTestServer, createTestDatabase, withClient, adminUrl, canConnect };
