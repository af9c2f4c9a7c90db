import type { Locator, Page } from 'playwright-core';
import { apiCall, catalogIds, type CatalogIds, QUIET_HOUR, waitForAuditRecords } from './support/api';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** The activity table's record rows (each followed by its hidden details row). */
function records(page: Page): Locator {
  return page.getByRole('table', { name: 'Activity' }).locator('tr.record');
}

describeInBrowser('the activity page in Chromium', () => {
  let stack: Stack;
  let ids: CatalogIds;

  beforeAll(async () => {
    stack = await startStack();
    ids = await catalogIds(stack.api);
    await stack.loginInBrowser();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('lists a schedule’s create, change, refused change and delete, with who, the before and after, and filters in the address', async () => {
    const { page, webUrl, api } = stack;
    // Everything this test looks at happened after this instant, whatever the time of day the test runs at.
    const start = new Date(Date.now() - 1_000).toISOString();
    const name = `Audited peak ${Date.now()}`;

    const created = await apiCall<{ id: string; version: number }>(api, 'POST', '/v1/schedules', {
      name,
      imageId: ids.imageId,
      flavorId: ids.flavorId,
      networkIds: [ids.networkId],
      instanceCount: 1,
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 5,
      // Never open during the test: about half a day away from now.
      window: { type: 'recurring', cron: `0 ${QUIET_HOUR} * * *`, durationMinutes: 60 },
    });
    const updated = await apiCall<{ version: number }>(api, 'PATCH', `/v1/schedules/${created.id}`, {
      instanceCount: 2,
      version: created.version,
    });
    // A stale version: refused with a 409, and recorded as refused.
    await expect(apiCall(api, 'PATCH', `/v1/schedules/${created.id}`, { instanceCount: 3, version: created.version })).rejects.toThrow(
      /answered 409/,
    );
    expect(updated.version).toBeGreaterThan(created.version);
    await waitForAuditRecords(api, created.id, 3);

    // The schedule's page links to its activity; while the schedule exists its records link back to it, by name.
    await page.goto(`${webUrl}/schedules/${created.id}`);
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.locator('peak-page-header').getByRole('link', { name: 'Activity', exact: true }).click();
    await page.waitForURL(`${webUrl}/activity?target=${created.id}`);
    await records(page).nth(2).waitFor();
    await page.getByRole('table', { name: 'Activity' }).getByRole('link', { name }).first().waitFor();

    await apiCall(api, 'DELETE', `/v1/schedules/${created.id}`);
    await waitForAuditRecords(api, created.id, 4);

    // Everything since the test began, newest first.
    await page.goto(`${webUrl}/activity?from=${encodeURIComponent(start)}`);
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    const ours = records(page).filter({ hasText: created.id });
    await ours.nth(3).waitFor();
    expect(await ours.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))).toEqual([
      'schedule.delete',
      'schedule.update',
      'schedule.update',
      'schedule.create',
    ]);
    for (const text of await ours.allTextContents()) expect(text).toContain('admin');
    // Deleted now: the target is named by its id, no longer linked.
    expect(await ours.first().textContent()).toContain('deleted');
    expect(await ours.first().locator('[data-outcome]').textContent()).toMatch(/^\s*2\d\d · success\s*$/);
    expect(await ours.nth(1).locator('[data-outcome]').textContent()).toMatch(/409 · refused/);
    expect(await ours.nth(2).locator('[data-outcome]').textContent()).toMatch(/200 · success/);

    // The action filter narrows the log, and the address keeps it.
    await page.getByRole('combobox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'schedule.update', exact: true }).click();
    await page.waitForURL(/action=schedule\.update/);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('tr.record')].every((row) => row.getAttribute('data-action') === 'schedule.update'),
    );
    // The target filter narrows it to this schedule's changes.
    const target = page.getByLabel('Target (schedule id)');
    await target.fill(created.id);
    await target.press('Enter');
    await page.waitForURL(new RegExp(`target=${created.id}`));
    await page.waitForFunction(() => document.querySelectorAll('tr.record').length === 2);
    expect(await records(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))).toEqual([
      'schedule.update',
      'schedule.update',
    ]);

    // A reload shows the same filtered view.
    await page.reload();
    await records(page).nth(1).waitFor();
    expect(await records(page).count()).toBe(2);
    expect(await page.getByRole('combobox', { name: 'Action' }).textContent()).toContain('schedule.update');
    expect(await target.inputValue()).toBe(created.id);

    // The successful change, expanded with the keyboard: its before and after.
    const change = records(page).nth(1);
    const toggle = change.getByRole('button', { name: /^Show details of schedule\.update/ });
    await toggle.focus();
    await page.keyboard.press('Enter');
    const diff = page.getByRole('table', { name: /^Changes of schedule\.update/ });
    await diff.waitFor();
    const row = diff.locator('tr[data-field="instanceCount"]');
    expect((await row.locator('td.before').textContent())?.trim()).toBe('1');
    expect((await row.locator('td.after').textContent())?.trim()).toBe('2');
    expect(await change.getByRole('button', { name: /^Hide details/ }).getAttribute('aria-expanded')).toBe('true');

    // The refused one says why.
    await records(page)
      .first()
      .getByRole('button', { name: /^Show details/ })
      .click();
    await page.locator('.error-message').filter({ hasText: 'Conflict' }).waitFor();

    await stack.screenshot('activity');
  }, 90_000);
});
