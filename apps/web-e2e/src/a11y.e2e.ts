import { expectNoSeriousA11yViolations, expectNoSeriousA11yViolationsInBothSchemes as scan, seriousA11yViolations } from './support/a11y';
import { apiCall, catalogIds, type CatalogIds, createRecurringSchedule, waitForAuditRecords } from './support/api';
import { pick } from './support/form';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

const PHONE = { width: 390, height: 844 };
const DEMO = { username: 'demo', password: 'secret', projectName: 'demo' } as const;
const DESKTOP = { width: 1366, height: 900 };

/** Logs the browser out, if it is logged in, and in as `user`. */
async function switchUser(stack: Stack, user?: { username: string; password: string; projectName?: string }): Promise<void> {
  const { page, webUrl } = stack;
  await page.goto(`${webUrl}/schedules`);
  const logOut = page.getByRole('button', { name: 'Log out' });
  const loginForm = page.getByRole('heading', { name: 'Log in to Peak Scheduler' });
  await logOut.or(loginForm).waitFor();
  if (await logOut.isVisible()) {
    await logOut.click();
    await loginForm.waitFor();
  }
  await stack.loginInBrowser(user);
}

/** Waits until the schedule's first run exists and returns its id. */
async function firstRunId(stack: Stack, scheduleId: string): Promise<string> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const runs = await apiCall<{ items: { id: string; state: string }[] }>(stack.api, 'GET', `/v1/schedules/${scheduleId}/runs`);
    if (runs.items[0] && runs.items[0].state === 'completed') return runs.items[0].id;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error('the short schedule has no completed run after 45 s');
}

describeInBrowser('accessibility of every console page (axe-core, serious and critical)', () => {
  let stack: Stack;
  let ids: CatalogIds;
  // The e2e files share one database: these names sort after console.e2e.ts's "Bulk …", and are deleted at the end.
  const created: { id: string }[] = [];

  beforeAll(async () => {
    stack = await startStack({
      apiEnv: {
        ENGINE_POLL_INTERVAL_MS: '300',
        ENGINE_SAFETY_INTERVAL_MS: '1000',
        // The webhooks scan points a webhook at a closed port of the loopback address, so its test delivery is pending.
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    });
    ids = await catalogIds(stack.api);
  }, 120_000);

  afterAll(async () => {
    for (const schedule of created) await apiCall(stack.api, 'DELETE', `/v1/schedules/${schedule.id}`).catch(() => undefined);
    await stack?.stop();
  }, 60_000);

  it('can fail: an unlabelled field and pale text are violations', async () => {
    const { page, webUrl } = stack;
    // A page of the console's origin (its policy applies), replaced by a field nobody can name and text too pale to
    // read (a presentational colour attribute: the policy forbids inline styles).
    await page.goto(`${webUrl}/login`);
    await page.setContent(
      '<!doctype html><html lang="en"><title>Proof</title><main><input type="text"><p><font color="#c8c8c8">Hard to read</font></p></main></html>',
    );
    const violations = await seriousA11yViolations(page);
    expect(violations.map((violation) => violation.id).sort()).toEqual(['color-contrast', 'label']);
    await expect(expectNoSeriousA11yViolations(page, 'the proof page')).rejects.toThrow(/label \(critical\)[^]*at input/);
  });

  it('the login page, empty and with its errors', async () => {
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/login`);
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await scan(page, 'the login page');
    await page.getByLabel('User name', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('wrong');
    await page.getByLabel('Project', { exact: true }).fill('admin');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.locator('[role="alert"]').first().waitFor();
    await scan(page, 'the login page after a wrong password');
  });

  it('the schedule list on a desktop and on a phone, and its delete dialog', async () => {
    const { page, webUrl, api } = stack;
    await stack.loginInBrowser();
    const schedule = await createRecurringSchedule(api, ids, 'Scan list peak');
    created.push(schedule);
    await page.goto(`${webUrl}/schedules`);
    await page.getByRole('table', { name: 'Schedules' }).locator('tr[data-schedule="Scan list peak"]').waitFor();
    await scan(page, 'the schedule list');

    await page.getByRole('button', { name: 'Delete Scan list peak' }).click();
    await page.getByRole('dialog').waitFor();
    await scan(page, 'the delete dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    await page.setViewportSize(PHONE);
    try {
      await page.goto(`${webUrl}/schedules`);
      await page.locator('li.schedule-card[data-schedule="Scan list peak"]').waitFor();
      await scan(page, 'the schedule list on a phone');
      await page.getByRole('button', { name: 'Toggle navigation' }).click();
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      await scan(page, 'the schedule list on a phone with its navigation open');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('the new-schedule form: its preview, its field errors and the leave question', async () => {
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/schedules/new`);
    await page.getByRole('list', { name: 'Next occurrences' }).locator('li').first().waitFor();
    await scan(page, 'the new-schedule form');

    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.locator('mat-error').first().waitFor();
    await scan(page, 'the new-schedule form with field errors');

    await page.getByLabel('Name', { exact: true }).fill('Scan unsaved peak');
    await page.getByRole('radio', { name: 'Custom cron' }).click();
    await page.getByLabel('Cron expression').fill('61 8 * * *');
    await page.locator('.preview-error').waitFor();
    await scan(page, 'the new-schedule form with a refused cron');

    await pick(page, 'Image', 'cirros', /^cirros/);
    await page.getByRole('link', { name: 'Cancel' }).click();
    const question = page.getByRole('dialog', { name: 'Leave without saving?' });
    await question.waitFor();
    await scan(page, 'the leave question');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });

    await page.setViewportSize(PHONE);
    try {
      await page.goto(`${webUrl}/schedules/new`);
      await page.getByRole('list', { name: 'Next occurrences' }).locator('li').first().waitFor();
      await scan(page, 'the new-schedule form on a phone');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('the new-schedule form with its launch options, chips, a calendar and a list of options open', async () => {
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/schedules/new`);
    await page.getByRole('list', { name: 'Next occurrences' }).locator('li').first().waitFor();

    const image = page.getByRole('combobox', { name: 'Image' });
    await image.click();
    await page.getByRole('listbox').waitFor();
    await scan(page, 'the new-schedule form with the images listed');
    await image.press('Escape');

    await pick(page, 'Networks', 'priv', /^private/);
    await page.locator('peak-date-chips').getByRole('button', { name: 'Open calendar' }).click();
    const calendar = page.getByRole('dialog');
    await calendar.waitFor();
    await scan(page, 'the excluded dates calendar');
    await calendar.locator('button.mat-calendar-body-cell:not([aria-disabled="true"])').last().click();
    await calendar.waitFor({ state: 'detached' });
    await page.locator('peak-date-chips mat-chip-row').waitFor();

    await page.getByRole('button', { name: /Advanced launch options/ }).click();
    await page.getByRole('button', { name: 'Add metadata' }).click();
    const tags = page.locator('peak-text-chips input');
    await tags.fill('black-friday');
    await tags.press('Enter');
    await page.locator('peak-text-chips mat-chip-row').waitFor();
    await scan(page, 'the new-schedule form with its launch options and chips');
  });

  it("the new-schedule form's load balancer part, filled, as the user whose project has one", async () => {
    const { page, webUrl } = stack;
    // The simulator's `web-lb` (pool `web-pool`, with a health monitor) is in the `demo` project.
    await switchUser(stack, DEMO);
    try {
      await page.goto(`${webUrl}/schedules/new`);
      await page.getByRole('list', { name: 'Next occurrences' }).locator('li').first().waitFor();
      await page.getByRole('button', { name: /Advanced launch options/ }).click();
      await page.getByRole('checkbox', { name: 'Put the VMs behind a load balancer' }).check();
      const balancer = page.getByRole('combobox', { name: 'Load balancer' });
      await balancer.click();
      await page.getByRole('option', { name: /^web-lb/ }).waitFor();
      await scan(page, 'the new-schedule form with its load balancers listed');
      await page.getByRole('option', { name: /^web-lb/ }).click();
      await page.getByRole('combobox', { name: 'Pool' }).click();
      await page.getByRole('option', { name: 'web-pool (HTTP, health monitor)' }).click();
      await page.getByLabel('Port the VMs serve on').fill('8080');
      await page.getByLabel('Drain (seconds)').fill('5');
      await page.locator('#wait-for-online-hint', { hasText: 'Follows the pool: it has a health monitor' }).waitFor();
      await scan(page, 'the new-schedule form with a pool of a load balancer chosen');
    } finally {
      await switchUser(stack);
    }
  });

  it('a schedule, its edit form, and the page of one of its runs', async () => {
    const { page, webUrl, api } = stack;
    // A window of seconds (the API takes exact instants): the schedule's page while its VM is up, then after the run.
    const startAt = new Date(Date.now() + 3_000);
    const schedule = await apiCall<{ id: string }>(api, 'POST', '/v1/schedules', {
      name: 'Scan short peak',
      imageId: ids.imageId,
      flavorId: ids.flavorId,
      networkIds: [ids.networkId],
      instanceCount: 1,
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + 12_000).toISOString() },
    });
    created.push(schedule);

    await page.goto(`${webUrl}/schedules/${schedule.id}`);
    await page.getByRole('heading', { name: 'Scan short peak', level: 1 }).waitFor();
    await page.locator('mat-card.current').getByText('1 / 1 VMs active').waitFor({ timeout: 30_000 });
    const events = page.getByRole('list', { name: 'Events, newest first' });
    await events.locator('li[data-type="peak.run.ready"]').waitFor();
    await scan(page, 'a schedule with its window in progress');

    const runId = await firstRunId(stack, schedule.id);
    await page.reload();
    await page.getByRole('table', { name: 'Runs' }).locator('peak-state-chip[data-state="completed"]').waitFor();
    await events.locator('li[data-type="peak.run.completed"]').waitFor();
    await scan(page, 'a schedule after its run');

    await page.goto(`${webUrl}/schedules/${schedule.id}/runs/${runId}`);
    await page.locator('peak-state-chip[data-state="completed"]').first().waitFor();
    await scan(page, 'a run');

    await page.goto(`${webUrl}/schedules/${schedule.id}/edit`);
    await page.getByRole('button', { name: 'Save', exact: true }).waitFor();
    await scan(page, 'the edit form');
  }, 90_000);

  it('the activity page, with a row expanded, and its empty filtered state', async () => {
    const { page, webUrl, api } = stack;
    const schedule = await createRecurringSchedule(api, ids, 'Scan activity peak');
    created.push(schedule);
    const current = await apiCall<{ version: number }>(api, 'GET', `/v1/schedules/${schedule.id}`);
    await apiCall(api, 'PATCH', `/v1/schedules/${schedule.id}`, { instanceCount: 2, version: current.version });
    // A stale version, refused: the page shows refused attempts in their own colours.
    await apiCall(api, 'PATCH', `/v1/schedules/${schedule.id}`, { instanceCount: 3, version: current.version }).catch(() => undefined);

    await waitForAuditRecords(api, schedule.id, 3);
    const activity = `${webUrl}/activity?target=${schedule.id}`;
    await page.goto(activity);
    const rows = page.getByRole('table', { name: 'Activity' }).locator('tr.record');
    await rows.nth(2).waitFor();
    await scan(page, 'the activity page');

    await rows
      .nth(1)
      .getByRole('button', { name: /^Show details/ })
      .click();
    await page.getByRole('table', { name: /^Changes of schedule\.update/ }).waitFor();
    await rows
      .first()
      .getByRole('button', { name: /^Show details/ })
      .click();
    await page.locator('.error-message').waitFor();
    await scan(page, 'the activity page with rows expanded');

    await page.goto(`${activity}&action=auth.logout`);
    await page.getByText('No activity matches the filters').waitFor();
    await scan(page, 'the activity page with nothing matching');
  });

  it('the webhooks page, its create dialog with a field error, a secret shown once, and a webhook with its deliveries', async () => {
    const { page, webUrl, api } = stack;
    // Nothing listens on port 9 of the loopback address: a delivery there is refused, so it stays pending for a retry.
    const webhook = await apiCall<{ id: string }>(api, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/scan', description: 'Scan' });
    const other = await apiCall<{ id: string }>(api, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/off', enabled: false });
    try {
      await apiCall(api, 'POST', `/v1/webhooks/${webhook.id}/test`);

      await page.goto(`${webUrl}/webhooks`);
      await page.getByRole('table', { name: 'Webhooks' }).getByRole('link', { name: 'http://127.0.0.1:9/off' }).waitFor();
      await scan(page, 'the webhooks page');

      await page.getByRole('button', { name: 'New webhook' }).first().click();
      const form = page.getByRole('dialog', { name: 'New webhook' });
      await form.getByLabel('Payload URL').fill('ftp://example.org/');
      await form.getByRole('button', { name: 'Create webhook' }).click();
      await form.locator('mat-error').first().waitFor();
      await scan(page, 'the new-webhook dialog with a field error');
      await form.getByRole('combobox', { name: 'Events' }).click();
      await page.getByRole('option').first().waitFor();
      await scan(page, 'the new-webhook dialog with its event types open');
      await page.keyboard.press('Escape');
      await form.getByRole('button', { name: 'Cancel' }).click();
      await form.waitFor({ state: 'detached' });

      await page
        .getByRole('row')
        .filter({ hasText: 'http://127.0.0.1:9/scan' })
        .getByRole('button', { name: /^More actions/ })
        .click();
      await page.getByRole('menuitem', { name: 'Rotate secret' }).click();
      await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
      const secret = page.getByRole('dialog', { name: 'New signing secret' });
      await secret.getByLabel('Signing secret').waitFor();
      await scan(page, 'a new signing secret, shown once');
      await secret.getByRole('button', { name: 'I have stored it' }).click();
      await secret.waitFor({ state: 'detached' });

      await page.goto(`${webUrl}/webhooks/${webhook.id}`);
      await page.locator('tr.delivery[data-status="pending"]').waitFor();
      await scan(page, 'a webhook with a pending delivery');
    } finally {
      for (const id of [webhook.id, other.id]) await apiCall(api, 'DELETE', `/v1/webhooks/${id}`).catch(() => undefined);
    }
  }, 90_000);

  it('the catalog and the not-found page', async () => {
    const { page, webUrl } = stack;
    await page.goto(`${webUrl}/catalog`);
    await page
      .getByRole('table', { name: 'Flavors' })
      .getByRole('row', { name: /Managed · standard/ })
      .waitFor();
    await scan(page, 'the catalog');

    await page.goto(`${webUrl}/nowhere/at/all`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await scan(page, 'the not-found page');
  });
});
