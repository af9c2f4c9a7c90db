import { expectNoSeriousA11yViolations } from './support/a11y';
import { apiCall, catalogIds, type CatalogIds } from './support/api';
import { ADMIN, browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

interface Run {
  id: string;
  state: string;
  stoppedBy: { name: string } | null;
}

/**
 * The Enabled switch during a live window, in Chromium against the API, its engine and the simulator: it asks first;
 * "After this window" keeps the VMs (the page says until when); "Stop now" from the page deletes them and the run reads
 * stopped, with who stopped it, on its own page. Cancel leaves everything as it was.
 */
describeInBrowser('switching a schedule off during its window', () => {
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

  /** A one-off window that starts in a few seconds and lasts 20 minutes, with 2 VMs; resolves once both are ACTIVE. */
  async function liveSchedule(name: string): Promise<string> {
    const startAt = new Date(Date.now() + 3_000);
    const schedule = await apiCall<{ id: string }>(stack.api, 'POST', '/v1/schedules', {
      name,
      imageId: ids.imageId,
      flavorId: ids.flavorId,
      networkIds: [ids.networkId],
      instanceCount: 2,
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + 20 * 60_000).toISOString() },
    });
    created.push(schedule.id);
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/schedules/${schedule.id}`);
    await page.locator('mat-card.current').getByText('2 / 2 VMs active').waitFor({ timeout: 45_000 });
    return schedule.id;
  }

  const activeServers = async (scheduleId: string) =>
    (await stack.sim.control.servers({ status: 'ACTIVE' })).filter(
      (s) => !s.deleting && s.metadata['peak-scheduler:schedule-id'] === scheduleId,
    );

  it('asks, keeps the VMs after "After this window", then stops them from the page and records who', async () => {
    const { page, webUrl, api } = stack;
    const id = await liveSchedule('Switch during window');

    await page.locator('peak-page-header mat-slide-toggle button').click();
    const dialog = page.getByRole('dialog', { name: 'Disable “Switch during window” during its window?' });
    await dialog.waitFor();
    expect((await dialog.getByRole('button').allTextContents()).map((t) => t.trim())).toEqual(['Cancel', 'After this window', 'Stop now']);
    await stack.screenshot('disable-during-window-dialog');
    await expectNoSeriousA11yViolations(page, 'the disable question during a window');
    await dialog.getByRole('button', { name: 'After this window' }).click();

    const kept = page.locator('.banner.kept');
    await kept.getByText(/Disabled after this window: its VMs stay until/).waitFor();
    expect(await page.locator('peak-page-header mat-slide-toggle').textContent()).toContain('Disabled');
    // The engine has seen the change (the schedule says it keeps the window) and the VMs are still up.
    const schedule = await apiCall<{ enabled: boolean; vmsKeptUntil: string | null }>(api, 'GET', `/v1/schedules/${id}`);
    expect(schedule).toMatchObject({ enabled: false, vmsKeptUntil: expect.any(String) });
    expect(await activeServers(id)).toHaveLength(2);
    await expectNoSeriousA11yViolations(page, 'a schedule keeping its window');

    await kept.getByRole('button', { name: 'Stop now' }).click();
    const confirm = page.getByRole('dialog', { name: 'Stop the window of “Switch during window” now?' });
    await confirm.getByRole('button', { name: 'Stop now' }).click();
    await kept.waitFor({ state: 'detached' });
    const runs = page.getByRole('table', { name: 'Runs' });
    await runs.locator('peak-state-chip[data-state="stopped"]').waitFor({ timeout: 45_000 });
    expect(await activeServers(id)).toEqual([]);

    const [run] = (await apiCall<{ items: Run[] }>(api, 'GET', `/v1/schedules/${id}/runs`)).items;
    expect(run).toMatchObject({ state: 'stopped', stoppedBy: { name: ADMIN.username } });
    await page.goto(`${webUrl}/schedules/${id}/runs/${run?.id}`);
    await page
      .locator('dd.stopped')
      .getByText(/, by admin$/)
      .waitFor();
    await expectNoSeriousA11yViolations(page, 'a stopped run');
    await stack.screenshot('run-stopped');
  });

  it('leaves the schedule and its VMs alone when the question is cancelled, from the list', async () => {
    const { page, webUrl } = stack;
    const id = await liveSchedule('Switch kept on');
    await page.goto(`${webUrl}/schedules?q=Switch%20kept`);
    const row = page.getByRole('table', { name: 'Schedules' }).locator('tr[data-schedule="Switch kept on"]');
    await row.locator('mat-slide-toggle button').click();
    const dialog = page.getByRole('dialog', { name: 'Disable “Switch kept on” during its window?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    expect(await row.locator('mat-slide-toggle button').getAttribute('aria-checked')).toBe('true');
    expect(await apiCall<{ enabled: boolean }>(stack.api, 'GET', `/v1/schedules/${id}`)).toMatchObject({ enabled: true });
    expect(await activeServers(id)).toHaveLength(2);
  });

  it("extends a one-off window under way from its edit form: same start, a later end, the VMs kept and the run's end moved", async () => {
    const { page, webUrl, api } = stack;
    const id = await liveSchedule('Extend during window');
    const before = await apiCall<{ window: { startAt: string; endAt: string } }>(api, 'GET', `/v1/schedules/${id}`);

    await page.goto(`${webUrl}/schedules/${id}/edit`);
    const duration = page.getByLabel('Duration (minutes)', { exact: true });
    // The form holds the saved schedule once its duration reads 20.
    await page.waitForFunction(
      () => (document.querySelector('input[formcontrolname="durationMinutes"]') as HTMLInputElement | null)?.value === '20',
    );
    expect(await page.locator('.starts-in').textContent()).toMatch(/^\s*Under way, started .+ ago: its end may move\s*$/);
    await duration.fill('50');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${webUrl}/schedules/${id}`);

    // The start (with its seconds: the schedule was made through the API) is kept, the end is 30 minutes later.
    const laterEnd = new Date(Date.parse(before.window.endAt) + 30 * 60_000).toISOString();
    const after = await apiCall<{ window: { startAt: string; endAt: string } }>(api, 'GET', `/v1/schedules/${id}`);
    expect(after.window).toEqual({ type: 'once', startAt: before.window.startAt, endAt: laterEnd });
    // The engine's next pass moves the run's end too.
    const runEnd = async () =>
      (await apiCall<{ items: { windowEnd: string }[] }>(api, 'GET', `/v1/schedules/${id}/runs`)).items[0]?.windowEnd;
    for (const deadline = Date.now() + 30_000; (await runEnd()) !== laterEnd && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await runEnd()).toBe(laterEnd);
    expect(await activeServers(id)).toHaveLength(2);
  });
});
