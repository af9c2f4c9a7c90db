import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AuditRecordDto, ScheduleDto, WebhookDto } from '@peak/api-client';
import { BROWSER_TIME_ZONE } from '@peak/web/util';
import { ActivityPage, fromLocalInput, outcomeKind, toLocalInput } from './activity-page';

const SCHEDULE_ID = '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d';
const GONE_ID = '7a2d3b67-4f3c-4b48-8e8f-2d301b5c6d7e';

function aRecord(overrides: Partial<AuditRecordDto> = {}): AuditRecordDto {
  return {
    id: 'r-1',
    at: '2026-05-04T08:15:02.311Z',
    userId: 'u-alice',
    userName: 'alice',
    projectId: 'p-demo',
    roles: ['member'],
    authMethod: 'password',
    requestId: 'req-1',
    sourceAddress: '192.0.2.10',
    method: 'PATCH',
    route: '/v1/schedules/:id',
    action: 'schedule.update',
    targetType: 'schedule',
    targetId: SCHEDULE_ID,
    before: { instanceCount: 3 },
    after: { instanceCount: 5 },
    outcome: 200,
    errorKind: null,
    errorMessage: null,
    ...overrides,
  };
}

const page = (items: AuditRecordDto[], total = items.length, limit = 50, offset = 0) => ({ items, total, limit, offset });

describe(ActivityPage.name, () => {
  let http: HttpTestingController;

  async function render(url = '/activity') {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'activity', component: ActivityPage }], withComponentInputBinding()),
        { provide: BROWSER_TIME_ZONE, useValue: 'Europe/Paris' },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, ActivityPage);
    await harness.fixture.whenStable();
    return harness;
  }

  async function settle(harness: RouterTestingHarness) {
    await harness.fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    await harness.fixture.whenStable();
  }

  const root = (harness: RouterTestingHarness) => harness.routeNativeElement as HTMLElement;
  const cells = (harness: RouterTestingHarness) =>
    [...root(harness).querySelectorAll('tr.record')].map((tr) => [...tr.querySelectorAll('td')].map((td) => words(td)));
  /** A cell's text nodes joined by spaces (the page's spans are blocks on screen, with no space between them in the DOM). */
  const words = (node: Node): string => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) parts.push(walker.currentNode.textContent ?? '');
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  };
  /** Expects the one audit request of `url` (written unencoded). */
  const auditRequest = (url: string) => http.expectOne((request) => decodeURIComponent(request.urlWithParams) === url);

  afterEach(() => http.verify());

  it('lists the records newest first: when in the viewer’s zone, who, action, target linked while it exists, outcome', async () => {
    const harness = await render();
    expect(root(harness).querySelector('mat-progress-bar')).not.toBeNull();
    http.expectOne('/v1/audit?limit=50&offset=0').flush(
      page([
        aRecord(),
        aRecord({
          id: 'r-2',
          action: 'schedule.delete',
          method: 'DELETE',
          targetId: GONE_ID,
          before: { name: 'Old' },
          after: null,
          outcome: 409,
          errorKind: 'Conflict',
          errorMessage: 'The schedule changed meanwhile',
          requestId: 'req-2',
        }),
      ]),
    );
    await settle(harness);
    http.expectOne(`/v1/schedules/${SCHEDULE_ID}`).flush({ id: SCHEDULE_ID, name: 'Black Friday' } as ScheduleDto);
    http.expectOne(`/v1/schedules/${GONE_ID}`).flush({ message: 'not found' }, { status: 404, statusText: 'Not Found' });
    await settle(harness);

    const rows = cells(harness);
    expect(rows).toHaveLength(2);
    // 08:15 UTC is 10:15 in Paris in May.
    expect(rows[0]?.[0]).toMatch(/10:15.*GMT\+2/);
    expect(rows[0]?.[1]).toBe('alice Project p-demo');
    expect(rows[0]?.[2]).toBe('schedule.update PATCH /v1/schedules/:id');
    expect(rows[0]?.[3]).toBe('Black Friday');
    expect(rows[0]?.[4]).toBe('200 · success');
    expect(rows[0]?.[5]).toBe('req-1');
    expect(root(harness).querySelector('tr.record a')?.getAttribute('href')).toBe(`/schedules/${SCHEDULE_ID}`);
    expect(rows[1]?.[3]).toBe(`schedule ${GONE_ID} deleted`);
    expect(rows[1]?.[4]).toBe('409 · refused Conflict');
    expect(root(harness).querySelector('[data-outcome="refused"]')).not.toBeNull();
    expect(root(harness).querySelector('table[aria-label="Activity"]')).not.toBeNull();
  });

  it('links a webhook record to the webhook’s page, named by its description or its URL', async () => {
    const harness = await render();
    const hookId = '9c4e5d78-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    const bareId = '0d5f6e89-6b7c-4d8e-9f0a-1b2c3d4e5f60';
    http.expectOne('/v1/audit?limit=50&offset=0').flush(
      page([
        aRecord({ action: 'webhook.create', method: 'POST', route: '/v1/webhooks', targetType: 'webhook', targetId: hookId }),
        aRecord({
          id: 'r-2',
          action: 'webhook.test',
          method: 'POST',
          route: '/v1/webhooks/:id/test',
          targetType: 'webhook',
          targetId: bareId,
        }),
      ]),
    );
    await settle(harness);
    http
      .expectOne(`/v1/webhooks/${hookId}`)
      .flush({ id: hookId, url: 'https://hooks.example.com/a', description: 'Chat alerts' } as WebhookDto);
    http.expectOne(`/v1/webhooks/${bareId}`).flush({ id: bareId, url: 'https://hooks.example.com/b', description: '' } as WebhookDto);
    await settle(harness);

    expect(cells(harness).map((row) => row[3])).toEqual(['Chat alerts', 'https://hooks.example.com/b']);
    expect([...root(harness).querySelectorAll('tr.record a.target-link')].map((a) => a.getAttribute('href'))).toEqual([
      `/webhooks/${hookId}`,
      `/webhooks/${bareId}`,
    ]);
  });

  it('expands a row to show the before and after of its changed fields, and the refusal', async () => {
    const harness = await render();
    http
      .expectOne('/v1/audit?limit=50&offset=0')
      .flush(
        page([
          aRecord({ targetId: null, targetType: null, outcome: 422, errorKind: 'Unprocessable Entity', errorMessage: 'no such image' }),
        ]),
      );
    await settle(harness);

    const button = root(harness).querySelector<HTMLButtonElement>('tr.record button[aria-expanded]');
    expect(button?.getAttribute('aria-expanded')).toBe('false');
    expect(root(harness).querySelector('peak-change-diff')).toBeNull();
    button?.click();
    await settle(harness);

    expect(button?.getAttribute('aria-expanded')).toBe('true');
    const details = root(harness).querySelector(`#${button?.getAttribute('aria-controls')}`);
    expect(details?.querySelector('.error-message')?.textContent).toContain('Unprocessable Entity: no such image');
    const diff = [...(details?.querySelectorAll('peak-change-diff tbody tr') ?? [])].map((tr) =>
      [...tr.children].map((cell) => cell.textContent?.trim()),
    );
    expect(diff).toEqual([['instanceCount', '3', '5']]);
  });

  it('says that a refused write changed nothing', async () => {
    const harness = await render();
    http
      .expectOne('/v1/audit?limit=50&offset=0')
      .flush(page([aRecord({ targetId: null, before: null, after: null, outcome: 409, errorKind: 'Conflict', errorMessage: 'stale' })]));
    await settle(harness);
    root(harness).querySelector<HTMLButtonElement>('tr.record button[aria-expanded]')?.click();
    await settle(harness);
    expect(root(harness).querySelector('peak-change-diff')).toBeNull();
    expect(root(harness).querySelector('.details .unchanged')?.textContent?.trim()).toBe('Nothing was changed.');
  });

  it('takes its filters and page from the address, and puts new ones there', async () => {
    const harness = await render(`/activity?page=2&size=25&action=schedule.delete&target=${SCHEDULE_ID}&from=2026-05-04T06:00:00.000Z`);
    auditRequest(`/v1/audit?limit=25&offset=25&from=2026-05-04T06:00:00.000Z&targetId=${SCHEDULE_ID}&action=schedule.delete`).flush(
      page([aRecord({ action: 'schedule.delete' })], 26, 25, 25),
    );
    await settle(harness);
    http.expectOne(`/v1/schedules/${SCHEDULE_ID}`).flush({ id: SCHEDULE_ID, name: 'Black Friday' } as ScheduleDto);
    await settle(harness);

    const from = root(harness).querySelector<HTMLInputElement>('input[name="from"]');
    expect(from?.value).toBe('2026-05-04T08:00');
    expect(root(harness).querySelector<HTMLInputElement>('input[name="target"]')?.value).toBe(SCHEDULE_ID);

    const to = root(harness).querySelector<HTMLInputElement>('input[name="to"]');
    if (!to) throw new Error('no To field');
    to.value = '2026-05-05T00:00';
    to.dispatchEvent(new Event('change'));
    await settle(harness);
    const url = TestBed.inject(Router).url;
    expect(url).toContain('page=1');
    expect(url).toContain('to=2026-05-04T22:00:00.000Z');
    expect(url).toContain('action=schedule.delete');
    auditRequest(
      `/v1/audit?limit=25&offset=0&from=2026-05-04T06:00:00.000Z&to=2026-05-04T22:00:00.000Z&targetId=${SCHEDULE_ID}&action=schedule.delete`,
    ).flush(page([aRecord()], 1, 25, 0));
    await settle(harness);

    root(harness)
      .querySelectorAll<HTMLButtonElement>('button')
      .forEach((b) => {
        if (b.textContent?.trim() === 'Clear filters') b.click();
      });
    await settle(harness);
    expect(TestBed.inject(Router).url).toBe('/activity?page=1&size=25');
    http.expectOne('/v1/audit?limit=25&offset=0').flush(page([]));
    await settle(harness);
    expect(root(harness).querySelector('peak-empty-state')?.textContent).toContain('No activity yet');
  });

  it('says when the filters hide everything, and when the log could not be loaded', async () => {
    const harness = await render('/activity?user=u-bob');
    http.expectOne('/v1/audit?limit=50&offset=0&userId=u-bob').flush(page([]));
    await settle(harness);
    expect(root(harness).querySelector('peak-empty-state')?.textContent).toContain('No activity matches the filters');
    // The user of the address is an option even before a record names them.
    expect(root(harness).querySelector('mat-select')?.textContent).toContain('u-bob');

    await harness.navigateByUrl('/activity');
    await settle(harness);
    http.expectOne('/v1/audit?limit=50&offset=0').flush({ message: 'Forbidden' }, { status: 403, statusText: 'Forbidden' });
    await settle(harness);
    const empty = root(harness).querySelector('peak-empty-state');
    expect(empty?.textContent).toContain('Activity could not be loaded');
    expect(empty?.textContent).toContain('Forbidden');
    empty?.querySelector('button')?.click();
    await settle(harness);
    http.expectOne('/v1/audit?limit=50&offset=0').flush(page([]));
  });

  it('reads and writes the time fields in the viewer’s zone', () => {
    expect(outcomeKind(201)).toBe('success');
    expect(outcomeKind(404)).toBe('refused');
    expect(outcomeKind(499)).toBe('abandoned');
    expect(toLocalInput('2026-01-10T23:30:00.000Z', 'Europe/Paris')).toBe('2026-01-11T00:30');
    expect(toLocalInput(null, 'Europe/Paris')).toBe('');
    expect(fromLocalInput('2026-01-11T00:30', 'Europe/Paris')).toBe('2026-01-10T23:30:00.000Z');
    expect(fromLocalInput('', 'Europe/Paris')).toBeNull();
  });
});
