import type { Page } from 'playwright-core';
import { expectNoSeriousA11yViolations, expectNoSeriousA11yViolationsInBothSchemes as scanBothSchemes } from './support/a11y';
import { apiCall, type ApiTarget, catalogIds, login, QUIET_HOUR, QUIET_TIME } from './support/api';
import { pick } from './support/form';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** The simulator seeds its load balancer `web-lb` (pool `web-pool`, with a health monitor) in the `demo` project. */
const DEMO = { username: 'demo', password: 'secret', projectName: 'demo' } as const;

/** The VMs table of the schedule page's current window, and the one of a run's page. */
const CURRENT_VMS = 'table[aria-label="VMs of the current window"]';
const RUN_VMS = 'table[aria-label="VMs of the run"]';

/** Waits until `count` VMs of the table show their pool membership in `state` (the chips of `peak-vm-member`). */
async function waitForMembers(page: Page, table: string, state: string, count: number): Promise<void> {
  await page.waitForFunction(
    ([selector, n]) => document.querySelectorAll(selector).length === n,
    [`${table} peak-vm-member peak-state-chip[data-state="${state}"]`, count] as const,
    { timeout: 30_000 },
  );
}

/** What each VM's membership shows, row by row: the chip's label, the member's address, and its steps. */
async function members(page: Page, table: string): Promise<{ label: string; address: string; steps: string[] }[]> {
  return page.locator(`${table} peak-vm-member`).evaluateAll((nodes) =>
    nodes.map((node) => ({
      label: node.querySelector('peak-state-chip .label')?.textContent?.trim() ?? '',
      address: node.querySelector('.address')?.textContent?.trim() ?? '',
      steps: [...node.querySelectorAll('.step')].map((step) => step.textContent?.trim().split(' ')[0] ?? ''),
    })),
  );
}

describeInBrowser('load balancer membership in the console', () => {
  let stack: Stack;
  /** The API as `demo`, whose project holds the load balancer. */
  let demo: ApiTarget;
  const created: string[] = [];

  beforeAll(async () => {
    // Engine passes every 300 ms while VMs are built, drained or deleted, so a whole window fits in seconds.
    stack = await startStack({ apiEnv: { ENGINE_POLL_INTERVAL_MS: '300', ENGINE_SAFETY_INTERVAL_MS: '1000' } });
    demo = { url: stack.apiUrl, token: await login(stack.apiUrl, DEMO) };
    await stack.loginInBrowser(DEMO);
  }, 120_000);

  afterAll(async () => {
    // The e2e files share one database: the demo project's schedules are the screenshots' own.
    for (const id of created) await apiCall(demo, 'DELETE', `/v1/schedules/${id}`).catch(() => undefined);
    await stack?.stop();
  }, 60_000);

  it('picks a pool of a load balancer, saves it, shows it on the schedule page and opens it again', async () => {
    const { page, webUrl, api } = stack;
    await page.goto(`${webUrl}/schedules/new`);

    await page.getByLabel('Name', { exact: true }).fill('Behind web-pool');
    await pick(page, 'Image', 'cirros', /^cirros/);
    await pick(page, 'Flavor', 'standard', /^standard/);
    await pick(page, 'Networks', 'priv', /^private/);
    await page.getByLabel('Start time').fill(QUIET_TIME);
    await page.getByLabel('Start time').blur();
    await page.waitForFunction(
      (cron) => (document.querySelector('input[formcontrolname="cron"]') as HTMLInputElement | null)?.value === cron,
      `0 ${QUIET_HOUR} * * 1-5`,
    );

    await page.getByRole('button', { name: /Advanced launch options/ }).click();
    const toggle = page.getByRole('checkbox', { name: 'Put the VMs behind a load balancer' });
    await expect(toggle.isEnabled()).resolves.toBe(true);
    await toggle.check();
    await page.getByRole('combobox', { name: 'Load balancer' }).click();
    await page.getByRole('option', { name: /^web-lb/ }).click();
    await page.getByRole('combobox', { name: 'Pool' }).click();
    await page.getByRole('option', { name: 'web-pool (HTTP, health monitor)' }).click();
    await page.getByLabel('Port the VMs serve on').fill('8080');
    expect(await page.getByLabel('Drain (seconds)').inputValue()).toBe('30');
    expect(await page.getByRole('checkbox', { name: /Wait until the health monitor/ }).isChecked()).toBe(true);
    await page.locator('#wait-for-online-hint', { hasText: 'Follows the pool: it has a health monitor' }).waitFor();

    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('heading', { name: 'Behind web-pool', level: 1 }).waitFor();
    const scheduleId = page.url().split('/').pop() ?? '';
    created.push(scheduleId);
    const card = page.locator('mat-card', { has: page.locator('#launch-heading') });
    await card.locator('dd', { hasText: 'behind pool web-pool:8080, drain 30 s' }).waitFor();

    const saved = await apiCall<{ launch: { loadBalancer?: { poolId: string; protocolPort: number } } }>(
      api,
      'GET',
      `/v1/schedules/${scheduleId}`,
    );
    expect(saved.launch.loadBalancer).toMatchObject({ poolId: expect.any(String), protocolPort: 8080, drainSeconds: 30 });

    // Editing shows the pool chosen, under its load balancer.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit schedule', level: 1 }).waitFor();
    await page.getByRole('button', { name: /Advanced launch options/, expanded: false }).click();
    await page.getByRole('combobox', { name: 'Pool' }).filter({ hasText: 'web-pool' }).waitFor();
    await page.getByRole('combobox', { name: 'Load balancer' }).filter({ hasText: 'web-lb' }).waitFor();
  });

  it('shows each VM join the pool, come online, then drain and leave it when the window is stopped', async () => {
    const { page, webUrl, sim } = stack;
    const ids = await catalogIds(demo);
    const lb = (await apiCall<{ id: string; name: string }[]>(demo, 'GET', '/v1/load-balancers')).find((l) => l.name === 'web-lb');
    const pool = (await apiCall<{ id: string; name: string }[]>(demo, 'GET', `/v1/load-balancers/${lb?.id}/pools`)).find(
      (p) => p.name === 'web-pool',
    );
    expect(pool).toBeDefined();
    const poolMembers = async () =>
      (await sim.control.loadBalancers()).flatMap((l) => l.pools).find((p) => p.id === pool?.id)?.members ?? [];

    // The simulator's health monitor finds no member up until told: the VMs are members, not yet ONLINE, for as long
    // as the test needs to see it.
    await sim.control.configure({ memberOnlineDelayMs: 600_000 });
    try {
      // A window a few seconds after the test's own start, long enough to stay open until it is stopped; a short drain.
      const startAt = new Date(Date.now() + 3_000);
      const schedule = await apiCall<{ id: string }>(demo, 'POST', '/v1/schedules', {
        name: 'Members of web-pool',
        imageId: ids.imageId,
        flavorId: ids.flavorId,
        networkIds: [ids.networkId],
        instanceCount: 2,
        timeZone: 'Europe/Paris',
        leadTimeMinutes: 0,
        window: { type: 'once', startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + 20 * 60_000).toISOString() },
        launch: { loadBalancer: { poolId: pool?.id, protocolPort: 8080, drainSeconds: 6 } },
      });
      created.push(schedule.id);

      await page.goto(`${webUrl}/schedules/${schedule.id}`);
      await page.getByRole('heading', { name: 'Members of web-pool', level: 1 }).waitFor();
      const current = page.locator('mat-card.current');

      // Both VMs are ACTIVE and in the pool, at their addresses; the run waits for the health monitor.
      await waitForMembers(page, CURRENT_VMS, 'member', 2);
      const joined = await members(page, CURRENT_VMS);
      const addresses = (await poolMembers()).map((m) => m.address).sort();
      expect(addresses).toHaveLength(2);
      expect(joined.map((m) => m.address).sort()).toEqual(addresses);
      for (const member of joined) expect(member).toMatchObject({ label: 'Member', steps: ['Joined'] });
      expect(await current.locator('.run-line peak-state-chip').getAttribute('data-state')).toBe('provisioning');
      await scanBothSchemes(page, 'a schedule whose VMs wait in their pool for the health monitor');

      // The health monitor finds them up: they serve, and the run is active.
      await sim.control.configure({ memberOnlineDelayMs: 500 });
      await waitForMembers(page, CURRENT_VMS, 'online', 2);
      await current.locator('.run-line peak-state-chip[data-state="active"]').waitFor();
      const online = await members(page, CURRENT_VMS);
      expect(online.map((m) => m.address).sort()).toEqual(addresses);
      for (const member of online) expect(member).toMatchObject({ label: 'Online', steps: ['Joined', 'Online'] });
      await expectNoSeriousA11yViolations(page, 'a schedule whose VMs are online in their pool');

      // The run's own page shows the same.
      await current.getByRole('link', { name: 'Run details' }).click();
      await waitForMembers(page, RUN_VMS, 'online', 2);
      expect((await members(page, RUN_VMS)).map((m) => m.address).sort()).toEqual(addresses);
      const runUrl = page.url();

      // Stopped early from the schedule's page: the members drain (weight 0), then leave the pool, then the VMs go.
      await page.goto(`${webUrl}/schedules/${schedule.id}`);
      await waitForMembers(page, CURRENT_VMS, 'online', 2);
      await page.locator('peak-page-header mat-slide-toggle button').click();
      const dialog = page.getByRole('dialog', { name: 'Disable “Members of web-pool” during its window?' });
      await dialog.getByRole('button', { name: 'Stop now' }).click();
      await dialog.waitFor({ state: 'detached' });
      await waitForMembers(page, CURRENT_VMS, 'draining', 2);
      const draining = await members(page, CURRENT_VMS);
      for (const member of draining) expect(member).toMatchObject({ label: 'Draining', steps: ['Joined', 'Online', 'Draining'] });
      expect((await poolMembers()).map((m) => m.weight)).toEqual([0, 0]);
      await page.getByRole('table', { name: 'Runs' }).locator('peak-state-chip[data-state="stopped"]').waitFor({ timeout: 30_000 });
      expect(await poolMembers()).toEqual([]);

      await page.goto(runUrl);
      await page.locator('peak-page-header peak-state-chip[data-state="stopped"]').waitFor();
      await waitForMembers(page, RUN_VMS, 'removed', 2);
      const removed = await members(page, RUN_VMS);
      expect(removed.map((m) => m.address).sort()).toEqual(addresses);
      for (const member of removed) {
        expect(member).toMatchObject({ label: 'Removed', steps: ['Joined', 'Online', 'Draining', 'Removed'] });
      }
      await expectNoSeriousA11yViolations(page, 'a stopped run whose VMs left their pool');
      await stack.screenshot('run-members-removed');
    } finally {
      await sim.control.configure({ memberOnlineDelayMs: 500 });
    }
  }, 60_000);
});
