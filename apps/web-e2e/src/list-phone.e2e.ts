import { apiCall, catalogIds, createRecurringSchedule } from './support/api';
import type { Page } from 'playwright-core';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

const PHONE = { width: 390, height: 844 };

/** Waits until the table lists exactly these schedules, in this order. */
async function waitForRows(page: Page, expected: readonly string[]): Promise<void> {
  await page.waitForFunction(
    (names) =>
      JSON.stringify(
        [...document.querySelectorAll('table[aria-label="Schedules"] tr[data-schedule]')].map((tr) => tr.getAttribute('data-schedule')),
      ) === JSON.stringify(names),
    expected,
  );
}

describeInBrowser('schedule list on a phone (390×844)', () => {
  let stack: Stack;
  // The e2e files share one database: these names sort after the other files' (console.e2e.ts pages through
  // "Bulk …" from the top), and the schedules are deleted again at the end.
  const names = ['Phone morning peak', 'Phone schedule with a rather long name that has to wrap on a phone', 'Phone evening peak'];
  const created: { id: string }[] = [];

  beforeAll(async () => {
    stack = await startStack();
    const ids = await catalogIds(stack.api);
    for (const name of names) created.push(await createRecurringSchedule(stack.api, ids, name));
    await stack.loginInBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const schedule of created) await apiCall(stack.api, 'DELETE', `/v1/schedules/${schedule.id}`).catch(() => undefined);
    await stack?.stop();
  }, 60_000);

  it('shows a card per schedule, nothing wider than the screen, every action reachable', async () => {
    const { page, webUrl } = stack;
    await page.setViewportSize(PHONE);
    await page.goto(`${webUrl}/schedules`);
    const cards = page.locator('li.schedule-card');
    await cards.first().waitFor();
    // Other files' schedules may share the list (one stack database per run): each of ours must have its card.
    for (const name of names) await page.locator(`li.schedule-card[data-schedule="${name}"]`).waitFor();
    expect(await cards.count()).toBeGreaterThanOrEqual(names.length);
    expect(await page.getByRole('table', { name: 'Schedules' }).count()).toBe(0);

    const widths = await page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      content: document.querySelector('mat-sidenav-content')?.scrollWidth ?? 0,
    }));
    expect(widths.document).toBeLessThanOrEqual(widths.viewport);
    expect(widths.content).toBeLessThanOrEqual(widths.viewport);

    for (const name of names) {
      const card = page.locator(`li.schedule-card[data-schedule="${name}"]`);
      const controls = [
        card.getByRole('link', { name, exact: true }),
        card.locator('peak-state-chip'),
        card.locator('.card-window'),
        card.locator('.card-vms'),
        card.getByRole('switch', { name: `Disable ${name}` }),
        card.getByRole('link', { name: `Edit ${name}` }),
        card.getByRole('button', { name: `Delete ${name}` }),
      ];
      for (const control of controls) {
        await control.scrollIntoViewIfNeeded();
        const box = await control.boundingBox();
        expect(box).not.toBeNull();
        expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
        expect((box?.x ?? 0) + (box?.width ?? Infinity)).toBeLessThanOrEqual(PHONE.width);
      }
    }
    await stack.screenshot('schedule-list-phone');

    // Each card opens its schedule, whose tab is named after it.
    await page.getByRole('link', { name: names[0], exact: true }).click();
    await page.getByRole('heading', { name: names[0], level: 1 }).waitFor();
    await page.waitForFunction((title) => document.title === title, `${names[0]} · Peak Scheduler`);
  });

  it('keeps a search and a sort in the address through a reload', async () => {
    const { page, webUrl } = stack;
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${webUrl}/schedules`);
    await page.getByRole('table', { name: 'Schedules' }).waitFor();

    await page.getByLabel('Search by name').fill('phone');
    await page.waitForURL(/q=phone/);
    const nameHeader = page.locator('th.mat-column-name .mat-sort-header-container');
    await nameHeader.click();
    await page.waitForURL(/sort=name/);
    await nameHeader.click();
    await page.waitForURL(/sort=-name/);
    const expected = ['Phone schedule with a rather long name that has to wrap on a phone', 'Phone morning peak', 'Phone evening peak'];
    await waitForRows(page, expected);
    const url = page.url();
    expect(new URL(url).searchParams.get('q')).toBe('phone');

    await page.reload();
    await waitForRows(page, expected);
    expect(page.url()).toBe(url);
    expect(await page.getByLabel('Search by name').inputValue()).toBe('phone');
  });
});
