import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { FormGroup } from '@angular/forms';
import { provideNativeDateAdapter } from '@angular/material/core';
import { provideRouter } from '@angular/router';
import { OccurrenceDto, ScheduleDto, schemaLimits } from '@peak/api-client';
import { Notifier } from '@peak/web/util';
import { CatalogNames } from '../shared/catalog-names';
import { aSchedule, provideWriteAccess } from '../testing/fixtures';
import { FORM_CLOCK } from './clock';
import { ScheduleFormPage } from './schedule-form-page';

const occurrence = (start: string, end: string): OccurrenceDto => ({
  start,
  end,
  provisionAt: start,
  localStart: start,
  localEnd: end,
  requestedLocalStart: start.slice(0, 16),
  dstAdjustment: 'none',
  status: 'scheduled',
  skipReason: null,
});

// Renders a large form with real Material components: slow on a loaded CI machine.
jest.setTimeout(30_000);

describe(ScheduleFormPage.name, () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ScheduleFormPage>;
  let root: HTMLElement;
  const notices: string[] = [];
  /** The form's clock: fixed, so that what it says about "now" holds whenever the tests run. */
  const now = new Date('2026-06-01T10:00:00Z');

  async function render(id?: string, canWrite?: boolean) {
    notices.length = 0;
    TestBed.configureTestingModule({
      providers: [
        ...(canWrite === undefined ? [] : [provideWriteAccess(canWrite)]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideNativeDateAdapter(),
        CatalogNames,
        { provide: Notifier, useValue: { error: (m: string) => notices.push(m), success: (m: string) => notices.push(m) } },
        { provide: FORM_CLOCK, useValue: () => new Date(now) },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ScheduleFormPage);
    if (id) fixture.componentRef.setInput('id', id);
    root = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    http
      .expectOne('/v1/images')
      .flush([{ id: 'img-1', name: 'cirros', status: 'active', minDiskGiB: 0, minRamMiB: 0, visibility: 'public' }]);
    http.expectOne('/v1/flavors').flush([{ id: 'flv-1', name: 'standard', vcpus: 1, ramMiB: 1024, diskGiB: 10, isPublic: true }]);
    http.expectOne('/v1/networks').flush([{ id: 'net-1', name: 'private', status: 'ACTIVE', shared: false, external: false, subnets: [] }]);
    await fixture.whenStable();
  }

  /** The form, to fill in what the searchable selects have their own tests for. */
  function form(): FormGroup {
    return (fixture.componentInstance as unknown as { form: FormGroup }).form;
  }

  function errorOf(label: string): string | undefined {
    const field = [...root.querySelectorAll('mat-form-field')].find((f) => f.querySelector('mat-label')?.textContent?.trim() === label);
    return field?.querySelector('mat-error')?.textContent?.trim();
  }

  async function settle(ms = 350) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await fixture.whenStable();
  }

  /**
   * The preview request for the form's current timing. Earlier previews (of the defaults, before the test
   * changed them) may or may not have been sent depending on the machine's speed: they are answered empty.
   */
  async function previewRequest(matches: (body: { window: { cron?: string } }) => boolean): Promise<TestRequest> {
    for (let attempt = 0; attempt < 100; attempt++) {
      await settle(50);
      for (const request of http.match((req) => req.url === '/v1/schedules/preview')) {
        if (matches(request.request.body)) return request;
        if (!request.cancelled) request.flush({ timeZone: 'UTC', from: '', occurrences: [] });
      }
    }
    throw new Error('no preview request for the expected timing');
  }

  function submit() {
    root.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
  }

  function fillValid() {
    form().patchValue({ name: 'Peak', imageId: 'img-1', flavorId: 'flv-1', networkIds: ['net-1'], timeZone: 'Europe/Paris' });
  }

  afterEach(() => {
    // How many previews a test's edits send depends on the machine's speed (each edit restarts the debounce; a slow
    // run lets one go out between two edits): the ones no test asked for are answered empty, every other request must
    // have been expected.
    for (const leftover of http.match((req) => req.url === '/v1/schedules/preview'))
      if (!leftover.cancelled) leftover.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    http.verify({ ignoreCancelled: true });
  });

  it('shows what is missing on each field and sends nothing', async () => {
    await render();
    form().patchValue({ name: '', instanceCount: 0 });

    submit();
    await fixture.whenStable();

    expect(errorOf('Name')).toBe('Required');
    expect(errorOf('Image')).toBe('Required');
    expect(errorOf('Flavor')).toBe('Required');
    expect(errorOf('Networks')).toBe('Required');
    expect(errorOf('Number of VMs')).toBe('At least 1');
    await settle();
    http.expectNone((req) => req.method === 'POST' && req.url === '/v1/schedules');
    for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
      if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    }
  });

  it('takes its bounds and defaults from the API contract, not from its own numbers', async () => {
    const limits = schemaLimits.CreateScheduleDto;
    await render();
    const leadTime = root.querySelector<HTMLInputElement>('input[formcontrolname="leadTimeMinutes"]');
    const name = root.querySelector<HTMLInputElement>('input[formcontrolname="name"]');

    expect(form().getRawValue()).toMatchObject({
      leadTimeMinutes: limits.leadTimeMinutes.default,
      enabled: limits.enabled.default,
      instanceCount: limits.instanceCount.minimum,
    });
    expect(leadTime?.max).toBe(String(limits.leadTimeMinutes.maximum));
    expect(leadTime?.min).toBe(String(limits.leadTimeMinutes.minimum));
    expect(name?.maxLength).toBe(limits.name.maxLength);

    form().patchValue({ leadTimeMinutes: limits.leadTimeMinutes.maximum + 1, name: 'x'.repeat(limits.name.maxLength + 1) });
    form().markAllAsTouched();
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(errorOf('Lead time (minutes)')).toBe(`At most ${limits.leadTimeMinutes.maximum}`);
    expect(errorOf('Name')).toBe(`At most ${limits.name.maxLength} characters`);

    form().patchValue({ leadTimeMinutes: limits.leadTimeMinutes.maximum });
    expect(form().get('leadTimeMinutes')?.valid).toBe(true);
    // Counts are whole numbers within the contract's bounds, checked before anything is sent.
    form().patchValue({ instanceCount: limits.instanceCount.maximum + 1, durationMinutes: 2.5 });
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(errorOf('Number of VMs')).toBe(`At most ${limits.instanceCount.maximum}`);
    expect(errorOf('Duration (minutes)')).toBe('A whole number');
    form().patchValue({ instanceCount: 2.5 });
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(errorOf('Number of VMs')).toBe('A whole number');
    expect(root.querySelector<HTMLInputElement>('input[formcontrolname="instanceCount"]')?.max).toBe(String(limits.instanceCount.maximum));

    await settle();
    for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
      if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    }
  });

  it('previews the next windows of the timing as it is edited, marking the DST change', async () => {
    await render();
    form().patchValue({ timeZone: 'Europe/Paris', cron: '0 8 * * *', durationMinutes: 60, leadTimeMinutes: 0 });

    const request = await previewRequest((body) => body.window.cron === '0 8 * * *');
    expect(request.request.params.get('count')).toBe('8');
    expect(request.request.body).toEqual({
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 0,
      window: { type: 'recurring', cron: '0 8 * * *', durationMinutes: 60, excludedDates: [] },
    });
    request.flush({
      timeZone: 'Europe/Paris',
      from: '2026-03-28T00:00:00Z',
      occurrences: [occurrence('2026-03-28T07:00:00Z', '2026-03-28T08:00:00Z'), occurrence('2026-03-29T06:00:00Z', '2026-03-29T07:00:00Z')],
    });
    await fixture.whenStable();

    const rows = [...root.querySelectorAll('peak-occurrence-list li')];
    expect(rows).toHaveLength(2);
    expect(rows[1]?.textContent).toContain('Clock change since the previous window: GMT+1 → GMT+2');
  });

  it('checks the fit against the quota with the preview once a flavor and a count are chosen, and shows the conflicts', async () => {
    await render();
    form().patchValue({ timeZone: 'UTC', cron: '0 9 * * *', durationMinutes: 60, leadTimeMinutes: 0, flavorId: 'flv-1', instanceCount: 6 });

    const request = await previewRequest((body) => body.window.cron === '0 9 * * *');
    expect(request.request.body).toEqual({
      timeZone: 'UTC',
      leadTimeMinutes: 0,
      window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 60, excludedDates: [] },
      flavorId: 'flv-1',
      instanceCount: 6,
      enabled: true,
    });
    request.flush({
      timeZone: 'UTC',
      from: '2026-12-14T00:00:00Z',
      occurrences: [occurrence('2026-12-14T09:00:00Z', '2026-12-14T10:00:00Z')],
      capacity: {
        fits: false,
        horizonEnd: '2027-01-13T00:00:00Z',
        reason: null,
        conflicts: [
          {
            resource: 'instances',
            from: '2026-12-14T09:00:00Z',
            to: '2026-12-14T10:00:00Z',
            needed: 12,
            available: 10,
            schedules: [
              { id: 's1', name: 'Nightly' },
              { id: 'new', name: 'this schedule' },
            ],
          },
        ],
      },
    });
    await fixture.whenStable();

    const fit = root.querySelector('peak-capacity-fit');
    expect(fit?.querySelector('[data-fits]')?.getAttribute('data-fits')).toBe('false');
    expect(fit?.textContent).toContain("Does not fit the project's quota");
    expect(fit?.querySelector('li')?.textContent).toMatch(/^VMs: 12 needed, 10 available, from .* to .* \(Nightly, this schedule\)$/);
  });

  it('says a reason of the preview once, at its field, as it is typed, and names other fields as the form does', async () => {
    await render();
    fillValid();
    const reason = 'must be a valid 5-field cron expression: minute 61 is out of range';
    form().patchValue({ cron: '61 8 * * *' });

    (await previewRequest((body) => body.window.cron === '61 8 * * *')).flush(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: `Validation failed: window.cron ${reason}; launch.spreadAcrossZones is not supported (SCHEDULER_ZONES)`,
        errors: [
          { field: 'window.cron', reason },
          { field: 'launch.spreadAcrossZones', reason: 'is not supported (SCHEDULER_ZONES)' },
        ],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();

    expect(errorOf('Cron expression')).toBe(reason);
    expect(root.querySelector('.preview-error')?.textContent).toContain('Spread across zones: is not supported');
    expect(root.textContent?.split('minute 61 is out of range')).toHaveLength(2);
    expect(root.textContent).not.toContain('window.cron');
    expect(root.textContent).not.toContain('SCHEDULER_');

    // Known before submit: nothing is sent, and the reason is still said once.
    submit();
    await settle();
    http.expectNone((req) => req.method === 'POST' && req.url === '/v1/schedules');
    expect(root.textContent?.split('minute 61 is out of range')).toHaveLength(2);
    expect(notices).toEqual([]);

    // Corrected, the field's error goes with the typing, and the next preview is asked.
    form().patchValue({ cron: '0 8 * * *' });
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(errorOf('Cron expression')).toBeUndefined();
    (await previewRequest((body) => body.window.cron === '0 8 * * *')).flush({ timeZone: 'UTC', from: '', occurrences: [] });
  });

  it('puts the reasons of a refused create on the fields they are about', async () => {
    await render();
    fillValid();
    (await previewRequest((body) => body.window.cron === '0 8 * * 1-5')).flush({ timeZone: 'UTC', from: '', occurrences: [] });

    submit();
    const create = http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
    expect(create.request.body).toMatchObject({ name: 'Peak', imageId: 'img-1', networkIds: ['net-1'], timeZone: 'Europe/Paris' });
    create.flush(
      {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'The schedule cannot be created',
        errors: [
          { field: 'instanceCount', reason: 'must not be greater than 50 (SCHEDULER_MAX_INSTANCE_COUNT)', constraint: 'max' },
          { field: 'networkIds.0', reason: 'no network with id net-1 in the cloud' },
          { field: 'somethingElse', reason: 'is odd' },
        ],
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();

    expect(errorOf('Number of VMs')).toBe('must not be greater than 50');
    expect(errorOf('Networks')).toBe('no network with id net-1 in the cloud');
    expect(root.querySelector('.banner')?.textContent).toContain('Something else: is odd');
    // Said beside the buttons, not in a snackbar that would cover them.
    expect(root.querySelector('form .actions [role="alert"]')?.textContent?.trim()).toBe(
      'errorNot created: 3 problems to correct on the form.',
    );
    expect(notices).toEqual([]);

    // The maximum the API stated is checked as the count is typed from then on.
    form().patchValue({ instanceCount: 51 });
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(errorOf('Number of VMs')).toBe('At most 50');
    form().patchValue({ instanceCount: 50 });
    expect(form().get('instanceCount')?.valid).toBe(true);
    await settle();
    for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
      if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    }
  });

  it('names the schedule that already holds the name, not its id', async () => {
    const other = 'a1b2c3d4-0000-4000-8000-0000000000aa';
    await render();
    fillValid();
    (await previewRequest((body) => body.window.cron === '0 8 * * 1-5')).flush({ timeZone: 'UTC', from: '', occurrences: [] });

    submit();
    http
      .expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules')
      .flush(
        {
          statusCode: 409,
          error: 'Conflict',
          message: 'A schedule named "Peak" already exists',
          errors: [
            { field: 'name', reason: `is already used by schedule ${other} (names are unique regardless of case)`, constraint: 'unique' },
          ],
        },
        { status: 409, statusText: 'Conflict' },
      );
    await fixture.whenStable();
    expect(errorOf('Name')).toBe('is already used by another schedule (names are unique regardless of case)');

    http.expectOne(`/v1/schedules/${other}`).flush({ ...aSchedule({ id: other }), name: 'Morning peak' });
    await fixture.whenStable();
    expect(errorOf('Name')).toBe('is already used by “Morning peak” (names are unique regardless of case)');
    expect(root.textContent).not.toContain(other);
    expect(root.querySelector('form .actions [role="alert"]')?.textContent).toContain('Not created: one problem to correct on the form.');
  });

  it('says a refusal about no field once, beside the buttons, and clears it on the next try', async () => {
    await render();
    fillValid();
    (await previewRequest((body) => body.window.cron === '0 8 * * 1-5')).flush({ timeZone: 'UTC', from: '', occurrences: [] });

    submit();
    http
      .expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules')
      .flush(
        { statusCode: 503, error: 'Service Unavailable', message: 'The cloud (Nova) did not answer' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    await fixture.whenStable();

    const actions = root.querySelector('form .actions') as HTMLElement;
    expect(actions.querySelector('[role="alert"]')?.textContent).toContain('Not created: The cloud (Nova) did not answer');
    expect(root.textContent?.split('did not answer')).toHaveLength(2);
    expect(notices).toEqual([]);

    submit();
    await fixture.whenStable();
    expect(actions.querySelector('[role="alert"]')).toBeNull();
    http
      .expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules')
      .flush(
        { statusCode: 503, error: 'Service Unavailable', message: 'Still no answer' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    await fixture.whenStable();
    expect(actions.querySelector('[role="alert"]')?.textContent).toContain('Not created: Still no answer');
    expect(root.textContent).not.toContain('did not answer');
  });

  it('offers to reload when someone else changed the schedule (409 on its version)', async () => {
    const schedule: Partial<ScheduleDto> = {
      id: 's-1',
      name: 'Peak',
      description: '',
      imageId: 'img-1',
      flavorId: 'flv-1',
      networkIds: ['net-1'],
      instanceCount: 2,
      timeZone: 'UTC',
      leadTimeMinutes: 5,
      enabled: true,
      state: 'idle',
      window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 30 },
      version: 7,
    };
    await render('s-1');
    http.expectOne('/v1/schedules/s-1').flush(schedule);
    (await previewRequest((body) => body.window.cron === '0 9 * * *')).flush({ timeZone: 'UTC', from: '', occurrences: [] });
    expect((root.querySelector('input[formcontrolname="name"]') as HTMLInputElement).value).toBe('Peak');

    submit();
    const patch = http.expectOne((req) => req.method === 'PATCH');
    expect(patch.request.url).toBe('/v1/schedules/s-1');
    expect(patch.request.body).toMatchObject({ version: 7, instanceCount: 2 });
    patch.flush(
      {
        statusCode: 409,
        error: 'Conflict',
        message: 'The schedule was changed by someone else',
        errors: [{ field: 'version', reason: 'is stale: the current version is 8', constraint: 'currentVersion' }],
      },
      { status: 409, statusText: 'Conflict' },
    );
    await fixture.whenStable();

    expect(root.querySelector('.banner')?.textContent).toContain('Someone else changed this schedule');
  });

  it('shows a validity range it has no field for, and saves it back unchanged', async () => {
    const window: ScheduleDto['window'] = {
      type: 'recurring',
      cron: '0 9 * * *',
      durationMinutes: 30,
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2027-02-01T00:00:00.000Z',
    };
    await render('s-1');
    http.expectOne('/v1/schedules/s-1').flush({
      id: 's-1',
      name: 'Winter',
      description: '',
      imageId: 'img-1',
      flavorId: 'flv-1',
      networkIds: ['net-1'],
      instanceCount: 2,
      timeZone: 'UTC',
      leadTimeMinutes: 5,
      enabled: true,
      state: 'idle',
      window,
      version: 2,
    } satisfies Partial<ScheduleDto>);
    (await previewRequest((body) => body.window.cron === '0 9 * * *')).flush({ timeZone: 'UTC', from: '', occurrences: [] });
    const validity = root.querySelector('[data-testid="validity"]')?.textContent ?? '';
    expect(validity).toContain('Windows start only from');
    expect(validity).toContain('2026');
    expect(validity).toContain('kept when you save');

    submit();
    const patch = http.expectOne((req) => req.method === 'PATCH');
    expect(patch.request.body).toMatchObject({ version: 2, window });
  });

  it('saves nothing for a reader (the role was lost while the page was open), and says why', async () => {
    await render(undefined, false);
    fillValid();
    (await previewRequest((body) => body.window.cron === '0 8 * * 1-5')).flush({ timeZone: 'UTC', from: '', occurrences: [] });

    expect(root.querySelector('peak-read-only-hint')?.textContent).toContain(
      'Read-only: your role can view schedules but not change them.',
    );
    expect(root.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(true);
    // Enter in a field submits the form even with its button disabled.
    root.querySelector('form')?.dispatchEvent(new Event('submit'));
    await settle();
    http.expectNone((req) => req.method === 'POST' && req.url === '/v1/schedules');
    for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
      if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    }
  });

  it('lets a user who may change schedules save, without the read-only hint', async () => {
    await render(undefined, true);
    fillValid();
    (await previewRequest((body) => body.window.cron === '0 8 * * 1-5')).flush({ timeZone: 'UTC', from: '', occurrences: [] });

    expect(root.querySelector('peak-read-only-hint')).toBeNull();
    expect(root.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(false);
    submit();
    http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
  });

  describe('a mistyped time', () => {
    function toggle(label: string) {
      [...root.querySelectorAll<HTMLButtonElement>('mat-button-toggle button')].find((b) => b.textContent?.trim() === label)?.click();
    }

    function input(name: string): HTMLInputElement {
      return root.querySelector<HTMLInputElement>(`input[formcontrolname="${name}"]`) as HTMLInputElement;
    }

    /** Types into a field as a person does: focus, the text, then leaving the field. */
    async function type(name: string, text: string) {
      const field = input(name);
      field.focus();
      field.value = text;
      field.dispatchEvent(new Event('input'));
      await fixture.whenStable();
      field.blur();
      await fixture.whenStable();
    }

    /** Every preview sent so far (each answered); what the form asked the API to compute. */
    async function sentPreviews(): Promise<{ window: { type: string; cron?: string; startAt?: string } }[]> {
      await settle();
      return http
        .match((req) => req.url === '/v1/schedules/preview')
        .map((request) => {
          if (!request.cancelled) request.flush({ timeZone: 'UTC', from: '', occurrences: [] });
          return request.request.body;
        });
    }

    it('in a recurring window keeps the preset, the field and its text, and never writes an invalid cron', async () => {
      await render();
      fillValid();
      const sent = await sentPreviews();

      await type('presetTime', '25:99');
      sent.push(...(await sentPreviews()));

      expect(input('presetTime')?.value).toBe('25:99');
      expect(errorOf('Start time')).toBe('Not a valid time (e.g. 4:45 PM)');
      expect(form().getRawValue()).toMatchObject({ preset: 'weekdays', cron: '0 8 * * 1-5' });
      submit();
      await fixture.whenStable();
      http.expectNone((req) => req.method === 'POST');

      // Another preset is written with the last valid time; the typo stays on its field until corrected.
      toggle('Every day');
      await fixture.whenStable();
      expect(form().getRawValue()).toMatchObject({ preset: 'daily', cron: '0 8 * * *' });
      expect(errorOf('Start time')).toBe('Not a valid time (e.g. 4:45 PM)');

      await type('presetTime', '4:45 PM');
      sent.push(...(await sentPreviews()));
      expect(errorOf('Start time')).toBeUndefined();
      expect(form().getRawValue()).toMatchObject({ preset: 'daily', cron: '45 16 * * *' });
      expect(sent.at(-1)?.window.cron).toBe('45 16 * * *');
      for (const body of sent) expect(body.window.cron).toMatch(/^\d{1,2} \d{1,2} \* \* (\*|1-5)$/);

      submit();
      const create = http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
      expect(create.request.body.window).toEqual({ type: 'recurring', cron: '45 16 * * *', durationMinutes: 120, excludedDates: [] });
    });

    it('keeps presets and the cron in step both ways, a typed cron also correcting a mistyped time', async () => {
      await render();
      fillValid();
      await sentPreviews();
      await type('presetTime', '25:99');

      await type('cron', '30 9 * * 1-5');
      expect(form().getRawValue()).toMatchObject({ preset: 'weekdays', cron: '30 9 * * 1-5' });
      expect(input('presetTime')?.value).toBe('9:30 AM');
      expect(errorOf('Start time')).toBeUndefined();

      await type('cron', '*/5 9-17 * * *');
      expect(form().getRawValue()).toMatchObject({ preset: 'custom' });
      expect(input('presetTime')).toBeNull();
      toggle('Weekly');
      await fixture.whenStable();
      expect(form().getRawValue()).toMatchObject({ preset: 'weekly', cron: '30 9 * * 1' });
      expect(form().valid).toBe(true);
      await sentPreviews();
    });

    it('in a recurring window sends no preview of a cron that is not five fields, and says so at the field', async () => {
      await render();
      fillValid();
      await sentPreviews();

      await type('cron', '0 8 * *');
      const sent = await sentPreviews();

      expect(errorOf('Cron expression')).toBe('Needs 5 fields (minute hour day-of-month month day-of-week), not 4');
      expect(sent).toEqual([]);
    });

    it('drops a typo in a field the form no longer shows, so that it never blocks saving', async () => {
      await render();
      fillValid();
      await sentPreviews();
      await type('presetTime', '25:99');

      toggle('Custom cron');
      await fixture.whenStable();
      await fixture.whenStable();

      expect(form().valid).toBe(true);
      toggle('Weekdays');
      await fixture.whenStable();
      expect(input('presetTime')?.value).toBe('8:00 AM');
      expect(form().getRawValue()).toMatchObject({ preset: 'weekdays', cron: '0 8 * * 1-5' });
      await sentPreviews();
    });

    it('in a one-off window takes the corrected time: the error clears, the preview follows and Create works', async () => {
      await render();
      fillValid();
      toggle('One-off');
      await fixture.whenStable();
      form().patchValue({ startDate: new Date(2099, 0, 15) });
      const sent = await sentPreviews();

      await type('startTime', '25:99');
      // Past the preview's debounce with the typo in place.
      sent.push(...(await sentPreviews()));
      expect(input('startTime')?.value).toBe('25:99');
      expect(errorOf('Start time')).toBe('Not a valid time (e.g. 4:45 PM)');
      submit();
      await fixture.whenStable();
      http.expectNone((req) => req.method === 'POST');

      await type('startTime', '4:45 PM');
      sent.push(...(await sentPreviews()));

      expect(errorOf('Start time')).toBeUndefined();
      expect(sent.at(-1)?.window).toEqual({ type: 'once', startAt: '2099-01-15T15:45:00.000Z', endAt: '2099-01-15T17:45:00.000Z' });
      for (const body of sent.filter((b) => b.window.type === 'once'))
        expect(body.window.startAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
      expect(root.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(false);
      submit();
      const create = http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
      expect(create.request.body.window).toEqual({ type: 'once', startAt: '2099-01-15T15:45:00.000Z', endAt: '2099-01-15T17:45:00.000Z' });
    });
  });

  it('says how long until a one-off starts, and warns when provisioning would begin in the past', async () => {
    await render();
    fillValid();
    [...root.querySelectorAll<HTMLButtonElement>('mat-button-toggle button')].find((b) => b.textContent?.trim() === 'One-off')?.click();
    await fixture.whenStable();
    // The default start is tomorrow, on the form's clock.
    expect(form().get('startDate')?.value).toEqual(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));

    form().patchValue({ timeZone: 'UTC', startDate: new Date(2026, 5, 2), startTime: new Date(2026, 0, 1, 9, 58), leadTimeMinutes: 5 });
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(root.querySelector('.starts-in')?.textContent?.trim()).toBe('Starts in 23 h 58 min');
    expect(root.querySelector('.timing-warning')).toBeNull();

    form().patchValue({ startDate: new Date(2026, 5, 1), startTime: new Date(2026, 0, 1, 10, 30), leadTimeMinutes: 60 });
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(root.querySelector('.starts-in')?.textContent?.trim()).toBe('Starts in 30 min');
    expect(root.querySelector('.timing-warning')?.textContent?.trim()).toBe(
      'warningProvisioning would begin in the past: the lead time (1 h) is longer than the 30 min left before the start, so the VMs may not be ready in time.',
    );

    form().patchValue({ leadTimeMinutes: 30 });
    fixture.changeDetectorRef.markForCheck();
    await fixture.whenStable();
    expect(root.querySelector('.timing-warning')).toBeNull();
    await settle();
    for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
      if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    }
  });

  it('holds unsaved changes once the person edits a field, not when a schedule is only opened', async () => {
    await render('s-1');
    http.expectOne('/v1/schedules/s-1').flush({
      id: 's-1',
      name: 'Peak',
      description: '',
      imageId: 'img-1',
      flavorId: 'flv-1',
      networkIds: ['net-1'],
      instanceCount: 2,
      timeZone: 'UTC',
      leadTimeMinutes: 5,
      enabled: true,
      state: 'idle',
      window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 30 },
      launch: {},
      version: 1,
    } satisfies Partial<ScheduleDto>);
    await fixture.whenStable();
    expect(fixture.componentInstance.hasUnsavedChanges()).toBe(false);

    const name = root.querySelector<HTMLInputElement>('input[formcontrolname="name"]') as HTMLInputElement;
    name.value = 'Peak 2';
    name.dispatchEvent(new Event('input'));
    await fixture.whenStable();

    expect(fixture.componentInstance.hasUnsavedChanges()).toBe(true);
    await settle();
    for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
      if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    }
  });

  it('puts the next windows before the buttons in the page order, which one column (a phone) follows', async () => {
    await render();

    const layout = root.querySelector('form.layout') as HTMLElement;
    const order = [...layout.children].map((child) => ['fields', 'preview', 'actions'].find((name) => child.classList.contains(name)));
    expect(order).toEqual(['fields', 'preview', 'actions']);
    expect(layout.querySelector('.fields button[type="submit"]')).toBeNull();
    await settle();
    for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
      if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
    }
  });

  describe('advanced launch options', () => {
    const webLb = {
      id: 'lb-1',
      name: 'web-lb',
      description: '',
      vipAddress: '10.0.0.3',
      vipSubnetId: 'subnet-1',
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      poolIds: ['pool-1', 'pool-2'],
    };
    const pools = [
      {
        id: 'pool-1',
        name: 'web-pool',
        description: '',
        protocol: 'HTTP',
        lbAlgorithm: 'ROUND_ROBIN',
        healthMonitorId: 'hm-1',
        memberCount: 0,
        provisioningStatus: 'ACTIVE',
        operatingStatus: 'ONLINE',
      },
      {
        id: 'pool-2',
        name: 'tcp-pool',
        description: '',
        protocol: 'TCP',
        lbAlgorithm: 'ROUND_ROBIN',
        memberCount: 2,
        provisioningStatus: 'ACTIVE',
        operatingStatus: 'ONLINE',
      },
    ];

    function flushLaunchCatalog(volumeTypes = [{ id: 'vt-1', name: 'ssd', description: 'Fast' }], loadBalancers: unknown[] = [webLb]) {
      http.expectOne('/v1/keypairs').flush([{ name: 'ops-key', type: 'ssh', fingerprint: 'aa:bb' }]);
      http.expectOne('/v1/security-groups').flush([
        { id: 'sg-1', name: 'default', description: 'Default group' },
        { id: 'sg-2', name: 'web', description: '' },
      ]);
      http.expectOne('/v1/availability-zones').flush([{ name: 'az-1' }, { name: 'az-2' }]);
      http.expectOne('/v1/server-groups').flush([{ id: 'grp-1', name: 'spread', policy: 'anti-affinity', members: 2 }]);
      http.expectOne('/v1/volume-types').flush(volumeTypes);
      http.expectOne('/v1/load-balancers').flush(loadBalancers);
    }

    async function flushPools() {
      await fixture.whenStable();
      http.expectOne('/v1/load-balancers/lb-1/pools').flush(pools);
      await fixture.whenStable();
    }

    async function optionsOf(control: string): Promise<(string | undefined)[]> {
      const select = root.querySelector<HTMLElement>(`mat-select[formcontrolname="${control}"]`);
      select?.querySelector<HTMLElement>('.mat-mdc-select-trigger')?.click();
      await fixture.whenStable();
      // Only this select's panel: a closed one may still be in the overlay while it animates away.
      const panel = document.getElementById(select?.getAttribute('aria-controls') ?? '');
      return [...(panel?.querySelectorAll('mat-option') ?? [])].map((o) => o.textContent?.trim());
    }

    function checkboxNamed(text: string): HTMLInputElement | null {
      const box = [...root.querySelectorAll('mat-checkbox')].find((b) => b.textContent?.includes(text));
      return box?.querySelector('input') ?? null;
    }

    it('puts the VMs behind a pool chosen from a load balancer, with its port, and sends it', async () => {
      await render();
      fillValid();
      await openSection();
      flushLaunchCatalog();
      await fixture.whenStable();
      expect(root.querySelector('mat-select[formcontrolname="poolId"]')).toBeNull();

      checkboxNamed('Put the VMs behind a load balancer')?.click();
      await fixture.whenStable();
      expect(await optionsOf('loadBalancerId')).toEqual(['web-lb (10.0.0.3)']);
      launchControl('loadBalancerId')?.setValue('lb-1');
      await flushPools();
      expect(await optionsOf('poolId')).toEqual(['web-pool (HTTP, health monitor)', 'tcp-pool (TCP, no health monitor)']);
      launchControl('poolId')?.setValue('pool-1');
      fixture.changeDetectorRef.markForCheck();
      await fixture.whenStable();
      expect(checkboxNamed('Wait until the health monitor')?.checked).toBe(true);
      expect(root.querySelector('#wait-for-online-hint')?.textContent).toContain('Follows the pool: it has a health monitor');
      expect(errorOf('Subnet (id)')).toBeUndefined();
      await answerPreviews();

      submit();
      await fixture.whenStable();
      expect(errorOf('Port the VMs serve on')).toBe('Required');
      http.expectNone((req) => req.method === 'POST' && req.url === '/v1/schedules');

      launchControl('protocolPort')?.setValue(8080);
      checkboxNamed('Wait until the health monitor')?.click();
      await answerPreviews();
      submit();
      const create = http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
      expect(create.request.body.launch).toEqual({ loadBalancer: { poolId: 'pool-1', protocolPort: 8080, waitForOnline: false } });
    });

    it('puts a refused pool or subnet on its field', async () => {
      await render();
      fillValid();
      form().get('launch')?.patchValue({ loadBalancer: true, poolId: 'pool-x', protocolPort: 80, memberSubnetId: 'subnet-x' });
      await answerPreviews();

      submit();
      const create = http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
      expect(create.request.body.launch).toEqual({ loadBalancer: { poolId: 'pool-x', protocolPort: 80, subnetId: 'subnet-x' } });
      create.flush(
        {
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: 'The schedule cannot be created',
          errors: [
            { field: 'launch.loadBalancer.poolId', reason: 'no pool pool-x in the project' },
            { field: 'launch.loadBalancer.subnetId', reason: 'is not on one of the schedule networks' },
            { field: 'launch.loadBalancer.waitForOnline', reason: 'needs a health monitor' },
          ],
        },
        { status: 422, statusText: 'Unprocessable Entity' },
      );
      flushLaunchCatalog();
      await fixture.whenStable();

      expect(errorOf('Pool')).toBe('no pool pool-x in the project');
      expect(errorOf('Subnet (id)')).toBe('is not on one of the schedule networks');
      expect(root.querySelector('.banner')?.textContent).toContain(
        'Wait until the health monitor sees each VM ONLINE: needs a health monitor',
      );
    });

    it('says when there is no load balancer to join, and keeps the option off', async () => {
      await render();
      await openSection();
      flushLaunchCatalog(undefined, []);
      await fixture.whenStable();

      const checkbox = checkboxNamed('Put the VMs behind a load balancer');
      expect(checkbox?.disabled).toBe(true);
      expect(root.querySelector('#no-load-balancers')?.textContent).toContain('no load balancer');
      expect(checkbox?.getAttribute('aria-describedby')).toContain('no-load-balancers');
      await answerPreviews();
    });

    it('opens a schedule with its pool selected under its load balancer, and saves it unchanged', async () => {
      const launch = { loadBalancer: { poolId: 'pool-2', protocolPort: 5432, drainSeconds: 120 } };
      await render('s-1');
      http.expectOne('/v1/schedules/s-1').flush({ ...aSchedule({ id: 's-1', timeZone: 'UTC', launch }), version: 2 });
      flushLaunchCatalog();
      await flushPools();
      await openSection();
      await answerPreviews();

      expect(launchControl('loadBalancerId')?.value).toBe('lb-1');
      expect(root.querySelector('mat-select[formcontrolname="poolId"]')?.textContent).toContain('tcp-pool (TCP, no health monitor)');
      expect(checkboxNamed('Wait until the health monitor')?.checked).toBe(false);
      expect(fixture.componentInstance.hasUnsavedChanges()).toBe(false);

      submit();
      const patch = http.expectOne((req) => req.method === 'PATCH');
      expect(patch.request.body.launch).toEqual(launch);
    });

    async function openSection() {
      root.querySelector<HTMLElement>('mat-expansion-panel-header')?.click();
      await fixture.whenStable();
    }

    function launchControl(name: string) {
      return form().get(['launch', name]);
    }

    async function answerPreviews() {
      await settle();
      for (const preview of http.match((req) => req.url === '/v1/schedules/preview')) {
        if (!preview.cancelled) preview.flush({ timeZone: 'UTC', from: '', occurrences: [] });
      }
    }

    it('is collapsed on Nova defaults and loads its pickers only when first opened', async () => {
      await render();

      expect(root.querySelector('mat-expansion-panel-header')?.getAttribute('aria-expanded')).toBe('false');
      expect(root.querySelector('.launch-summary')?.textContent?.trim()).toBe('Nova defaults');
      http.expectNone('/v1/keypairs');

      await openSection();
      flushLaunchCatalog();
      await fixture.whenStable();
      root.querySelector<HTMLElement>('mat-select[formcontrolname="keyName"] .mat-mdc-select-trigger')?.click();
      await fixture.whenStable();

      const options = [...document.querySelectorAll('mat-option')].map((o) => o.textContent?.trim());
      expect(options).toEqual(['None', 'ops-key']);
      // Closing and opening again asks the cloud nothing more.
      await openSection();
      await openSection();
      http.expectNone('/v1/keypairs');

      launchControl('keyName')?.setValue('ops-key');
      launchControl('tags')?.setValue(['web']);
      fixture.changeDetectorRef.markForCheck();
      await fixture.whenStable();
      expect(root.querySelector('.launch-summary')?.textContent?.trim()).toBe('2 options set');
      await answerPreviews();
    });

    it('shows the encoded size of the user data as it is typed, and an error past Nova’s limit', async () => {
      await render();
      await openSection();
      flushLaunchCatalog();
      const textarea = root.querySelector<HTMLTextAreaElement>('textarea[formcontrolname="userData"]') as HTMLTextAreaElement;

      textarea.value = 'x'.repeat(1_000);
      textarea.dispatchEvent(new Event('input'));
      await fixture.whenStable();
      expect(root.querySelector('.user-data-size')?.textContent?.trim()).toBe('1,336 of 65,535 bytes once encoded');

      textarea.value = 'x'.repeat(49_150);
      textarea.dispatchEvent(new Event('input'));
      textarea.dispatchEvent(new Event('blur'));
      await fixture.whenStable();
      expect(errorOf('User data')).toBe('65,536 bytes once encoded; at most 65,535');
      expect(textarea.closest('mat-form-field')?.classList).toContain('mat-form-field-invalid');
      await answerPreviews();
    });

    it('keeps one zone and the spread over all zones exclusive, and sends only the chosen one', async () => {
      await render();
      fillValid();
      await openSection();
      flushLaunchCatalog();
      const toggle = (label: string) =>
        [...root.querySelectorAll<HTMLButtonElement>('mat-button-toggle button')].find((b) => b.textContent?.trim() === label)?.click();

      toggle('One zone');
      await fixture.whenStable();
      expect([...root.querySelectorAll('mat-label')].map((l) => l.textContent?.trim())).toContain('Availability zone');
      expect(launchControl('availabilityZone')?.errors).toEqual({ required: true });
      launchControl('availabilityZone')?.setValue('az-2');
      toggle('Spread across zones');
      await fixture.whenStable();
      expect([...root.querySelectorAll('mat-label')].map((l) => l.textContent?.trim())).not.toContain('Availability zone');

      toggle('Existing group');
      await fixture.whenStable();
      expect(launchControl('serverGroupId')?.errors).toEqual({ required: true });
      launchControl('serverGroupId')?.setValue('grp-1');
      toggle('New group per run');
      await fixture.whenStable();
      expect([...root.querySelectorAll('mat-label')].map((l) => l.textContent?.trim())).not.toContain('Server group');
      launchControl('serverGroupPolicy')?.setValue('soft-affinity');
      await answerPreviews();

      submit();
      const create = http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
      expect(create.request.body.launch).toEqual({ spreadAcrossZones: true, serverGroup: { policy: 'soft-affinity' } });
    });

    it('offers no boot volume when the cloud has no volume types, and says why', async () => {
      await render();
      await openSection();
      flushLaunchCatalog([]);
      await fixture.whenStable();

      const checkbox = root.querySelector<HTMLInputElement>('mat-checkbox[formcontrolname="bootVolume"] input');
      expect(checkbox?.disabled).toBe(true);
      expect(root.querySelector('#no-volumes')?.textContent).toContain('no block storage (Cinder)');
      expect(checkbox?.getAttribute('aria-describedby')).toContain('no-volumes');
      await answerPreviews();
    });

    it('checks metadata, tags and the hostname prefix before sending, and opens the section on them', async () => {
      await render();
      fillValid();
      root.querySelector<HTMLElement>('mat-expansion-panel-header')?.click();
      await fixture.whenStable();
      flushLaunchCatalog();
      [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.includes('Add metadata'))?.click();
      [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.includes('Add metadata'))?.click();
      await fixture.whenStable();
      form()
        .get('launch.metadata')
        ?.setValue([
          { key: 'peak-owner', value: 'me' },
          { key: 'role', value: 'web' },
        ]);
      form()
        .get('launch')
        ?.patchValue({ tags: ['a/b'], hostnamePrefix: 'Web' });
      root.querySelector<HTMLElement>('mat-expansion-panel-header')?.click();
      await fixture.whenStable();
      expect(root.querySelector('mat-expansion-panel-header')?.getAttribute('aria-expanded')).toBe('false');
      await answerPreviews();

      submit();
      await fixture.whenStable();

      expect(root.querySelector('mat-expansion-panel-header')?.getAttribute('aria-expanded')).toBe('true');
      expect(errorOf('Key')).toBe('Keys starting with “peak-” are the engine’s own');
      expect(errorOf('Tags')).toBe('“a/b” must not contain “,” or “/”');
      expect(errorOf('Hostname prefix')).toBe('1-50 lower-case letters, digits or “-”, not starting or ending with “-”');
      expect(root.querySelector('.hostname-example')).toBeNull();
      await answerPreviews();
      http.expectNone((req) => req.method === 'POST' && req.url === '/v1/schedules');
    });

    it('puts the reasons of a refused create on the launch options they are about, and opens the section', async () => {
      await render();
      fillValid();
      form()
        .get('launch')
        ?.patchValue({ keyName: 'gone', securityGroups: ['default', 'nope'], userData: '#!/bin/sh' });
      form().get('launch')?.patchValue({ serverGroupMode: 'existing', serverGroupId: 'grp-x' });
      await answerPreviews();

      submit();
      const create = http.expectOne((req) => req.method === 'POST' && req.url === '/v1/schedules');
      expect(create.request.body.launch).toEqual({
        keyName: 'gone',
        securityGroups: ['default', 'nope'],
        userData: '#!/bin/sh',
        serverGroup: { id: 'grp-x' },
      });
      create.flush(
        {
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: 'The schedule cannot be created',
          errors: [
            { field: 'launch.keyName', reason: 'no key pair named gone for this user' },
            { field: 'launch.securityGroups.1', reason: 'no security group nope in the project' },
            { field: 'launch.serverGroup', reason: 'no server group with id grp-x in the project' },
            { field: 'launch.configDrive', reason: 'is not supported by this cloud' },
          ],
        },
        { status: 422, statusText: 'Unprocessable Entity' },
      );
      flushLaunchCatalog();
      await fixture.whenStable();

      expect(root.querySelector('mat-expansion-panel-header')?.getAttribute('aria-expanded')).toBe('true');
      expect(errorOf('Key pair')).toBe('no key pair named gone for this user');
      expect(errorOf('Security groups')).toBe('no security group nope in the project');
      expect(errorOf('Server group')).toBe('no server group with id grp-x in the project');
      expect(root.querySelector('.banner')?.textContent).toContain('Config drive: is not supported by this cloud');
    });

    it('opens a schedule with its launch options and saves the whole launch object', async () => {
      const launch = {
        keyName: 'ops-key',
        securityGroups: ['web'],
        metadata: { role: 'web' },
        availabilityZone: 'az-1',
        bootVolume: { sizeGiB: 30, volumeType: 'ssd', deleteOnTermination: true },
        hostnamePrefix: 'web',
      };
      await render('s-1');
      http.expectOne('/v1/schedules/s-1').flush({
        id: 's-1',
        name: 'Peak',
        description: '',
        imageId: 'img-1',
        flavorId: 'flv-1',
        networkIds: ['net-1'],
        instanceCount: 2,
        timeZone: 'UTC',
        leadTimeMinutes: 5,
        enabled: true,
        state: 'idle',
        window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 30 },
        launch,
        version: 4,
      } satisfies Partial<ScheduleDto>);
      flushLaunchCatalog();
      await answerPreviews();

      expect(root.querySelector('.launch-summary')?.textContent?.trim()).toBe('6 options set');
      expect(root.querySelector('.hostname-example')?.textContent?.trim()).toBe('Hostnames: web-1, web-2…');
      expect(root.querySelectorAll('.metadata-row')).toHaveLength(1);
      root.querySelector<HTMLButtonElement>('button[aria-label="Remove metadata row 1"]')?.click();
      await fixture.whenStable();
      await answerPreviews();

      submit();
      const patch = http.expectOne((req) => req.method === 'PATCH');
      const { metadata: _removed, ...rest } = launch;
      expect(patch.request.body).toMatchObject({ version: 4 });
      expect(patch.request.body.launch).toEqual(rest);
    });
  });
});
