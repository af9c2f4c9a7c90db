import { QUIET_HOUR, QUIET_TIME } from './support/api';
import { fieldError, pick } from './support/form';
import { boxesInOneFrame } from './support/layout';
import { browserAvailable, startStack, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

interface PreviewBody {
  readonly window: { readonly type: string; readonly cron?: string; readonly startAt?: string; readonly endAt?: string };
}

describeInBrowser('schedule form in Chromium', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await stack.loginInBrowser();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('recovers from a mistyped time in both kinds of window, never sending an invalid cron or start', async () => {
    const { page, webUrl } = stack;
    const previews: PreviewBody[] = [];
    const record = (request: { url(): string; method(): string; postDataJSON(): unknown }) => {
      if (request.method() === 'POST' && request.url().includes('/v1/schedules/preview'))
        previews.push(request.postDataJSON() as PreviewBody);
    };
    page.on('request', record);
    try {
      await page.goto(`${webUrl}/schedules/new`);
      await page.getByLabel('Name', { exact: true }).fill('Typo peak');
      await pick(page, 'Image', 'cirros', /^cirros/);
      await pick(page, 'Flavor', 'standard', /^standard/);
      await pick(page, 'Networks', 'priv', /^private/);
      const cron = page.getByLabel('Cron expression');

      // Recurring: the typo stays on its field, the preset and the cron keep their last valid state.
      await page.getByLabel('Start time').fill('25:99');
      await page.getByLabel('Start time').blur();
      await fieldError(page, 'Start time').waitFor();
      expect(await fieldError(page, 'Start time').textContent()).toContain('Not a valid time');
      expect(await page.getByLabel('Start time').inputValue()).toBe('25:99');
      expect(await page.getByRole('radio', { name: 'Weekdays' }).isChecked()).toBe(true);
      expect(await cron.inputValue()).toBe('0 8 * * 1-5');
      await page.getByRole('radio', { name: 'Every day' }).click();
      expect(await cron.inputValue()).toBe('0 8 * * *');
      await page.getByLabel('Start time').fill(QUIET_TIME);
      await page.getByLabel('Start time').blur();
      await fieldError(page, 'Start time').waitFor({ state: 'detached' });
      expect(await cron.inputValue()).toBe(`0 ${QUIET_HOUR} * * *`);

      // One-off: a typo past the preview's debounce, then a valid time that is taken.
      await page.getByRole('radio', { name: 'One-off' }).click();
      // The one-off fields replace the recurring ones: typing before they are there would go to the old input.
      await page.getByLabel('Start date', { exact: true }).waitFor();
      await page.getByLabel('Start time').fill('25:99');
      await page.getByLabel('Start time').blur();
      await fieldError(page, 'Start time').waitFor();
      await page.waitForTimeout(700);
      await page.getByLabel('Start time').fill('4:45 PM');
      await page.getByLabel('Start time').blur();
      await fieldError(page, 'Start time').waitFor({ state: 'detached' });
      const preview = page.getByRole('list', { name: 'Next occurrences' });
      await preview.locator('li .time', { hasText: '16:45 – 18:45' }).waitFor();
      expect(await page.locator('.starts-in').textContent()).toMatch(/^\s*Starts in /);

      for (const body of previews) {
        if (body.window.type === 'recurring') expect(body.window.cron).toMatch(/^\d{1,2} \d{1,2} \* \* (\*|1-5)$/);
        else expect(Number.isNaN(Date.parse(body.window.startAt ?? ''))).toBe(false);
      }

      // Leaving the half-filled form asks first; Cancel stays.
      await page.getByRole('link', { name: 'Cancel' }).click();
      const question = page.getByRole('dialog', { name: 'Leave without saving?' });
      await question.waitFor();
      await question.getByRole('button', { name: 'Cancel' }).click();
      await question.waitFor({ state: 'detached' });
      expect(page.url()).toBe(`${webUrl}/schedules/new`);

      await page.getByRole('button', { name: 'Create schedule' }).click();
      await page.getByRole('heading', { name: 'Typo peak', level: 1 }).waitFor();
    } finally {
      page.off('request', record);
    }
  });

  it('shows the next windows above the buttons on a phone, and every preset in reach', async () => {
    const { page, webUrl } = stack;
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${webUrl}/schedules/new`);
      // Measure the settled page: the preview has its windows and no progress bar. The windows arriving push the
      // button down by about 300 px, and two reads taken on either side of that failed a CI run.
      await page.getByRole('list', { name: 'Next occurrences' }).locator('li').first().waitFor();
      await page.getByRole('progressbar', { name: 'Computing the next windows' }).waitFor({ state: 'detached' });
      const [preview, create] = await boxesInOneFrame(page.locator('.preview'), page.getByRole('button', { name: 'Create schedule' }));
      expect(preview.y + preview.height).toBeLessThanOrEqual(create.y);
      const custom = await page.getByRole('radio', { name: 'Custom cron' }).boundingBox();
      expect(custom && custom.x >= 0 && custom.x + custom.width <= 390).toBe(true);
      await stack.screenshot('schedule-form-phone');
    } finally {
      if (viewport) await page.setViewportSize(viewport);
    }
  });
});
