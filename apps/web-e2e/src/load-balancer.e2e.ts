import { apiCall, QUIET_HOUR, QUIET_TIME } from './support/api';
import { pick } from './support/form';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** The simulator seeds its load balancer `web-lb` (pool `web-pool`, with a health monitor) in the `demo` project. */
const DEMO = { username: 'demo', password: 'secret', projectName: 'demo' } as const;

describeInBrowser('load balancer membership in the console', () => {
  let stack: Stack;
  let created: string | null = null;

  beforeAll(async () => {
    stack = await startStack();
    await stack.loginInBrowser(DEMO);
  }, 120_000);

  afterAll(async () => {
    // The e2e files share one database: the demo project's schedules are the screenshots' own.
    if (created && stack) await apiCall(stack.api, 'DELETE', `/v1/schedules/${created}`).catch(() => undefined);
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
    created = page.url().split('/').pop() ?? null;
    const card = page.locator('mat-card', { has: page.locator('#launch-heading') });
    await card.locator('dd', { hasText: 'behind pool web-pool:8080, drain 30 s' }).waitFor();

    const saved = await apiCall<{ launch: { loadBalancer?: { poolId: string; protocolPort: number } } }>(
      api,
      'GET',
      `/v1/schedules/${created}`,
    );
    expect(saved.launch.loadBalancer).toMatchObject({ poolId: expect.any(String), protocolPort: 8080, drainSeconds: 30 });

    // Editing shows the pool chosen, under its load balancer.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit schedule', level: 1 }).waitFor();
    await page.getByRole('button', { name: /Advanced launch options/, expanded: false }).click();
    await page.getByRole('combobox', { name: 'Pool' }).filter({ hasText: 'web-pool' }).waitFor();
    await page.getByRole('combobox', { name: 'Load balancer' }).filter({ hasText: 'web-lb' }).waitFor();
  });
});
