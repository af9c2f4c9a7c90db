import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { startSchedulesTestKit, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { isInternalAddress } from './address-policy';
import type { ApiErrorDto } from '../common/api-error.dto';
import type { CreatedWebhookDto, WebhookDeliveryDto } from './dto/webhook.dto';
import { WebhookEntity } from './entities/webhook.entity';

describe('isInternalAddress', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast and reserved addresses, v4, v6 and v4-mapped', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      'not-an-ip',
    ])
      expect([address, isInternalAddress(address)]).toEqual([address, true]);
  });

  it('lets public addresses through', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:808:808'])
      expect([address, isInternalAddress(address)]).toEqual([address, false]);
  });
});

/**
 * SSRF: with the default settings (no WEBHOOK_ALLOW_PRIVATE, no WEBHOOK_ALLOW_HTTP) a webhook may not point inside
 * the network, whether the URL names an internal address or a host name that resolves to one; and a webhook saved
 * before (or whose name resolves differently now) is checked again at each delivery, after resolution.
 */
describe('webhook URLs (SSRF)', () => {
  jest.setTimeout(60_000);
  let kit: SchedulesTestKit;
  let receiver: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    kit = await startSchedulesTestKit('webhook-ssrf', new Date().toISOString());
    receiver = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await kit?.close();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://localhost/hook',
  ])('refuses %s with a 422 naming url', async (url) => {
    const res = await kit.http().post('/v1/webhooks').send({ url }).expect(422);
    const body = res.body as ApiErrorDto;
    expect(body.errors).toEqual([expect.objectContaining({ field: 'url', constraint: 'webhookUrl' })]);
    expect(body.errors?.[0]?.reason).toMatch(/private, loopback or link-local/);
  });

  it('refuses plain http by default, credentials in the URL, and an internal URL in a PATCH', async () => {
    const plain = await kit.http().post('/v1/webhooks').send({ url: 'http://hooks.example.com/peak' }).expect(422);
    expect((plain.body as ApiErrorDto).errors?.[0]).toMatchObject({ field: 'url', reason: expect.stringMatching(/https/) });
    await kit.http().post('/v1/webhooks').send({ url: 'https://user:pw@93.184.215.14/' }).expect(422);
    await kit.http().post('/v1/webhooks').send({ url: 'not a url' }).expect(400);
    const created = (await kit.http().post('/v1/webhooks').send({ url: 'https://93.184.215.14/hook' }).expect(201))
      .body as CreatedWebhookDto;
    const patched = await kit.http().patch(`/v1/webhooks/${created.id}`).send({ url: 'https://169.254.169.254/' }).expect(422);
    expect((patched.body as ApiErrorDto).errors?.[0]?.field).toBe('url');
  });

  it.each(['127.0.0.1', 'localhost'])('checks again at delivery: a saved webhook to %s is not called', async (host) => {
    // As if it had been saved while allowed, or its name resolved elsewhere then.
    const id = randomUUID();
    const now = kit.clock.now();
    await kit.app
      .get(DataSource)
      .getRepository(WebhookEntity)
      .insert({
        id,
        projectId: null,
        url: `http://${host}:${port}/hook`,
        description: '',
        eventTypes: [],
        scheduleIds: [],
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        enabled: true,
        disabledReason: null,
        failingSince: null,
        createdById: 'test',
        createdByName: 'test',
        createdAt: now,
        updatedAt: now,
      });
    const before = hits;
    const delivery = (await kit.http().post(`/v1/webhooks/${id}/test`).expect(200)).body as WebhookDeliveryDto;
    expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(delivery.attempts).toEqual([expect.objectContaining({ statusCode: null, error: expect.stringMatching(/^refused/) })]);
    expect(hits).toBe(before);
  });
});
