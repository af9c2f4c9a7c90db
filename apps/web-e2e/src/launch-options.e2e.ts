import { apiCall, QUIET_HOUR, QUIET_TIME } from './support/api';
import { pick } from './support/form';
import { ADMIN, browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** A syntactically valid OpenSSH public key (the simulator computes its fingerprint; nobody logs in with it). */
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBuY3xqvYfTmb2ybW0vJ0m3hN4d3p0eU0x8bZ2y4kJ1Q peak-e2e';
const USER_DATA = '#cloud-config\npackages: [nginx]\n';

describeInBrowser('launch options in the console', () => {
  let stack: Stack;

  beforeAll(async () => {
    // The admin user has a key pair (Nova keeps them per user); the project's `default` security group appears on first use.
    stack = await startStack({ simSeed: { keypairs: [{ name: 'ops-key', user: ADMIN.username, publicKey: PUBLIC_KEY }] } });
    await stack.loginInBrowser();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('fills the advanced launch options, previews and saves them, and shows them on the detail page', async () => {
    const { page, webUrl, api } = stack;
    await page.goto(`${webUrl}/schedules/new`);

    await page.getByLabel('Name', { exact: true }).fill('Launch options peak');
    await pick(page, 'Image', 'cirros', /^cirros/);
    await pick(page, 'Flavor', 'standard', /^standard/);
    await pick(page, 'Networks', 'priv', /^private/);
    // Half a day away: no window opens while the test runs, whatever the time of day.
    await page.getByLabel('Start time').fill(QUIET_TIME);
    await page.getByLabel('Start time').blur();
    await page.waitForFunction(
      (cron) => (document.querySelector('input[formcontrolname="cron"]') as HTMLInputElement | null)?.value === cron,
      `0 ${QUIET_HOUR} * * 1-5`,
    );

    const section = page.getByRole('button', { name: /Advanced launch options/ });
    expect(await section.getAttribute('aria-expanded')).toBe('false');
    expect(await section.textContent()).toContain('Nova defaults');
    await section.click();

    await page.getByRole('combobox', { name: 'Key pair' }).click();
    await page.getByRole('option', { name: 'ops-key' }).click();
    await pick(page, 'Security groups', 'def', /^default/);
    await page.getByLabel('User data').fill(USER_DATA);
    await page.locator('.user-data-size', { hasText: '44 of 65,535 bytes once encoded' }).waitFor();
    await page.getByRole('button', { name: 'Add metadata' }).click();
    await page.getByLabel('Key', { exact: true }).fill('role');
    await page.getByLabel('Value', { exact: true }).fill('web');
    const tags = page.locator('peak-text-chips input');
    await tags.fill('black-friday');
    await tags.press('Enter');
    await page.getByRole('radio', { name: 'Spread across zones' }).click();
    await page.getByRole('radio', { name: 'New group per run' }).click();
    await page.getByRole('checkbox', { name: 'Boot from a new volume' }).check();
    await page.getByLabel('Volume size (GiB)').fill('10');
    await page.getByRole('checkbox', { name: /Config drive/ }).check();
    await page.getByLabel('Hostname prefix').fill('web');
    await page.locator('.hostname-example', { hasText: 'Hostnames: web-1, web-2…' }).waitFor();
    expect(await section.textContent()).toContain('10 options set');

    // The preview checks the launch options with the timing.
    const preview = page.getByRole('list', { name: 'Next occurrences' });
    await preview
      .locator('li .time', { hasText: `${QUIET_TIME} – ` })
      .first()
      .waitFor();
    await stack.screenshot('schedule-form-launch-options');

    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('heading', { name: 'Launch options peak', level: 1 }).waitFor();
    const card = page.locator('mat-card', { has: page.locator('#launch-heading') });
    const rows = await card
      .locator('dl')
      .evaluate((dl) => [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent?.trim(), dt.nextElementSibling?.textContent?.trim()]));
    expect(rows).toEqual([
      ['Key pair', 'ops-key'],
      ['Security groups', 'default'],
      ['User data', '32 bytes, first line “#cloud-config”'],
      ['Metadata', 'role=web'],
      ['Tags', 'black-friday'],
      ['Availability zone', 'Spread across the available zones'],
      ['Server group', 'New group per run, anti-affinity'],
      ['Boot volume', '10 GiB, default type, deleted with the VM'],
      ['Config drive', 'Yes'],
      ['Hostnames', 'web-1, web-2…'],
    ]);
    await stack.screenshot('schedule-detail-launch-options');

    const id = page.url().split('/').pop() ?? '';
    const saved = await apiCall<{ launch: unknown }>(api, 'GET', `/v1/schedules/${id}`);
    expect(saved.launch).toEqual({
      keyName: 'ops-key',
      securityGroups: ['default'],
      userData: USER_DATA,
      metadata: { role: 'web' },
      tags: ['black-friday'],
      spreadAcrossZones: true,
      serverGroup: { policy: 'anti-affinity' },
      bootVolume: { sizeGiB: 10, deleteOnTermination: true },
      configDrive: true,
      hostnamePrefix: 'web',
    });

    // Editing opens the section's values, and a change saves the whole launch object.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit schedule', level: 1 }).waitFor();
    await page.getByRole('button', { name: /Advanced launch options/, expanded: false }).click();
    expect(await page.getByLabel('Hostname prefix').inputValue()).toBe('web');
    await page.getByRole('checkbox', { name: /Config drive/ }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Launch options peak', level: 1 }).waitFor();
    await card.locator('dt', { hasText: 'Key pair' }).waitFor();
    expect(await card.locator('dt').allTextContents()).not.toContain('Config drive');
    const updated = await apiCall<{ launch: Record<string, unknown> }>(api, 'GET', `/v1/schedules/${id}`);
    expect(updated.launch).not.toHaveProperty('configDrive');
    expect(updated.launch['keyName']).toBe('ops-key');
  });
});
