import type { INestApplication } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { LeaderElectionService } from '../engine/leader-election.service';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';

/** A token Keystone would accept the shape of (Fernet tokens are about 180 URL-safe characters) and has never issued. */
const randomToken = () => randomBytes(135).toString('base64url');

async function inBatches<T>(count: number, width: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, k) => send(start + k)))));
  }
  return results;
}

describe('random tokens cannot be turned into Keystone calls', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const validations = async () => (await sim.control.requests({ method: 'GET', path: '/identity/v3/auth/tokens' })).length;

  beforeAll(async () => {
    db = await createTestDatabase('token_flood');
    sim = await startSimulator({ port: 0 });
    app = await createTestApp({
      databaseUrl: db.url,
      env: {
        ...simulatorEnv(sim),
        FLAVOR_BOOTSTRAP: 'false',
        // The engine runs and holds its lease while the flood goes on.
        ENGINE_ENABLED: 'true',
        ENGINE_LEASE_TTL_MS: '3000',
        ENGINE_LEASE_RENEW_MS: '500',
        AUTH_FAILURE_LIMIT: '100',
        AUTH_LOGIN_WINDOW_SECONDS: '600',
        TRUST_PROXY: 'loopback',
        // Every refusal is a warn line in the request log: thousands of them would be the test's slowest part.
        LOG_LEVEL: 'error',
      },
      auth: 'none',
    });
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('answers 2,000 requests with random tokens with at most AUTH_FAILURE_LIMIT validations, the engine keeping its lease', async () => {
    const leader = app.get(LeaderElectionService);
    const deadline = Date.now() + 20_000;
    while (!leader.isLeader && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(leader.isLeader).toBe(true);
    const epoch = leader.epoch;
    const lost: boolean[] = [];
    const subscription = leader.leadership$.subscribe((leading) => {
      if (!leading) lost.push(true);
    });
    await sim.control.clearRequests();

    const statuses = await inBatches(2000, 20, () =>
      http()
        .get('/v1/schedules')
        .set('X-Auth-Token', randomToken())
        .then((r) => r.status),
    );
    subscription.unsubscribe();

    const count = (status: number) => statuses.filter((s) => s === status).length;
    expect(count(401)).toBe(100);
    expect(count(429)).toBe(1900);
    expect(await validations()).toBeLessThanOrEqual(100);
    expect(lost).toEqual([]);
    expect(leader.isLeader).toBe(true);
    expect(leader.epoch).toBe(epoch);

    // The address is spent, not the API: another client still works.
    const other = await http().get('/v1/schedules').set('X-Forwarded-For', '198.51.100.9').set('X-Auth-Token', randomToken());
    expect(other.status).toBe(401);
  }, 120_000);

  it('asks Keystone once about a bad token, however many clients send it within the negative cache', async () => {
    await sim.control.clearRequests();
    const token = randomToken();
    const statuses = await inBatches(300, 20, (i) =>
      http()
        .get('/v1/schedules')
        .set('X-Forwarded-For', `10.1.${Math.floor(i / 250)}.${i % 250}`)
        .set('X-Auth-Token', token)
        .then((r) => r.status),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(await validations()).toBe(1);
  }, 60_000);
});
