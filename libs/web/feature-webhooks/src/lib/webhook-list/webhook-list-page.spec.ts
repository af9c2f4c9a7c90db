import { Clipboard } from '@angular/cdk/clipboard';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { CreatedWebhookDto, ScheduleDto } from '@peak/api-client';
import { BROWSER_TIME_ZONE, Notifier, WRITE_ACCESS } from '@peak/web/util';
import { aPage, aWebhook, button, SCHEDULE_ID, settle, type, waitFor, WEBHOOK_ID, words } from '../testing/fixtures';
import { WebhookListPage } from './webhook-list-page';

const SCHEDULES = '/v1/schedules?sort=name&limit=100';
const FIRST_PAGE = '/v1/webhooks?limit=20&offset=0';

describe(WebhookListPage.name, () => {
  let http: HttpTestingController;
  const notes: string[] = [];
  const copied: string[] = [];

  async function render(url = '/webhooks', canWrite = true) {
    notes.length = 0;
    copied.length = 0;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'webhooks', component: WebhookListPage }], withComponentInputBinding()),
        { provide: BROWSER_TIME_ZONE, useValue: 'Europe/Paris' },
        { provide: WRITE_ACCESS, useValue: signal(canWrite) },
        { provide: Notifier, useValue: { success: (m: string) => notes.push(m), error: (m: string) => notes.push(`error: ${m}`) } },
        { provide: Clipboard, useValue: { copy: (text: string) => copied.push(text) > 0 } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, WebhookListPage);
    await settle();
    return harness;
  }

  const root = (harness: RouterTestingHarness) => harness.routeNativeElement as HTMLElement;
  const rows = (harness: RouterTestingHarness) =>
    [...root(harness).querySelectorAll('tr.webhook')].map((tr) => [...tr.querySelectorAll('td')].map((td) => words(td)));
  const schedules = (items: Partial<ScheduleDto>[]) => aPage(items as ScheduleDto[], items.length, 100);

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((e) => e.remove());
  });

  it('lists each webhook: URL linked to its page, filters, state with the reason it was disabled, and creation', async () => {
    const harness = await render();
    expect(root(harness).querySelector('mat-progress-bar')).not.toBeNull();
    http.expectOne(SCHEDULES).flush(schedules([{ id: SCHEDULE_ID, name: 'Exam week' }]));
    http.expectOne(FIRST_PAGE).flush(
      aPage([
        aWebhook(),
        aWebhook({
          id: 'w-2',
          url: 'https://ops.example.org/hook',
          description: '',
          eventTypes: ['peak.run.failed', 'peak.run.missed'],
          scheduleIds: [SCHEDULE_ID, 'a-gone-schedule'],
          enabled: false,
          disabledReason: 'Every delivery failed for 24 hours',
          createdAt: '2026-01-10T23:30:00.000Z',
        }),
      ]),
    );
    await settle();

    const [first, second] = rows(harness);
    expect(first?.slice(0, 5)).toEqual([
      'https://hooks.example.com/peak Pager',
      'All events',
      'All schedules',
      'Enabled',
      'Mon, May 4, 2026, 10:15 AM GMT+2 by alice',
    ]);
    expect(second?.[1]).toBe('peak.run.failed, peak.run.missed');
    expect(second?.[2]).toBe('Exam week, Schedule a-gone-schedule');
    expect(second?.[3]).toBe('Disabled Every delivery failed for 24 hours');
    expect(root(harness).querySelector('tr.webhook[data-id="w-2"] peak-state-chip [data-tone]')?.getAttribute('data-tone')).toBe('error');
    expect(root(harness).querySelector('tr.webhook a')?.getAttribute('href')).toBe(`/webhooks/${WEBHOOK_ID}`);
    expect(root(harness).querySelector('table[aria-label="Webhooks"]')).not.toBeNull();
    expect(root(harness).querySelector('button[aria-label="Send test to https://ops.example.org/hook"]')).not.toBeNull();
  });

  it('creates a webhook: the API’s refusal on its field, then the secret shown once with a copy button', async () => {
    const harness = await render();
    http.expectOne(SCHEDULES).flush(schedules([]));
    http.expectOne(FIRST_PAGE).flush(aPage([]));
    await settle();
    expect(root(harness).querySelector('peak-empty-state')?.textContent).toContain('No webhooks yet');

    button(root(harness).querySelector('peak-page-header') ?? document, 'New webhook').click();
    await waitFor('peak-webhook-form-dialog form');
    const dialog = () => document.querySelector('peak-webhook-form-dialog') as HTMLElement;
    http.expectOne(SCHEDULES).flush(schedules([{ id: SCHEDULE_ID, name: 'Exam week' }]));
    // A member is offered no cloud-wide webhook.
    expect(dialog().querySelector('mat-checkbox')).toBeNull();

    // Nothing is sent without a URL.
    button(dialog(), 'Create webhook').click();
    await settle();
    expect(dialog().querySelector('mat-error')?.textContent?.trim()).toBe('Required');

    type(dialog().querySelector('input[type="url"]'), 'http://10.0.0.5/hook');
    button(dialog(), 'Create webhook').click();
    await settle();
    const refused = http.expectOne((r) => r.method === 'POST' && r.url === '/v1/webhooks');
    expect(refused.request.body).toEqual({ url: 'http://10.0.0.5/hook' });
    refused.flush(
      {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'The webhook URL is refused',
        errors: [{ field: 'url', reason: 'has a private, loopback or link-local address (10.0.0.5)', constraint: 'webhookUrl' }],
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await settle();
    expect(dialog().querySelector('mat-error')?.textContent?.trim()).toBe('Has a private, loopback or link-local address (10.0.0.5)');
    expect(dialog().querySelector('.submit-problem')?.textContent).toContain('Not created: one problem to correct.');

    type(dialog().querySelector('input[type="url"]'), 'https://hooks.example.com/peak');
    button(dialog(), 'Create webhook').click();
    await settle();
    const created: CreatedWebhookDto = { ...aWebhook({ description: '' }), secret: 'whsec_c2VjcmV0LXNpZ25pbmcta2V5' };
    http.expectOne((r) => r.method === 'POST' && r.url === '/v1/webhooks').flush(created, { status: 201, statusText: 'Created' });
    await waitFor('peak-webhook-form-dialog', false);
    await waitFor('peak-secret-dialog input');

    const secretDialog = document.querySelector('peak-secret-dialog') as HTMLElement;
    expect(secretDialog.querySelector<HTMLInputElement>('input#webhook-secret')?.value).toBe(created.secret);
    expect(secretDialog.querySelector('label[for="webhook-secret"]')?.textContent).toBe('Signing secret');
    expect(secretDialog.textContent).toContain('it will not be shown again');
    button(secretDialog, 'Copy secret').click();
    await settle();
    expect(copied).toEqual([created.secret]);
    expect(secretDialog.querySelector('[role="status"]')?.textContent).toBe('The secret is on the clipboard.');

    // A click beside it does not close it; its button does.
    (document.querySelector('.cdk-overlay-backdrop') as HTMLElement | null)?.click();
    await settle();
    expect(document.querySelector('peak-secret-dialog')).not.toBeNull();
    button(secretDialog, 'I have stored it').click();
    await waitFor('peak-secret-dialog', false);
    http.expectOne(FIRST_PAGE).flush(aPage([aWebhook()]));
    await settle();
    expect(rows(harness)).toHaveLength(1);
  });

  it('places an unknown field’s refusal above the buttons, and a refusal without fields as it is', async () => {
    await render();
    http.expectOne(SCHEDULES).flush(schedules([]));
    http.expectOne(FIRST_PAGE).flush(aPage([]));
    await settle();
    button(document, 'New webhook').click();
    await waitFor('peak-webhook-form-dialog form');
    http.expectOne(SCHEDULES).flush(schedules([]));
    const dialog = document.querySelector('peak-webhook-form-dialog') as HTMLElement;
    type(dialog.querySelector('input[type="url"]'), 'https://hooks.example.com/peak');

    button(dialog, 'Create webhook').click();
    await settle();
    http
      .expectOne((r) => r.method === 'POST')
      .flush(
        { statusCode: 400, message: 'Invalid input', errors: [{ field: 'enabled', reason: 'must be a boolean value' }] },
        { status: 400, statusText: 'Bad Request' },
      );
    await settle();
    expect(words(dialog.querySelector('.banner[role="alert"]'))).toBe('enabled: must be a boolean value');

    button(dialog, 'Create webhook').click();
    await settle();
    http
      .expectOne((r) => r.method === 'POST')
      .flush({ statusCode: 403, message: 'Your role may not change webhooks' }, { status: 403, statusText: 'Forbidden' });
    await settle();
    expect(dialog.querySelector('.banner')).toBeNull();
    expect(words(dialog.querySelector('.submit-problem'))).toBe('Not created: Your role may not change webhooks');

    button(dialog, 'Cancel').click();
    await waitFor('peak-webhook-form-dialog', false);
    // Nothing was created: no secret to show, no list to read again.
    await settle();
    expect(document.querySelector('peak-secret-dialog')).toBeNull();
  });

  it('disables, rotates the secret of and deletes a webhook from its row, asking first where something is lost', async () => {
    const harness = await render();
    http.expectOne(SCHEDULES).flush(schedules([]));
    http.expectOne(FIRST_PAGE).flush(aPage([aWebhook()]));
    await settle();
    const menuItem = async (label: string) => {
      root(harness).querySelector<HTMLButtonElement>('button[aria-label="More actions for https://hooks.example.com/peak"]')?.click();
      await waitFor('.mat-mdc-menu-panel');
      button(document.querySelector('.mat-mdc-menu-panel') ?? document, label).click();
      await waitFor('.mat-mdc-menu-panel', false);
    };

    await menuItem('Disable');
    const patch = http.expectOne(`/v1/webhooks/${WEBHOOK_ID}`);
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ enabled: false });
    patch.flush(aWebhook({ enabled: false }));
    await settle();
    expect(notes).toEqual(['https://hooks.example.com/peak disabled.']);
    http.expectOne(FIRST_PAGE).flush(aPage([aWebhook({ enabled: false })]));
    await settle();
    expect(rows(harness)[0]?.[3]).toBe('Disabled');

    await menuItem('Rotate secret');
    await waitFor('peak-choice-dialog');
    expect(document.querySelector('peak-choice-dialog')?.textContent).toContain('Rotate the signing secret?');
    button(document.querySelector('peak-choice-dialog') ?? document, 'Rotate secret').click();
    await waitFor('peak-choice-dialog', false);
    http.expectOne(`/v1/webhooks/${WEBHOOK_ID}/secret`).flush({ secret: 'whsec_bmV3LXNlY3JldA==' });
    await waitFor('peak-secret-dialog input');
    expect(document.querySelector<HTMLInputElement>('peak-secret-dialog input')?.value).toBe('whsec_bmV3LXNlY3JldA==');
    button(document.querySelector('peak-secret-dialog') ?? document, 'I have stored it').click();
    await waitFor('peak-secret-dialog', false);

    // Cancelled: nothing is deleted.
    await menuItem('Delete');
    await waitFor('peak-choice-dialog');
    button(document.querySelector('peak-choice-dialog') ?? document, 'Cancel').click();
    await waitFor('peak-choice-dialog', false);
    http.expectNone((r) => r.method === 'DELETE');

    await menuItem('Delete');
    await waitFor('peak-choice-dialog');
    button(document.querySelector('peak-choice-dialog') ?? document, 'Delete webhook').click();
    await waitFor('peak-choice-dialog', false);
    const deletion = http.expectOne((r) => r.method === 'DELETE');
    expect(deletion.request.url).toBe(`/v1/webhooks/${WEBHOOK_ID}`);
    deletion.flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    expect(notes).toContain('Webhook https://hooks.example.com/peak deleted.');
    http.expectOne(FIRST_PAGE).flush(aPage([]));
  });

  it('sends a test from its row and says what the receiver answered', async () => {
    const harness = await render();
    http.expectOne(SCHEDULES).flush(schedules([]));
    http.expectOne(FIRST_PAGE).flush(aPage([aWebhook()]));
    await settle();

    root(harness).querySelector<HTMLButtonElement>('button[aria-label="Send test to https://hooks.example.com/peak"]')?.click();
    const ping = http.expectOne(`/v1/webhooks/${WEBHOOK_ID}/test`);
    expect(ping.request.method).toBe('POST');
    ping.flush({
      id: 'd-1',
      eventId: 'e-1',
      eventType: 'peak.webhook.ping',
      scheduleId: null,
      status: 'failed',
      attempts: [{ at: '2026-05-04T08:20:00.000Z', statusCode: 404, latencyMs: 12, error: null }],
      nextAttemptAt: null,
      createdAt: '2026-05-04T08:20:00.000Z',
      completedAt: '2026-05-04T08:20:00.012Z',
    });
    await settle();
    expect(notes).toEqual(['error: Test event failed: 404.']);
  });

  it('offers a reader no way to change webhooks, and takes its page from the address', async () => {
    const harness = await render('/webhooks?page=2&size=10', false);
    http.expectOne(SCHEDULES).flush(schedules([]));
    http.expectOne('/v1/webhooks?limit=10&offset=10').flush(aPage([aWebhook()], 11, 10, 10));
    await settle();

    expect(root(harness).querySelector('[role="note"]')?.textContent).toContain('Read-only');
    expect([...root(harness).querySelectorAll('button')].map((b) => b.textContent?.trim())).not.toContain('add New webhook');
    expect(root(harness).querySelector('button[aria-label^="More actions"]')).toBeNull();
    expect(root(harness).querySelectorAll('th')).toHaveLength(5);

    root(harness).querySelector<HTMLButtonElement>('button.mat-mdc-paginator-navigation-previous')?.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe('/webhooks?page=1&size=10');
    http.expectOne('/v1/webhooks?limit=10&offset=0').flush(aPage([aWebhook()], 11, 10, 0));
  });

  it('says when the list could not be loaded, and tries again', async () => {
    const harness = await render();
    http.expectOne(SCHEDULES).flush({ message: 'down' }, { status: 503, statusText: 'Service Unavailable' });
    http.expectOne(FIRST_PAGE).flush({ message: 'The database is unavailable' }, { status: 503, statusText: 'Service Unavailable' });
    await settle();
    const empty = root(harness).querySelector('peak-empty-state');
    expect(empty?.textContent).toContain('Webhooks could not be loaded');
    expect(empty?.textContent).toContain('The database is unavailable');
    button(empty ?? document, 'Try again').click();
    await settle();
    http.expectOne(FIRST_PAGE).flush(aPage([]));
  });
});
