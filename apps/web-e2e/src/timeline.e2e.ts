import type { Locator } from 'playwright-core';
import { defaultSeed } from '@peak/openstack-sim';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { apiCall, type ApiTarget, login } from './support/api';
import { boxesInOneFrame } from './support/layout';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/**
 * A project of its own (`timeline`, quota 4 VMs), so that no other file's schedules and no bystander VM change the
 * quota line or the conflicts this file expects.
 */
const TIMELINE = { username: 'timeline', password: 'secret', projectName: 'timeline' } as const;
const seed = defaultSeed();
const simSeed = {
  projects: [...seed.projects, { name: 'timeline', description: 'The timeline e2e test' }],
  users: [
    ...seed.users,
    { name: 'timeline', password: 'secret', defaultProject: 'timeline', roles: [{ project: 'timeline', role: 'member' }] },
  ],
  networks: [...seed.networks, { name: 'timeline-net', project: 'timeline', cidr: '10.9.0.0/24' }],
  projectQuotas: { timeline: { instances: 4 } },
};

const DAY = 86_400_000;

/** `YYYY-MM-DD` of a UTC instant. */
function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The Monday (UTC) two to three weeks after the test starts: every window of the test lies in that week, so no
 * window is open, due or running whatever the date and hour the test runs at.
 */
function futureMonday(now: number): number {
  const midnight = Math.floor(now / DAY) * DAY;
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7;
  return midnight + (14 - weekday) * DAY;
}

describeInBrowser('timeline in Chromium', () => {
  let stack: Stack;
  let api: ApiTarget;
  const created: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ simSeed });
    api = { url: stack.apiUrl, token: await login(stack.apiUrl, TIMELINE) };
    await stack.page.setViewportSize({ width: 1400, height: 1000 });
    await stack.loginInBrowser(TIMELINE);
  }, 120_000);

  afterAll(async () => {
    for (const id of created) await apiCall(api, 'DELETE', `/v1/schedules/${id}`).catch(() => undefined);
    await stack?.stop();
  }, 60_000);

  it("shows two schedules' windows on their days, an excluded date as a gap, the demand against the quota line, and the form's fit check", async () => {
    const { page, webUrl } = stack;
    const [images, flavors, networks] = await Promise.all([
      apiCall<{ id: string; name: string }[]>(api, 'GET', '/v1/images'),
      apiCall<{ id: string; managed?: string }[]>(api, 'GET', '/v1/flavors'),
      apiCall<{ id: string; name: string }[]>(api, 'GET', '/v1/networks'),
    ]);
    const common = {
      imageId: images.find((i) => i.name.startsWith('cirros'))?.id,
      flavorId: flavors.find((f) => f.managed === 'standard')?.id,
      networkIds: [networks.find((n) => n.name === 'timeline-net')?.id],
      timeZone: 'UTC',
      leadTimeMinutes: 0,
    };
    const monday = futureMonday(Date.now());
    const week = Array.from({ length: 7 }, (_, i) => utcDate(monday + i * DAY));
    const hour = 3_600_000;
    // Monday 10:00–14:00 with 3 VMs, beside a daily 12:00–14:00 with 2 VMs: 5 VMs on Monday 12:00–14:00, over the quota of 4.
    const release = await apiCall<{ id: string }>(api, 'POST', '/v1/schedules', {
      ...common,
      name: 'Release rehearsal',
      instanceCount: 3,
      window: { type: 'once', startAt: new Date(monday + 10 * hour).toISOString(), endAt: new Date(monday + 14 * hour).toISOString() },
    });
    created.push(release.id);
    const daily = await apiCall<{ id: string }>(api, 'POST', '/v1/schedules', {
      ...common,
      name: 'Daily batch',
      instanceCount: 2,
      window: {
        type: 'recurring',
        cron: '0 12 * * *',
        durationMinutes: 120,
        validFrom: new Date(monday).toISOString(),
        validUntil: new Date(monday + 7 * DAY).toISOString(),
        excludedDates: [week[1]],
      },
    });
    created.push(daily.id);

    await page.goto(`${webUrl}/timeline?scale=week&zone=UTC&resource=instances&date=${week[2]}`);
    await page.getByRole('heading', { name: 'Timeline', level: 1 }).waitFor();
    const releaseBars = page.locator('[data-schedule="Release rehearsal"] button.bar');
    const dailyBars = page.locator('[data-schedule="Daily batch"] button.bar');
    await releaseBars.first().waitFor();
    await dailyBars.first().waitFor();

    // Each window sits within its day's column.
    const column = (date: string | undefined) => page.locator(`.day[data-date="${date}"]`);
    const within = async (bar: Locator, date: string | undefined) => {
      const [box, day] = await boxesInOneFrame(bar, column(date));
      expect(box.x).toBeGreaterThanOrEqual(day.x - 1);
      expect(box.x + box.width).toBeLessThanOrEqual(day.x + day.width + 1);
    };
    expect(await releaseBars.count()).toBe(1);
    expect(await releaseBars.first().getAttribute('data-from')).toBe(new Date(monday + 10 * hour).toISOString());
    await within(releaseBars.first(), week[0]);
    expect(await releaseBars.first().getAttribute('aria-label')).toMatch(/^Release rehearsal: .*10:00 to 14:00 .*3 VMs/);
    // Daily: every day of the week but the excluded Tuesday, which is a gap.
    expect(await dailyBars.count()).toBe(6);
    const dailyDays = await dailyBars.evaluateAll((bars) => bars.map((b) => (b.getAttribute('data-from') ?? '').slice(0, 10)));
    expect(dailyDays).toEqual(week.filter((d) => d !== week[1]));
    for (const [i, date] of week.filter((d) => d !== week[1]).entries()) await within(dailyBars.nth(i), date);
    // The conflict (Monday 12:00–14:00) is marked above the rows too.
    const conflict = page.locator('.conflict-row .conflict');
    expect(await conflict.count()).toBe(1);
    await within(conflict.first(), week[0]);
    expect(await conflict.first().getAttribute('aria-label')).toMatch(
      /^Over the quota from .*12:00 to 14:00 GMT\+0: instances 5 needed, 4 available/,
    );
    const gap = page.locator(`[data-schedule="Daily batch"] .gap[data-date="${week[1]}"]`);
    await gap.waitFor();
    const [gapBox, tuesday] = await boxesInOneFrame(gap, column(week[1]));
    expect(Math.abs(gapBox.x - tuesday.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(gapBox.width - tuesday.width)).toBeLessThanOrEqual(2);

    // The chart: its quota line (4 VMs, nothing else running in the project) and the conflict, said in its text alternative.
    const summary = page.getByTestId('chart-summary');
    await summary.filter({ hasText: 'Quota line: 4 VMs available (limit 4, 0 used by other VMs).' }).waitFor();
    expect(await summary.textContent()).toContain('Planned instances: at most 5 VMs');
    expect(await summary.textContent()).toMatch(
      /1 conflict: 5 needed, 4 available from .*12:00 .* to .*14:00 .*\((Daily batch, Release rehearsal|Release rehearsal, Daily batch)\)/,
    );
    const canvas = page.locator('peak-demand-chart canvas');
    expect(await canvas.getAttribute('aria-label')).toContain('Quota line: 4 VMs available');
    // Chart.js drew on the canvas (it is not blank).
    await page.waitForFunction(() => {
      const c = document.querySelector<HTMLCanvasElement>('peak-demand-chart canvas');
      const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      return !!data && data.some((v, i) => i % 4 === 3 && v > 0);
    });
    await stack.screenshot('timeline');
    // No serious accessibility problem, in either colour scheme, with the chart's table open.
    await page.getByText("The chart's figures as a table").click();
    await page.locator('peak-demand-chart table').waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousA11yViolations(page, 'timeline (dark)');
    await page.emulateMedia({ colorScheme: 'light' });
    await expectNoSeriousA11yViolations(page, 'timeline (light)');

    // The switch to vCPUs keeps the quota line (the project's cores quota, 20).
    await page.getByRole('radio', { name: 'vCPUs' }).click();
    await summary.filter({ hasText: /Quota line: 20 vCPUs available/ }).waitFor();

    // A future window has no run: it opens its schedule.
    await releaseBars.first().click();
    await page.waitForURL(`${webUrl}/schedules/${release.id}`);

    // The edit form checks the fit with its preview: the daily schedule beside the one-off is one VM too many on Monday.
    await page.goto(`${webUrl}/schedules/${daily.id}/edit`);
    const fit = page.locator('peak-capacity-fit');
    await fit.locator('[data-fits="false"]').waitFor();
    expect(await fit.textContent()).toContain("Does not fit the project's quota");
    expect(await fit.locator('li').first().textContent()).toMatch(
      /^VMs: 5 needed, 4 available, from .*12:00.* to .*14:00.* \((this schedule, Release rehearsal|Release rehearsal, this schedule)\)$/,
    );
    await stack.screenshot('timeline-form-fit');
    // Two VMs fewer, and it fits.
    await page.getByLabel('Number of VMs').fill('1');
    await fit.locator('[data-fits="true"]').waitFor();
  }, 90_000);
});
