import type { Locator, Page } from 'playwright-core';
import { apiCall, catalogIds, type CatalogIds, createRecurringSchedule, QUIET_HOUR, QUIET_TIME } from './support/api';
import { fieldError, pick } from './support/form';
import { ADMIN, browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** Why a save was refused, said beside the form's buttons (no snackbar over them). */
function refusal(page: Page): Locator {
  return page.locator('form .actions [role="alert"]');
}

function scheduleRow(page: Page, name: string): Locator {
  return page.getByRole('table', { name: 'Schedules' }).locator(`tr[data-schedule="${name}"]`);
}

describeInBrowser('console in Chromium', () => {
  let stack: Stack;
  let ids: CatalogIds;

  beforeAll(async () => {
    stack = await startStack({
      // A peak of a few seconds needs an engine that looks often.
      apiEnv: { ENGINE_POLL_INTERVAL_MS: '300', ENGINE_SAFETY_INTERVAL_MS: '1000' },
    });
    ids = await catalogIds(stack.api);
    await stack.loginInBrowser();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('shows the shell with its navigation', async () => {
    const { page, webUrl } = stack;
    await page.goto(webUrl);

    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
    expect(page.url()).toBe(`${webUrl}/schedules`);
    expect(await page.title()).toBe('Schedules · Peak Scheduler');

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    expect(page.url()).toBe(`${webUrl}/catalog`);
  });

  it('lists the cloud catalog, with the managed flavors marked', async () => {
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/catalog`);

    const images = page.getByRole('table', { name: 'Images' });
    await images.getByRole('row', { name: /cirros-0\.6\.2-x86_64-disk/ }).waitFor();
    await page
      .getByRole('table', { name: 'Networks' })
      .getByRole('row', { name: /private/ })
      .waitFor();
    const flavors = page.getByRole('table', { name: 'Flavors' });
    // The API creates its two managed flavors at start-up; they come first and are marked.
    await flavors.getByRole('row', { name: /Managed · standard/ }).waitFor();
    await flavors.getByRole('row', { name: /Managed · large/ }).waitFor();
    expect(await flavors.getByRole('row', { name: /m1\.tiny/ }).textContent()).not.toContain('Managed');

    await stack.screenshot('catalog');
  });

  it('creates a recurring schedule through the form, with a live preview', async () => {
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/schedules/new`);

    await page.getByLabel('Name', { exact: true }).fill('Weekday peak');
    await pick(page, 'Image', 'cirros', /^cirros/);
    await pick(page, 'Flavor', 'standard', /^standard/);
    await pick(page, 'Networks', 'priv', /^private/);
    await page.getByLabel('Number of VMs').fill('3');
    // Defaults: the browser's zone, weekdays at 08:00 for 2 hours, 5 minutes lead time.
    expect(await page.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('Europe/Paris');
    expect(await page.getByLabel('Cron expression').inputValue()).toBe('0 8 * * 1-5');

    const preview = page.getByRole('list', { name: 'Next occurrences' });
    await preview.locator('li').nth(7).waitFor();
    expect(await preview.locator('li').count()).toBe(8);
    expect(await preview.locator('li .time').first().textContent()).toBe('08:00 – 10:00');
    // A start half a day away, so the window is not open now whatever the time (its VMs would disturb the others).
    await page.getByLabel('Start time').fill(QUIET_TIME);
    await page.getByLabel('Start time').blur();
    await page.waitForFunction(
      (cron) => (document.querySelector('input[formcontrolname="cron"]') as HTMLInputElement | null)?.value === cron,
      `0 ${QUIET_HOUR} * * 1-5`,
    );
    const end = `${String(QUIET_HOUR + 2).padStart(2, '0')}:00`;
    await preview
      .locator('li .time', { hasText: `${QUIET_TIME} – ${end}` })
      .first()
      .waitFor();
    await stack.screenshot('schedule-form');

    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('heading', { name: 'Weekday peak', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/schedules\/[0-9a-f-]{36}$/);
    const settings = page.locator('dl.settings');
    expect(await settings.textContent()).toContain(`Every weekday at ${QUIET_TIME}, for 2 h`);
    expect(await settings.textContent()).toContain('cirros-0.6.2-x86_64-disk');
    // The schedule belongs to the project the browser logged in to.
    expect(await settings.locator('dd.project').textContent()).toContain(ADMIN.projectName);

    await page.getByRole('link', { name: 'Back to schedules' }).click();
    const row = scheduleRow(page, 'Weekday peak');
    await row.waitFor();
    expect(await row.textContent()).toContain(`Every weekday at ${QUIET_TIME}, for 2 h`);
    expect(await row.locator('peak-state-chip').getAttribute('data-state')).toMatch(/idle|upcoming/);

    await row.getByRole('switch', { name: 'Disable Weekday peak' }).click();
    await row.locator('peak-state-chip[data-state="disabled"]').waitFor();
    await stack.screenshot('schedules');
  });

  it('follows the system colour scheme', async () => {
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/schedules`);
    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    await stack.screenshot('schedules-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const luminance = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, c) => sum + Number(c), 0);
    expect(luminance(light)).toBeGreaterThan(600);
    expect(luminance(dark)).toBeLessThan(150);
  });

  it('shows client and server validation errors on the right fields', async () => {
    const { page, webUrl, api } = stack;
    await createRecurringSchedule(api, ids, 'Taken name');
    await page.goto(`${webUrl}/schedules/new`);

    // Client side: nothing filled in.
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    expect(await fieldError(page, 'Name').textContent()).toBe('Required');
    expect(await fieldError(page, 'Image').textContent()).toBe('Required');
    expect(await fieldError(page, 'Networks').textContent()).toBe('Required');

    // Server side: the API's limit on VMs (50 by default) and its unique names.
    await page.getByLabel('Name', { exact: true }).fill('taken NAME');
    await pick(page, 'Image', 'cirros', /^cirros/);
    await pick(page, 'Flavor', 'standard', /^standard/);
    await pick(page, 'Networks', 'priv', /^private/);
    await page.getByLabel('Number of VMs').fill('500');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await fieldError(page, 'Number of VMs').waitFor();
    expect(await fieldError(page, 'Number of VMs').textContent()).toContain('50');
    expect(await fieldError(page, 'Number of VMs').textContent()).not.toContain('SCHEDULER_');
    expect(await refusal(page).textContent()).toContain('Not created');
    expect(await page.locator('mat-snack-bar-container').count()).toBe(0);

    await page.getByLabel('Number of VMs').fill('2');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await fieldError(page, 'Name').waitFor();
    expect(await fieldError(page, 'Name').textContent()).toContain('already used');
    // The other schedule by its name, once the form has read it.
    await page.locator('mat-error', { hasText: '“Taken name”' }).waitFor();

    // The preview's reason for a cron expression the API refuses is said at the field, as it is typed.
    await page.getByRole('radio', { name: 'Custom cron' }).click();
    await page.getByLabel('Cron expression').fill('61 8 * * *');
    await page.locator('.preview-error').waitFor();
    await fieldError(page, 'Cron expression').waitFor();
    expect(await fieldError(page, 'Cron expression').textContent()).toContain('cron expression');
    expect(await page.locator('form').textContent()).not.toContain('window.cron');
    await stack.screenshot('schedule-form-errors');
  });

  it('deletes a schedule after a confirmation that says what happens to its VMs', async () => {
    const { page, webUrl, api } = stack;
    await createRecurringSchedule(api, ids, 'To be deleted');
    await page.goto(`${webUrl}/schedules`);
    const row = scheduleRow(page, 'To be deleted');
    await row.waitFor();

    await row.getByRole('button', { name: 'Delete To be deleted' }).click();
    const dialog = page.getByRole('dialog');
    // The dialog's frame is in the page before its words are rendered: wait for them.
    await dialog.getByText('No VMs of this schedule are running').waitFor();
    await dialog.getByRole('button', { name: 'Delete schedule' }).click();

    await page.locator('mat-snack-bar-container', { hasText: '“To be deleted” deleted.' }).waitFor();
    await row.waitFor({ state: 'detached' });
    const remaining = await apiCall<{ items: { name: string }[] }>(api, 'GET', '/v1/schedules');
    expect(remaining.items.map((s) => s.name)).not.toContain('To be deleted');
  });

  it('pages through many schedules, with the page in the address', async () => {
    const { page, webUrl, api } = stack;
    const names = Array.from({ length: 30 }, (_, i) => `Bulk ${String(i + 1).padStart(2, '0')}`);
    const created = [];
    for (const name of names) created.push(await createRecurringSchedule(api, ids, name));
    try {
      // Other scenarios' schedules are there too, after these by name: the API says what each page holds.
      const { items, total } = await apiCall<{ items: { name: string }[]; total: number }>(api, 'GET', '/v1/schedules?limit=100');
      const all = items.map((schedule) => schedule.name);
      expect(all.slice(0, 30)).toEqual(names);
      const table = page.getByRole('table', { name: 'Schedules' });
      const rowNames = () => table.locator('tr[mat-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-schedule')));
      const paginator = page.getByRole('group', { name: 'Pages of schedules' });
      const rangeLabel = async () => (await paginator.locator('.mat-mdc-paginator-range-label').textContent())?.trim();

      await page.goto(`${webUrl}/schedules?size=25`);
      await scheduleRow(page, 'Bulk 01').waitFor();
      expect(await rowNames()).toEqual(all.slice(0, 25));
      expect(await rangeLabel()).toBe(`1 – 25 of ${total}`);

      await paginator.getByRole('button', { name: 'Next page' }).click();
      await scheduleRow(page, 'Bulk 26').waitFor();
      expect(page.url()).toBe(`${webUrl}/schedules?page=2&size=25`);
      expect(await rowNames()).toEqual(all.slice(25, 50));
      expect((await rowNames()).slice(0, 5)).toEqual(names.slice(25));
      expect(await rangeLabel()).toBe(`26 – ${Math.min(50, total)} of ${total}`);
      await stack.screenshot('schedules-page-2');

      // A reload keeps the page; back returns to the first one.
      await page.reload();
      await scheduleRow(page, 'Bulk 26').waitFor();
      expect(await rangeLabel()).toBe(`26 – ${Math.min(50, total)} of ${total}`);
      await page.goBack();
      await scheduleRow(page, 'Bulk 01').waitFor();
      expect(page.url()).toBe(`${webUrl}/schedules?size=25`);

      // A page past the end (here typed in; after deletions too) moves to the last one.
      const last = Math.ceil(total / 25);
      await page.goto(`${webUrl}/schedules?page=${last + 3}&size=25`);
      await page.waitForURL(`${webUrl}/schedules?page=${last}&size=25`);
      await table.locator('tr[mat-row]').first().waitFor();
      expect(await rowNames()).toEqual(all.slice((last - 1) * 25, last * 25));
    } finally {
      // The other scenarios' lists stay as short as they expect.
      for (const schedule of created) await apiCall(api, 'DELETE', `/v1/schedules/${schedule.id}`);
    }
  });

  it('follows a peak window live: VMs reach ACTIVE, then disappear after its end', async () => {
    const { page, webUrl, api, sim } = stack;
    // Seconds-long windows cannot be typed in the form (it works in minutes): the API takes exact instants.
    const startAt = new Date(Date.now() + 6_000);
    const endAt = new Date(startAt.getTime() + 10_000);
    const schedule = await apiCall<{ id: string }>(api, 'POST', '/v1/schedules', {
      name: 'Short peak',
      imageId: ids.imageId,
      flavorId: ids.flavorId,
      networkIds: [ids.networkId],
      instanceCount: 2,
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
    });
    const started = Date.now();
    await page.goto(`${webUrl}/schedules/${schedule.id}`);
    const current = page.locator('mat-card.current');

    await current.getByText('2 / 2 VMs active').waitFor({ timeout: 45_000 });
    const vms = current.getByRole('table', { name: 'VMs of the current window' });
    expect(await vms.locator('tr[mat-row]').count()).toBe(2);
    expect(await vms.locator('.vm-status').allTextContents()).toEqual(['ACTIVE', 'ACTIVE']);
    expect((await sim.control.servers({ status: 'ACTIVE' })).length).toBe(2);
    console.log(`[web-e2e] VMs ACTIVE ${((Date.now() - started) / 1000).toFixed(1)} s after creating the schedule`);
    await stack.screenshot('schedule-detail-active');

    await current.getByText('No window in progress').waitFor({ timeout: 45_000 });
    const runs = page.getByRole('table', { name: 'Runs' });
    await runs.locator('peak-state-chip[data-state="completed"]').waitFor({ timeout: 15_000 });
    expect(await sim.control.servers()).toEqual([]);
    console.log(`[web-e2e] VMs gone ${((Date.now() - started) / 1000).toFixed(1)} s after creating the schedule`);
    await stack.screenshot('schedule-detail-completed');
  });
});
