import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { apiCall, type ApiTarget, catalogIds, type CatalogIds, login } from './support/api';
import { pick } from './support/form';
import { ARTIFACTS, browserAvailable, startStack, type Stack, WORKSPACE } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** The README's pictures of the console, at 1400×900. */
const SIZE = { width: 1400, height: 900 };
const SHOTS = join(ARTIFACTS, 'readme');
const DOCS = join(WORKSPACE, 'docs', 'screenshots');

/**
 * The simulator's `demo` user works in its own project (`demo`), which no other e2e file uses: the list shows these
 * schedules only, whatever ran before in the shared database.
 */
const DEMO = { username: 'demo', password: 'secret', projectName: 'demo' } as const;

/** Saves the viewport as `<name>.png` under test-artifacts/web-e2e/readme/, and into docs/screenshots/ with UPDATE_SCREENSHOTS=1. */
async function shoot(page: Page, name: string): Promise<void> {
  // No focus ring, caret or half-finished animation in the picture.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(0, SIZE.height - 1);
  await page.evaluate(() => document.querySelector('mat-sidenav-content')?.scrollTo(0, 0));
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  if (process.env['UPDATE_SCREENSHOTS'] === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, join(DOCS, `${name}.png`));
  }
}

/** A local date (YYYY-MM-DD) in Europe/Paris, `days` after now. */
function parisDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' });
}

/**
 * A recurring schedule whose window is skipped today and tomorrow: a test run at 04:00 in Paris would otherwise meet
 * the nightly window at work, whose 8 VMs leave the demo project's quota (10) too little for the rehearsal's 3.
 */
function recurring(ids: CatalogIds, name: string, instanceCount: number, cron: string, durationMinutes: number) {
  return {
    name,
    imageId: ids.imageId,
    flavorId: ids.flavorId,
    networkIds: [ids.networkId],
    instanceCount,
    timeZone: 'Europe/Paris',
    leadTimeMinutes: 10,
    window: { type: 'recurring', cron, durationMinutes, excludedDates: [parisDate(0), parisDate(1)] },
  };
}

describeInBrowser('README screenshots (1400×900)', () => {
  let stack: Stack;
  let api: ApiTarget;
  let ids: CatalogIds;
  const created: string[] = [];
  /** Creates a schedule as `demo`, remembered for deletion: the e2e files share one database, and another file's engine
   *  would otherwise run these windows in its own simulator. */
  const create = async (body: unknown) => {
    const schedule = await apiCall<{ id: string }>(api, 'POST', '/v1/schedules', body);
    created.push(schedule.id);
    return schedule;
  };

  beforeAll(async () => {
    stack = await startStack({ apiEnv: { ENGINE_POLL_INTERVAL_MS: '300', ENGINE_SAFETY_INTERVAL_MS: '1000' } });
    api = { url: stack.apiUrl, token: await login(stack.apiUrl, DEMO) };
    ids = await catalogIds(api);
    mkdirSync(SHOTS, { recursive: true });
    await stack.page.setViewportSize(SIZE);
    await stack.loginInBrowser(DEMO);
  }, 120_000);

  afterAll(async () => {
    for (const id of created) await apiCall(api, 'DELETE', `/v1/schedules/${id}`).catch(() => undefined);
    await stack?.stop();
  }, 60_000);

  it('takes the schedule list, the new-schedule form with its preview, a run, and the timeline', async () => {
    const { page, webUrl } = stack;
    // A one-off window that opens in a few seconds and lasts two hours: the run page shows its VMs up and running.
    const startAt = new Date(Date.now() + 3_000);
    const rehearsal = await create({
      name: 'Release rehearsal',
      imageId: ids.imageId,
      flavorId: ids.flavorId,
      networkIds: [ids.networkId],
      instanceCount: 3,
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + 2 * 3_600_000).toISOString() },
    });
    await create(recurring(ids, 'Morning build farm', 4, '30 7 * * 1-5', 90));
    await create(recurring(ids, 'Nightly integration tests', 8, '0 2 * * *', 180));
    await create(recurring(ids, 'Friday demo lab', 2, '0 14 * * 5', 120));

    let runId: string | undefined;
    const deadline = Date.now() + 45_000;
    while (!runId && Date.now() < deadline) {
      const runs = await apiCall<{ items: { id: string; state: string }[] }>(api, 'GET', `/v1/schedules/${rehearsal.id}/runs`);
      if (runs.items[0]?.state === 'active') runId = runs.items[0].id;
      else await new Promise((ok) => setTimeout(ok, 500));
    }
    if (!runId) throw new Error('the rehearsal has no active run after 45 s');

    await page.goto(`${webUrl}/schedules?sort=name`);
    for (const name of ['Friday demo lab', 'Morning build farm', 'Nightly integration tests', 'Release rehearsal']) {
      await page.locator(`tr[data-schedule="${name}"]`).waitFor();
    }
    await shoot(page, 'list');

    await page.goto(`${webUrl}/schedules/new`);
    await page.getByLabel('Name', { exact: true }).fill('Evening batch');
    await pick(page, 'Image', 'cirros', /^cirros/);
    await pick(page, 'Flavor', 'standard', /^standard/);
    await pick(page, 'Networks', 'priv', /^private/);
    await page.getByLabel('Number of VMs').fill('6');
    await page.getByLabel('Start time').fill('18:30');
    await page.getByLabel('Start time').blur();
    await page.getByRole('list', { name: 'Next occurrences' }).locator('li .time', { hasText: '18:30 – 20:30' }).first().waitFor();
    await shoot(page, 'form');

    await page.goto(`${webUrl}/schedules/${rehearsal.id}/runs/${runId}`);
    await page.locator('peak-state-chip[data-state="active"]').first().waitFor();
    await page.getByText('3 / 3', { exact: true }).waitFor();
    await shoot(page, 'run');

    // Next week, whatever today is: every recurring schedule has windows in it (the excluded today and tomorrow are gaps).
    await page.goto(`${webUrl}/timeline?scale=week&resource=instances&date=${parisDate(7)}`);
    for (const name of ['Morning build farm', 'Nightly integration tests']) {
      await page.locator(`[data-schedule="${name}"] button.bar`).first().waitFor();
    }
    await page.getByTestId('chart-summary').filter({ hasText: 'Quota line: ' }).waitFor();
    await shoot(page, 'timeline');
  }, 90_000);
});
