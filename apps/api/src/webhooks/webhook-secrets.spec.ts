import { Logger, type INestApplication } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { simulatorEnv } from '../testing/simulator-env';
import { verifyStandardWebhook } from '../testing/standard-webhooks';
import type { CreatedWebhookDto, WebhookDeliveryDto } from './dto/webhook.dto';
import { keyIdOf } from './secret-box';
import { webhooksConfig } from './webhooks.config';

/**
 * Webhook secrets at rest, across restarts of the API on one database: sealed under WEBHOOK_SECRET_KEY, sealed again
 * at start-up under a rotated key (the old one kept as WEBHOOK_SECRET_KEY_PREVIOUS), and a key that went missing shown
 * on the delivery instead of a wrong signature. Deliveries go to a receiver on 127.0.0.1 and are verified there.
 */
describe('webhook secrets at rest', () => {
  jest.setTimeout(60_000);
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication | undefined;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end();
    });
  });
  let url: string;
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('hex');

  beforeAll(async () => {
    db = await createTestDatabase('webhook-secrets');
    sim = await startSimulator({ port: 0 });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await sim?.close();
    await db?.drop();
  });

  async function restart(keys: { current?: string; previous?: string }): Promise<INestApplication> {
    await app?.close();
    app = await createTestApp({
      databaseUrl: db.url,
      env: {
        ...simulatorEnv(sim),
        FLAVOR_BOOTSTRAP: 'false',
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_SECRET_KEY: keys.current,
        WEBHOOK_SECRET_KEY_PREVIOUS: keys.previous,
      },
    });
    return app;
  }

  function live(): INestApplication {
    if (!app) throw new Error('no app running');
    return app;
  }
  const http = () => request(live().getHttpServer());

  const stored = async (id: string) =>
    ((await live().get(DataSource).query(`SELECT secret FROM webhook WHERE id = $1`, [id])) as { secret: string }[])[0].secret;

  /** Sends a ping and returns its delivery and, if it arrived, what the receiver got. */
  async function ping(id: string) {
    const before = received.length;
    const res = await http().post(`/v1/webhooks/${id}/test`).expect(200);
    return { delivery: res.body as WebhookDeliveryDto, arrived: received.slice(before) };
  }

  it('keeps secrets sealed, seals clear ones when a key is set, and follows a key rotation', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    // No key: in clear (as before this setting existed).
    await restart({});
    const clear = (await http().post('/v1/webhooks').send({ url }).expect(201)).body as CreatedWebhookDto;
    expect(await stored(clear.id)).toBe(clear.secret);

    // A key set: the existing secret is sealed at start-up, new ones are sealed when made; both still sign.
    await restart({ current: k1 });
    const sealedOld = await stored(clear.id);
    expect(sealedOld.startsWith(`sealed:v1:${keyIdOf(Buffer.from(k1, 'base64'))}:`)).toBe(true);
    const fresh = (await http().post('/v1/webhooks').send({ url }).expect(201)).body as CreatedWebhookDto;
    expect(await stored(fresh.id)).not.toContain(fresh.secret.slice(6));
    for (const hook of [clear, fresh]) {
      const { delivery, arrived } = await ping(hook.id);
      expect(delivery.status).toBe('delivered');
      expect(arrived).toHaveLength(1);
      expect(verifyStandardWebhook(hook.secret, arrived[0].headers, arrived[0].body)).toBe(true);
    }

    // Rotated: the old key, kept as previous, opens them, and they are sealed again under the new one.
    await restart({ current: k2, previous: k1 });
    expect((await stored(fresh.id)).startsWith(`sealed:v1:${keyIdOf(Buffer.from(k2, 'hex'))}:`)).toBe(true);
    const rotated = await ping(fresh.id);
    expect(verifyStandardWebhook(fresh.secret, rotated.arrived[0].headers, rotated.arrived[0].body)).toBe(true);

    // The key lost: nothing is sent with a wrong signature; the delivery says why and waits to be retried.
    await restart({ current: k1 });
    const lost = await ping(fresh.id);
    expect(lost.arrived).toHaveLength(0);
    expect(lost.delivery.status).toBe('pending');
    expect(lost.delivery.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/neither WEBHOOK_SECRET_KEY/) });
    // Rotating its secret is the way out: the new one is sealed under the current key and signs again.
    const renewed = (await http().post(`/v1/webhooks/${fresh.id}/secret`).expect(200)).body as { secret: string };
    const after = await ping(fresh.id);
    expect(verifyStandardWebhook(renewed.secret, after.arrived[0].headers, after.arrived[0].body)).toBe(true);
    // Each restart closed the app right after answers: their audit records were written before the database closed.
    await restart({ current: k1 });
    expect(errors.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('Audit record'))).toEqual([]);
    errors.mockRestore();
  });

  it('refuses a key that is not 32 bytes, naming the setting', () => {
    const saved = { current: process.env['WEBHOOK_SECRET_KEY'], previous: process.env['WEBHOOK_SECRET_KEY_PREVIOUS'] };
    try {
      process.env['WEBHOOK_SECRET_KEY'] = 'short';
      expect(() => webhooksConfig()).toThrow(/WEBHOOK_SECRET_KEY: must be 32 bytes/);
      process.env['WEBHOOK_SECRET_KEY'] = k1;
      process.env['WEBHOOK_SECRET_KEY_PREVIOUS'] = `${k2},${randomBytes(8).toString('hex')}`;
      expect(() => webhooksConfig()).toThrow(/WEBHOOK_SECRET_KEY_PREVIOUS: must be 32 bytes/);
      process.env['WEBHOOK_SECRET_KEY_PREVIOUS'] = `${k2}, ${k1}`;
      expect(webhooksConfig().previousSecretKeys).toEqual([Buffer.from(k2, 'hex'), Buffer.from(k1, 'base64')]);
    } finally {
      for (const [name, value] of [
        ['WEBHOOK_SECRET_KEY', saved.current],
        ['WEBHOOK_SECRET_KEY_PREVIOUS', saved.previous],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
