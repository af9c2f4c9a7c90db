import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { CreatedWebhookDto, ScheduleDto } from '@peak/api-client';
import { firstValueFrom } from 'rxjs';
import { aPage, aWebhook, button, SCHEDULE_ID, settle, type, waitFor, words } from '../testing/fixtures';
import { WebhookFormDialog, WebhookFormDialogData } from './webhook-form-dialog';

describe(WebhookFormDialog.name, () => {
  let http: HttpTestingController;

  function open(data: WebhookFormDialogData) {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    const ref = TestBed.inject(MatDialog).open<WebhookFormDialog, WebhookFormDialogData, CreatedWebhookDto>(WebhookFormDialog, { data });
    return firstValueFrom(ref.afterClosed());
  }

  const dialog = () => document.querySelector('peak-webhook-form-dialog') as HTMLElement;

  /** Opens the select labelled `label` and clicks the options whose text contains each of `texts`. */
  async function choose(label: string, texts: string[]): Promise<void> {
    const field = [...dialog().querySelectorAll('mat-form-field')].find((f) => f.querySelector('mat-label')?.textContent?.trim() === label);
    field?.querySelector<HTMLElement>('.mat-mdc-select-trigger')?.click();
    await waitFor('mat-option');
    for (const text of texts) {
      const option = [...document.querySelectorAll<HTMLElement>('mat-option')].find((o) => o.textContent?.includes(text));
      if (!option) throw new Error(`no option ${text}`);
      option.click();
    }
    await closeSelect();
  }

  async function closeSelect(): Promise<void> {
    document
      .querySelector('mat-select[aria-expanded="true"]')
      ?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
    await waitFor('mat-option', false);
  }

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((e) => e.remove());
  });

  it('sends the chosen event types, schedules and, for a cloud admin, every project', async () => {
    const closed = open({ cloudAdmin: true });
    await waitFor('peak-webhook-form-dialog form');
    http.expectOne('/v1/schedules?sort=name&limit=100').flush(
      aPage(
        [
          { id: SCHEDULE_ID, name: 'Exam week' },
          { id: 'other', name: 'Quiet nights' },
        ] as ScheduleDto[],
        2,
        100,
      ),
    );
    await settle();

    // The options name each type in words and by the spec's value.
    dialog().querySelector<HTMLElement>('mat-select')?.click();
    await waitFor('mat-option');
    expect(document.querySelectorAll('mat-option')).toHaveLength(10);
    expect(words(document.querySelector('mat-option'))).toBe('Schedule created peak.schedule.created');
    await closeSelect();

    type(dialog().querySelector('input[type="url"]'), 'https://hooks.example.com/peak');
    await choose('Events', ['peak.run.failed', 'peak.run.missed']);
    await choose('Schedules', ['Exam week']);
    // The chosen types are shown by their values.
    expect(dialog().querySelector('mat-select-trigger')?.textContent?.trim()).toBe('peak.run.failed, peak.run.missed');
    const cloudWide = dialog().querySelector<HTMLInputElement>('mat-checkbox input');
    expect(cloudWide?.closest('mat-checkbox')?.textContent).toContain('Every project (cloud-wide)');
    cloudWide?.click();
    await settle();
    expect(dialog().textContent).toContain('None chosen: every schedule of every project');

    button(dialog(), 'Create webhook').click();
    await settle();
    const request = http.expectOne((r) => r.method === 'POST' && r.url === '/v1/webhooks');
    expect(request.request.body).toEqual({
      url: 'https://hooks.example.com/peak',
      eventTypes: ['peak.run.failed', 'peak.run.missed'],
      scheduleIds: [SCHEDULE_ID],
      cloudWide: true,
    });
    const created = { ...aWebhook({ projectId: null }), secret: 'whsec_eA==' };
    request.flush(created, { status: 201, statusText: 'Created' });

    await expect(closed).resolves.toEqual(created);
  });

  it('puts a refused event type on its field, and says when the schedules could not be listed', async () => {
    void open({ cloudAdmin: false });
    await waitFor('peak-webhook-form-dialog form');
    http.expectOne('/v1/schedules?sort=name&limit=100').flush({ message: 'Forbidden' }, { status: 403, statusText: 'Forbidden' });
    await settle();
    expect(dialog().textContent).toContain('Could not load the schedules: Forbidden');
    expect(dialog().querySelector('mat-checkbox')).toBeNull();

    type(dialog().querySelector('input[type="url"]'), 'https://hooks.example.com/peak');
    button(dialog(), 'Create webhook').click();
    await settle();
    http
      .expectOne((r) => r.method === 'POST')
      .flush(
        {
          statusCode: 400,
          message: 'Invalid input',
          errors: [
            { field: 'eventTypes.0', reason: 'must be one of the event types' },
            { field: 'description', reason: 'must be shorter than or equal to 255 characters' },
          ],
        },
        { status: 400, statusText: 'Bad Request' },
      );
    await settle();
    expect([...dialog().querySelectorAll('mat-error')].map((e) => e.textContent?.trim())).toEqual([
      'Must be shorter than or equal to 255 characters',
      'Must be one of the event types',
    ]);
    expect(dialog().querySelector('.submit-problem')?.textContent).toContain('Not created: 2 problems to correct.');
  });

  it('edits a webhook: starts from it, sends only what changed, and closes with it as saved', async () => {
    const webhook = aWebhook({ eventTypes: ['peak.run.failed'], scheduleIds: [SCHEDULE_ID] });
    const closed = open({ cloudAdmin: true, webhook });
    await waitFor('peak-webhook-form-dialog form');
    http.expectOne('/v1/schedules?sort=name&limit=100').flush(aPage([{ id: SCHEDULE_ID, name: 'Exam week' }] as ScheduleDto[], 1, 100));
    await settle();
    expect(dialog().querySelector('h2')?.textContent?.trim()).toBe('Edit webhook');
    expect(dialog().querySelector<HTMLInputElement>('input[type="url"]')?.value).toBe(webhook.url);
    // Whether it is cloud-wide cannot change.
    expect(dialog().querySelector('mat-checkbox')).toBeNull();

    type(dialog().querySelector('input[type="url"]'), 'https://hooks.example.com/v2');
    await choose('Events', ['peak.run.missed']);
    button(dialog(), 'Save changes').click();
    await settle();
    const request = http.expectOne((r) => r.method === 'PATCH' && r.url === `/v1/webhooks/${webhook.id}`);
    expect(request.request.body).toEqual({ url: 'https://hooks.example.com/v2', eventTypes: ['peak.run.failed', 'peak.run.missed'] });
    const saved = { ...webhook, url: 'https://hooks.example.com/v2', eventTypes: ['peak.run.failed', 'peak.run.missed'] } as typeof webhook;
    request.flush(saved);
    await expect(closed).resolves.toEqual(saved);
  });

  it('sends nothing for an edit that changes nothing, and says "Not saved" with the refusal of one that fails', async () => {
    const unchanged = open({ cloudAdmin: false, webhook: aWebhook() });
    await waitFor('peak-webhook-form-dialog form');
    http.expectOne('/v1/schedules?sort=name&limit=100').flush(aPage([], 0, 100));
    await settle();
    button(dialog(), 'Save changes').click();
    await expect(unchanged).resolves.toBeUndefined();
    await settle();
    http.expectNone((r) => r.method === 'PATCH');
    http.verify();

    TestBed.resetTestingModule();
    void open({ cloudAdmin: false, webhook: aWebhook() });
    await waitFor('peak-webhook-form-dialog form');
    http.expectOne('/v1/schedules?sort=name&limit=100').flush(aPage([], 0, 100));
    await settle();
    type(dialog().querySelector('input[type="url"]'), 'https://10.0.0.8/hook');
    button(dialog(), 'Save changes').click();
    await settle();
    http
      .expectOne((r) => r.method === 'PATCH')
      .flush(
        { statusCode: 422, message: 'Invalid input', errors: [{ field: 'url', reason: 'resolves to a private address' }] },
        { status: 422, statusText: 'Unprocessable Entity' },
      );
    await settle();
    expect(dialog().querySelector('mat-error')?.textContent?.trim()).toBe('Resolves to a private address');
    expect(dialog().querySelector('.submit-problem')?.textContent).toContain('Not saved: one problem to correct.');
  });
});
