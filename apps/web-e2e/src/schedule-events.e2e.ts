import { expectNoSeriousA11yViolations } from './support/a11y';
import { apiCall, catalogIds, type CatalogIds } from './support/api';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/**
 * A schedule's Events timeline, in Chromium against the API, its engine and the simulator: the page shows the schedule's
 * creation at once, then the run the engine opens, with a link to the run's page.
 */
describeInBrowser("a schedule's events on its page", () => {
  let stack: Stack;
  let ids: CatalogIds;
  const created: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ apiEnv: { ENGINE_POLL_INTERVAL_MS: '300', ENGINE_SAFETY_INTERVAL_MS: '1000' } });
    ids = await catalogIds(stack.api);
    await stack.loginInBrowser();
  }, 120_000);

  afterAll(async () => {
    // The e2e files share one database: our schedules go again.
    for (const id of created) await apiCall(stack.api, 'DELETE', `/v1/schedules/${id}`).catch(() => undefined);
    await stack?.stop();
  }, 60_000);

  it('shows "Schedule created", then "Run ready" with a link to the run once the engine opened it', async () => {
    const { page, webUrl, api } = stack;
    // A window a few seconds after the test's own start, long enough to stay open until the test ends.
    const startAt = new Date(Date.now() + 5_000);
    const schedule = await apiCall<{ id: string }>(api, 'POST', '/v1/schedules', {
      name: 'Events timeline',
      imageId: ids.imageId,
      flavorId: ids.flavorId,
      networkIds: [ids.networkId],
      instanceCount: 1,
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + 15 * 60_000).toISOString() },
    });
    created.push(schedule.id);

    await page.goto(`${webUrl}/schedules/${schedule.id}`);
    await page.getByRole('heading', { name: 'Events timeline', level: 1 }).waitFor();
    const card = page.locator('mat-card[aria-labelledby="events-heading"]');
    await card.getByRole('heading', { name: 'Events', exact: true, level: 2 }).waitFor();
    const events = card.getByRole('list', { name: 'Events, newest first' });
    await events.locator('li[data-type="peak.schedule.created"]').getByText('Schedule created', { exact: true }).waitFor();

    // The engine opens the run as the window starts; the page reads the events again with the runs.
    const ready = events.locator('li[data-type="peak.run.ready"]');
    await ready.getByText('Run ready', { exact: true }).waitFor({ timeout: 45_000 });
    const labels = (await events.locator('li .label').allTextContents()).map((label) => label.trim());
    expect(labels).toEqual(['Run ready', 'Run provisioning', 'Schedule created']);

    const [run] = (await apiCall<{ items: { id: string; state: string }[] }>(api, 'GET', `/v1/schedules/${schedule.id}/runs`)).items;
    expect(run).toMatchObject({ state: 'active' });
    const link = ready.getByRole('link');
    expect(await link.getAttribute('href')).toBe(`/schedules/${schedule.id}/runs/${run?.id}`);
    expect((await link.textContent())?.trim()).toMatch(/^Run of /);
    await stack.screenshot('schedule-events');
    await expectNoSeriousA11yViolations(page, 'the events of a schedule with its run ready');

    await link.click();
    await page.waitForURL(`${webUrl}/schedules/${schedule.id}/runs/${run?.id}`);
    await page.locator('peak-state-chip[data-state="active"]').first().waitFor();
  }, 90_000);
});
