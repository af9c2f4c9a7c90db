import { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { FlavorBootstrapService } from '../flavors/flavor-bootstrap.service';
import { eventually } from '../testing/eventually';
import { ADMIN, keystoneToken } from '../testing/keystone-token';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, TestDatabase, withPgClient } from '../testing/test-database';
import { HealthController, ProbesController } from './health.controller';

/** What no anonymous probe answer may contain: addresses, quota figures, ids. */
function expectNothingInternal(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/https?:\/\//);
  expect(text).not.toMatch(/127\.0\.0\.1/);
  expect(text).not.toMatch(/instances|cores|ramMiB|installationId|projectId|message/);
}

describe(ProbesController.name, () => {
  let db: TestDatabase;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase('health');
    app = await createTestApp({ databaseUrl: db.url });
  });

  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('answers /livez, /readyz and their /v1/health aliases without a token, and never from a cache', async () => {
    for (const path of ['/livez', '/v1/health']) {
      const live = await http().get(path).expect(200);
      expect(live.body).toEqual({ status: 'ok', eventLoopDelayMs: expect.any(Number), uptimeSeconds: expect.any(Number) });
      expect(live.headers['cache-control']).toBe('no-store');
    }
    for (const path of ['/readyz', '/v1/health/ready']) {
      const ready = await http().get(path).expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
    }
  });

  it('keeps /livez at 200 while the database refuses connections; /readyz says 503 naming the database', async () => {
    if (!db.name) return; // the embedded fallback has a single database that cannot be taken away
    const admin = process.env['PEAK_TEST_PG_ADMIN_URL'] as string;
    await withPgClient(admin, async (c) => {
      await c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db.name]);
    });
    try {
      await http().get('/livez').expect(200);
      await http().get('/v1/health').expect(200);
      // Readiness is cached for a second: wait for a check made after the outage began.
      const down = await waitForStatus(() => http().get('/readyz'), 503);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      expectNothingInternal(down.body);
    } finally {
      await withPgClient(admin, (c) => c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`));
    }
    expect((await waitForStatus(() => http().get('/readyz'), 200)).status).toBe(200);
  });

  it('checks the database at most once a second, however many probes arrive', async () => {
    const dataSource = app.get(DataSource);
    const pings = jest.spyOn(dataSource, 'query');
    try {
      await new Promise((resolve) => setTimeout(resolve, 1100)); // let the last cached answer age out
      pings.mockClear();
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 200 }, () => http().get('/readyz')));
      const elapsedSeconds = (Date.now() - started) / 1000;
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const selects = pings.mock.calls.filter(([sql]) => /^SELECT 1/i.test(String(sql))).length;
      expect(selects).toBeGreaterThanOrEqual(1);
      expect(selects).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
    } finally {
      pings.mockRestore();
    }
  });
});

describe(`${HealthController.name} readiness against a cloud`, () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  let adminToken: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase('ready');
    sim = await startSimulator({ port: 0 });
    await sim.control.outage(60_000, { service: 'compute', status: 503 });
    app = await createTestApp({ databaseUrl: db.url, env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP_RETRY_MS: '50' }, auth: 'none' });
    adminToken = (await keystoneToken(sim.authUrl, ADMIN)).token;
  });

  afterAll(async () => {
    await app?.close();
    await sim.close();
    await db.drop();
  });

  it('stays ready while Nova is down, reporting the cloud and the flavors down; the detail is for a cloud admin only', async () => {
    await http().get('/livez').expect(200);

    const anonymous = await http().get('/readyz').expect(200);
    expect(anonymous.body).toMatchObject({ status: 'ok', error: { cloud: { status: 'down' }, flavors: { status: 'down' } } });
    expect(anonymous.body.details.flavors.phase).toMatch(/pending|retrying/);
    expectNothingInternal(anonymous.body);

    const admin = await http().get('/readyz').set('X-Auth-Token', adminToken).expect(200);
    expect(admin.body.error).toMatchObject({ cloud: { status: 'down', message: expect.stringContaining('Nova 503') } });

    // A token that is not valid shows nothing more than none.
    const bogus = await http().get('/readyz').set('X-Auth-Token', 'not-a-real-token').expect(200);
    expect(bogus.body.error.cloud).toEqual({ status: 'down' });
    expectNothingInternal(bogus.body);
  });

  it('is ready with the detail once the cloud is back and both flavors exist', async () => {
    await sim.control.clearFaults();
    await app.get(FlavorBootstrapService).whenSettled();
    // The cloud probe caches its answer for 5 s: poll until the cached outage has aged out.
    const ready = await eventually(
      async () => {
        const res = await http().get('/readyz').set('X-Auth-Token', adminToken);
        return res.body.details?.cloud?.status === 'up' ? res : undefined;
      },
      'the cloud probe to answer up',
      10_000,
      250,
    );
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({
      database: { status: 'up' },
      cloud: { status: 'up', instances: { limit: expect.any(Number), used: expect.any(Number) } },
      flavors: { status: 'up', phase: 'done' },
      engine: { status: 'up', role: 'disabled', installationId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    // The installation id is the one stored in the database, created with it.
    const [row] = await app.get(DataSource).query(`SELECT id FROM installation`);
    expect(ready.body.details.engine.installationId).toBe(row.id);

    const anonymous = await http().get('/readyz').expect(200);
    expect(anonymous.body.details).toEqual({
      database: { status: 'up' },
      cloud: { status: 'up' },
      flavors: { status: 'up', phase: 'done' },
      engine: { status: 'up', role: 'disabled' },
      quota: { status: 'up' },
    });
  });
});

describe('readiness with READINESS_REQUIRES_CLOUD', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('ready_cloud');
    sim = await startSimulator({ port: 0 });
    await sim.control.outage(60_000, { service: 'compute', status: 503 });
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP_RETRY_MS: '50', READINESS_REQUIRES_CLOUD: 'true' },
      auth: 'none',
    });
  });

  afterAll(async () => {
    await app?.close();
    await sim.close();
    await db.drop();
  });

  it('is 503 naming the cloud and the flavors while Nova is down, while liveness stays 200', async () => {
    await request(app.getHttpServer()).get('/livez').expect(200);
    const ready = await request(app.getHttpServer()).get('/readyz').expect(503);
    expect(ready.body).toMatchObject({ status: 'error', error: { cloud: { status: 'down' }, flavors: { status: 'down' } } });
    expectNothingInternal(ready.body);
  });
});

async function waitForStatus(call: () => request.Test, status: number, timeoutMs = 10_000): Promise<request.Response> {
  return eventually(
    async () => {
      const res = await call();
      return res.status === status ? res : undefined;
    },
    `status ${status}`,
    timeoutMs,
    250,
  ).catch(() => call());
}
