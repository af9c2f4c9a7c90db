import { Clipboard } from '@angular/cdk/clipboard';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ScheduleDto } from '@peak/api-client';
import { BROWSER_TIME_ZONE, Notifier, PROJECT_SCOPE, WRITE_ACCESS } from '@peak/web/util';
import { aDelivery, aPage, aWebhook, button, SCHEDULE_ID, settle, type, waitFor, WEBHOOK_ID, words } from '../testing/fixtures';
import { DELIVERY_REFRESH_MS, WebhookDetailPage } from './webhook-detail-page';

const WEBHOOK = `/v1/webhooks/${WEBHOOK_ID}`;
const DELIVERIES = `/v1/webhooks/${WEBHOOK_ID}/deliveries?limit=20&offset=0`;

describe(WebhookDetailPage.name, () => {
  let http: HttpTestingController;
  const notes: string[] = [];

  async function render(options: { url?: string; canWrite?: boolean; cloudAdmin?: boolean; refreshMs?: number } = {}) {
    notes.length = 0;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter(
          [
            { path: 'webhooks', children: [] },
            { path: 'webhooks/:id', component: WebhookDetailPage },
          ],
          withComponentInputBinding(),
        ),
        { provide: BROWSER_TIME_ZONE, useValue: 'Europe/Paris' },
        { provide: WRITE_ACCESS, useValue: signal(options.canWrite ?? true) },
        { provide: PROJECT_SCOPE, useValue: signal({ cloudAdmin: options.cloudAdmin ?? false, projectName: 'demo' }) },
        // Long enough that no test sees a second read unless it asks for one.
        { provide: DELIVERY_REFRESH_MS, useValue: options.refreshMs ?? 3_600_000 },
        { provide: Notifier, useValue: { success: (m: string) => notes.push(m), error: (m: string) => notes.push(`error: ${m}`) } },
        { provide: Clipboard, useValue: { copy: () => true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(options.url ?? `/webhooks/${WEBHOOK_ID}`);
    await settle();
    return harness;
  }

  const root = (harness: RouterTestingHarness) => harness.routeNativeElement as HTMLElement;
  const facts = (harness: RouterTestingHarness) =>
    Object.fromEntries(
      [...root(harness).querySelectorAll('.facts dt')].map((dt) => [dt.textContent?.trim(), words(dt.nextElementSibling)]),
    );
  const deliveryRows = (harness: RouterTestingHarness) =>
    [...root(harness).querySelectorAll('tr.delivery')].map((tr) => [...tr.querySelectorAll('td')].map((td) => words(td)));

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((e) => e.remove());
  });

  it('shows the webhook’s settings and its deliveries newest first, each status in words besides its colour', async () => {
    const harness = await render({ cloudAdmin: true });
    http.expectOne(WEBHOOK).flush(
      aWebhook({
        eventTypes: ['peak.run.failed'],
        scheduleIds: [SCHEDULE_ID, 'b-gone'],
        enabled: false,
        disabledReason: 'Failed for 24 hours',
      }),
    );
    http.expectOne(DELIVERIES).flush(
      aPage(
        [
          aDelivery({
            id: 'd-3',
            eventType: 'peak.run.failed',
            status: 'pending',
            attempts: [
              { at: '2026-05-04T09:00:00.000Z', statusCode: 503, latencyMs: 120, error: null },
              { at: '2026-05-04T09:00:05.000Z', statusCode: null, latencyMs: 10_000, error: 'timeout' },
            ],
            nextAttemptAt: '2026-05-04T09:00:25.000Z',
            completedAt: null,
          }),
          aDelivery({
            id: 'd-2',
            status: 'failed',
            attempts: [{ at: '2026-05-04T08:50:00.000Z', statusCode: 410, latencyMs: 8, error: null }],
          }),
          aDelivery({ id: 'd-1' }),
        ],
        41,
      ),
    );
    await settle();
    http.expectOne(`/v1/schedules/${SCHEDULE_ID}`).flush({ id: SCHEDULE_ID, name: 'Exam week' } as ScheduleDto);
    http.expectOne('/v1/schedules/b-gone').flush({ message: 'not found' }, { status: 404, statusText: 'Not Found' });
    await settle();

    expect(root(harness).querySelector('h1')?.textContent).toBe('Webhook');
    expect(facts(harness)).toEqual({
      'Payload URL': 'https://hooks.example.com/peak',
      Description: 'Pager',
      State: 'Disabled Failed for 24 hours',
      Events: 'peak.run.failed',
      Schedules: 'Exam week Schedule b-gone',
      Project: 'p-demo',
      Created: 'Mon, May 4, 2026, 10:15 AM GMT+2 by alice',
    });
    expect(root(harness).querySelector('.facts a')?.getAttribute('href')).toBe(`/schedules/${SCHEDULE_ID}`);
    expect(root(harness).querySelectorAll('.facts li')).toHaveLength(2);
    expect(button(root(harness), 'Enable')).toBeTruthy();

    expect(root(harness).querySelector('h2#deliveries-heading')?.textContent).toBe('Deliveries');
    expect(root(harness).querySelector('table')?.getAttribute('aria-labelledby')).toBe('deliveries-heading');
    const rows = deliveryRows(harness);
    expect(rows.map((r) => r.slice(1))).toEqual([
      ['Pending', '2', 'timeout', '10 s', 'Mon, May 4, 2026, 11:00 AM GMT+2'],
      ['Failed', '1', '410', '8 ms', '—'],
      ['Delivered', '1', '204', '35 ms', '—'],
    ]);
    expect(rows[0]?.[0]).toBe('peak.run.failed Mon, May 4, 2026, 10:20 AM GMT+2');
    const tones = [...root(harness).querySelectorAll('tr.delivery peak-state-chip .chip')].map((chip) => chip.getAttribute('data-tone'));
    expect(tones).toEqual(['info', 'error', 'success']);
    expect(root(harness).querySelector('mat-paginator')?.textContent).toContain('1 – 20 of 41');
  });

  it('sends a test and shows the new delivery at the top of the first page', async () => {
    const harness = await render({ url: `/webhooks/${WEBHOOK_ID}?page=2` });
    http.expectOne(WEBHOOK).flush(aWebhook());
    http.expectOne(`/v1/webhooks/${WEBHOOK_ID}/deliveries?limit=20&offset=20`).flush(aPage([aDelivery({ id: 'd-old' })], 21, 20, 20));
    await settle();

    button(root(harness), 'Send test').click();
    const ping = http.expectOne(`${WEBHOOK}/test`);
    expect(ping.request.method).toBe('POST');
    ping.flush(aDelivery({ id: 'd-new', eventId: 'e-new' }));
    await settle();
    expect(notes).toEqual(['Test event delivered: https://hooks.example.com/peak answered 204.']);
    expect(TestBed.inject(Router).url).toBe(`/webhooks/${WEBHOOK_ID}?page=1&size=20`);
    http.expectOne(WEBHOOK).flush(aWebhook());
    http.expectOne(DELIVERIES).flush(aPage([aDelivery({ id: 'd-new', eventId: 'e-new' }), aDelivery({ id: 'd-old' })], 22));
    await settle();
    expect(root(harness).querySelector('tr.delivery')?.getAttribute('data-event-id')).toBe('e-new');
  });

  it('reads the deliveries again while one is pending, and stops once none is', async () => {
    const harness = await render({ refreshMs: 20 });
    http.expectOne(WEBHOOK).flush(aWebhook());
    http.expectOne(DELIVERIES).flush(aPage([aDelivery({ status: 'pending', attempts: [], nextAttemptAt: '2026-05-04T08:20:05.000Z' })]));
    await settle();
    expect(deliveryRows(harness)[0]?.slice(1, 4)).toEqual(['Pending', '0', '—']);

    (await nextRequest(DELIVERIES)).flush(aPage([aDelivery()]));
    await settle();
    expect(deliveryRows(harness)[0]?.slice(1, 4)).toEqual(['Delivered', '1', '204']);
    // No progress bar for a poll: the rows stay as they are until it answers.
    expect(root(harness).querySelector('mat-progress-bar')).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, 100));
    http.expectNone(DELIVERIES);
  });

  it('enables a webhook the product disabled, and deletes one after asking, back to the list', async () => {
    const harness = await render();
    http.expectOne(WEBHOOK).flush(aWebhook({ enabled: false, disabledReason: 'Failed for 24 hours' }));
    http.expectOne(DELIVERIES).flush(aPage([]));
    await settle();
    expect(root(harness).querySelector('peak-empty-state')?.textContent).toContain('No deliveries yet');

    button(root(harness), 'Enable').click();
    const patch = http.expectOne(WEBHOOK);
    expect(patch.request.body).toEqual({ enabled: true });
    patch.flush(aWebhook());
    await settle();
    http.expectOne(WEBHOOK).flush(aWebhook());
    await settle();
    expect(facts(harness)['State']).toBe('Enabled');

    button(root(harness), 'Delete').click();
    await waitFor('peak-choice-dialog');
    expect(document.querySelector('peak-choice-dialog')?.textContent).toContain(
      'https://hooks.example.com/peak will receive no more events',
    );
    button(document.querySelector('peak-choice-dialog') ?? document, 'Delete webhook').click();
    await waitFor('peak-choice-dialog', false);
    http.expectOne((r) => r.method === 'DELETE' && r.url === WEBHOOK).flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/webhooks');
  });

  it('edits the webhook in the form and shows it as saved', async () => {
    const harness = await render();
    http.expectOne(WEBHOOK).flush(aWebhook());
    http.expectOne(DELIVERIES).flush(aPage([]));
    await settle();

    button(root(harness), 'Edit').click();
    await waitFor('peak-webhook-form-dialog form');
    http.expectOne('/v1/schedules?sort=name&limit=100').flush(aPage([], 0, 100));
    await settle();
    const description = document.querySelector<HTMLInputElement>('peak-webhook-form-dialog input[formcontrolname="description"]');
    expect(description?.value).toBe('Pager');
    type(description, 'Pager, night shift');
    button(document.querySelector('peak-webhook-form-dialog') ?? document, 'Save changes').click();
    await settle();
    const patch = http.expectOne((r) => r.method === 'PATCH' && r.url === WEBHOOK);
    expect(patch.request.body).toEqual({ description: 'Pager, night shift' });
    patch.flush(aWebhook({ description: 'Pager, night shift' }));
    await waitFor('peak-webhook-form-dialog', false);
    http.expectOne(WEBHOOK).flush(aWebhook({ description: 'Pager, night shift' }));
    await settle();
    expect(notes).toContain('Webhook https://hooks.example.com/peak saved.');
    expect(facts(harness)['Description']).toBe('Pager, night shift');
  });

  it('says when there is no such webhook, and offers a reader no actions', async () => {
    const harness = await render({ canWrite: false });
    http.expectOne(WEBHOOK).flush({ message: 'No webhook with this id' }, { status: 404, statusText: 'Not Found' });
    http.expectOne(DELIVERIES).flush({ message: 'No webhook with this id' }, { status: 404, statusText: 'Not Found' });
    await settle();

    expect(root(harness).querySelector('peak-empty-state')?.textContent).toContain('No such webhook');
    expect(root(harness).querySelector('peak-page-header button')).toBeNull();
  });

  /** The page's next request for `url`, once it has asked (a poll on a timer). */
  async function nextRequest(url: string): Promise<TestRequest> {
    for (let i = 0; i < 100; i++) {
      const [request] = http.match(url);
      if (request) return request;
      TestBed.tick();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no request to ${url}`);
  }
});
