import { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { FlavorBootstrapService } from '../flavors/flavor-bootstrap.service';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, TestDatabase, withPgClient } from '../testing/test-database';
import { HealthController } from './health.controller';

describe(HealthController.name, () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('health');
    app = await createTestApp({ databaseUrl: db.url });
  });

  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('GET /v1/health is 200 and reports the database up', async () => {
    const res = await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
  });

  it('GET /v1/health is 503 while the database refuses connections, and 200 again after', async () => {
    if (!db.name) return; // the embedded fallback has a single database that cannot be taken away
    const admin = process.env['PEAK_TEST_PG_ADMIN_URL'] as string;
    await withPgClient(admin, async (c) => {
      await c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db.name]);
    });
    const down = await request(app.getHttpServer()).get('/v1/health').expect(503);
    expect(down.body).toMatchObject({ status: 'error', details: { database: { status: 'down' } } });

    await withPgClient(admin, (c) => c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`));
    await request(app.getHttpServer()).get('/v1/health').expect(200);
  });
});

describe('HealthController readiness', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('ready');
    sim = await startSimulator({ port: 0 });
    await sim.control.outage(60_000, { service: 'compute', status: 503 });
    app = await createTestApp({ databaseUrl: db.url, env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP_RETRY_MS: '50' } });
  });

  afterAll(async () => {
    await app?.close();
    await sim.close();
    await db.drop();
  });

  it('is 503 naming the cloud and the flavors while Nova is down, while liveness stays 200', async () => {
    const live = await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(live.body.details.flavors).toMatchObject({ status: 'up', phase: expect.stringMatching(/pending|retrying/) });

    const ready = await request(app.getHttpServer()).get('/v1/health/ready').expect(503);
    expect(ready.body.error).toMatchObject({
      cloud: { status: 'down', message: expect.stringContaining('Nova 503') },
      flavors: { status: 'down' },
    });
  });

  it('is 200 once the cloud is back and both flavors exist, with quota usage', async () => {
    await sim.control.clearFaults();
    await app.get(FlavorBootstrapService).whenSettled();
    // The cloud probe caches its answer for 5 s: poll until the cached outage has aged out.
    const ready = await waitForStatus(() => request(app.getHttpServer()).get('/v1/health/ready'), 200);
    expect(ready.body.details).toMatchObject({
      database: { status: 'up' },
      cloud: { status: 'up', instances: { limit: expect.any(Number), used: expect.any(Number) } },
      flavors: { status: 'up', phase: 'done' },
      engine: { status: 'up', role: 'disabled', installationId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    // The installation id is the one stored in the database, created with it.
    const [row] = await app.get(DataSource).query(`SELECT id FROM installation`);
    expect(ready.body.details.engine.installationId).toBe(row.id);
  });
});

async function waitForStatus(call: () => request.Test, status: number, timeoutMs = 10_000): Promise<request.Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call();
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}
