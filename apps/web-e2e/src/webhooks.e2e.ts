import type { Page } from 'playwright-core';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiCall, waitForAuditRecords } from './support/api';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver on 127.0.0.1 that answers every POST with a 204 and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** Whether `secret` signed what the receiver got, as the Standard Webhooks spec says (README, "Webhooks"). */
function signedWith(secret: string, got: Received): boolean {
  const id = String(got.headers['webhook-id']);
  const timestamp = String(got.headers['webhook-timestamp']);
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${got.body}`)
    .digest();
  return String(got.headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const signature = Buffer.from(entry.replace(/^v1,/, ''), 'base64');
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    });
}

describeInBrowser('the webhooks page in Chromium', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookId: string | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
    // The receiver is plain http on the loopback address: the API refuses both unless told otherwise.
    stack = await startStack({ apiEnv: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' } });
    await stack.loginInBrowser();
  }, 120_000);

  afterAll(async () => {
    // The e2e files share one database: later files' events need not go to this receiver.
    if (webhookId) await apiCall(stack.api, 'DELETE', `/v1/webhooks/${webhookId}`).catch(() => undefined);
    await stack?.stop();
    await receiver?.close();
  }, 60_000);

  it('adds a webhook, shows its secret once, sends a test that arrives signed and is listed delivered, and the creation is in the activity', async () => {
    const { page, webUrl, api } = stack;
    const url = `${receiver.url}/peak-hook/${Date.now()}`;

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL(`${webUrl}/webhooks`);
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'New webhook' }).first().click();
    const form = page.getByRole('dialog', { name: 'New webhook' });
    await dialogFocused(page);
    await form.getByLabel('Payload URL').fill(url);
    await form.getByLabel('Description').fill('e2e receiver');
    expect(await form.getByLabel('Payload URL').inputValue()).toBe(url);
    await form.getByRole('button', { name: 'Create webhook' }).click();

    // The secret, once, with the warning; the dialog stays until it is closed on purpose.
    const secretDialog = page.getByRole('dialog', { name: /signing secret/ });
    await secretDialog.waitFor();
    const secret = await secretDialog.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(await secretDialog.textContent()).toContain('it will not be shown again');
    await secretDialog.getByRole('button', { name: 'Copy secret' }).click();
    // The status line is there (empty) before the click; its text comes with the next render, so wait for it.
    await secretDialog
      .getByRole('status')
      .filter({ hasText: /clipboard|copy/ })
      .waitFor();
    // Not closed by Escape or a stray click: only on purpose.
    await page.keyboard.press('Escape');
    await secretDialog.getByRole('button', { name: 'I have stored it' }).click();
    await secretDialog.waitFor({ state: 'detached' });

    const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: url });
    await row.waitFor();
    expect(await row.textContent()).toContain('All events');
    expect(await row.textContent()).toContain('Enabled');
    // Never shown again: not in the page, not from the API.
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('link', { name: url }).click();
    await page.waitForURL(new RegExp(`${webUrl}/webhooks/[0-9a-f-]{36}$`));
    webhookId = page.url().split('/').pop();
    expect(JSON.stringify(await apiCall(api, 'GET', `/v1/webhooks/${webhookId}`))).not.toContain(secret);
    await page.getByRole('heading', { name: 'Deliveries', exact: true, level: 2 }).waitFor();

    await page.getByRole('button', { name: 'Send test' }).click();
    const ping = page.locator('tr.delivery[data-status="delivered"]').filter({ hasText: 'peak.webhook.ping' });
    await ping.waitFor();
    expect(await ping.locator('peak-state-chip').textContent()).toContain('Delivered');
    expect(await ping.locator('td').nth(2).textContent()).toBe('1');
    expect(await ping.locator('td').nth(3).textContent()).toBe('204');
    await stack.screenshot('webhook');

    // The receiver got the ping, signed with the secret shown.
    const eventId = await ping.getAttribute('data-event-id');
    const got = receiver.received.find((r) => r.headers['webhook-id'] === eventId);
    expect(got?.path).toBe(new URL(url).pathname);
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({ specversion: '1.0', type: 'peak.webhook.ping', id: eventId });
    expect(got && signedWith(secret, got)).toBe(true);

    // Edited from its page: the form starts from the webhook, and the page shows what was saved.
    await page.getByRole('button', { name: 'Edit' }).click();
    const editForm = page.getByRole('dialog', { name: 'Edit webhook' });
    await dialogFocused(page);
    expect(await editForm.getByLabel('Payload URL').inputValue()).toBe(url);
    await editForm.getByLabel('Description').fill('e2e receiver, edited');
    expect(await editForm.getByLabel('Payload URL').inputValue()).toBe(url);
    await editForm.getByRole('button', { name: 'Save changes' }).click();
    await editForm.waitFor({ state: 'detached' });
    await page.locator('.facts dd', { hasText: 'e2e receiver, edited' }).waitFor();
    expect(((await apiCall(api, 'GET', `/v1/webhooks/${webhookId}`)) as { description: string }).description).toBe('e2e receiver, edited');

    // The creation, in the activity, by its user.
    await waitForAuditRecords(api, webhookId ?? '', 3);
    await page.goto(`${webUrl}/activity?target=${webhookId}`);
    const created = page.getByRole('table', { name: 'Activity' }).locator('tr.record[data-action="webhook.create"]');
    await created.waitFor();
    expect(await created.textContent()).toContain('admin');
    expect(await created.locator('[data-outcome]').textContent()).toMatch(/201 · success/);
    // Linked to the webhook's page, by its description.
    expect(await created.getByRole('link', { name: 'e2e receiver, edited' }).getAttribute('href')).toBe(`/webhooks/${webhookId}`);

    await stack.screenshot('webhooks');
  }, 90_000);
});

/**
 * Waits until an opened dialog has focused its first field. Material focuses it once the opening animation ends: a
 * fill into another field before that could have its text typed into the first one (seen on a busy machine: the
 * description appended to the payload URL).
 */
async function dialogFocused(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const active = document.activeElement;
    return active?.tagName === 'INPUT' && active.closest('mat-dialog-container') !== null;
  });
}
