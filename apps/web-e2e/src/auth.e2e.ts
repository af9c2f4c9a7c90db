import type { Page } from 'playwright-core';
import { catalogIds, createRecurringSchedule, QUIET_TIME } from './support/api';
import { ADMIN, browserAvailable, startStack, VIEWER, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** The token the console keeps for this tab (undefined when logged out). */
function sessionToken(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const raw = sessionStorage.getItem('peak.session');
    return raw ? (JSON.parse(raw) as { token?: string }).token : undefined;
  });
}

async function fillLogin(page: Page, user: { username: string; password: string; projectName?: string }): Promise<void> {
  await page.getByLabel('User name', { exact: true }).fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByLabel('Project', { exact: true }).fill(user.projectName ?? '');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in to Peak Scheduler' }).waitFor();
}

describeInBrowser('login in Chromium', () => {
  let stack: Stack;
  /** Asks Keystone itself (not the API) what it thinks of a token. */
  const keystoneStatus = async (token: string) => {
    const admin = await fetch(`${stack.sim.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } } },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      }),
    });
    const adminToken = admin.headers.get('x-subject-token') ?? '';
    return {
      adminToken,
      status: (await fetch(`${stack.sim.authUrl}/auth/tokens`, { headers: { 'X-Auth-Token': adminToken, 'X-Subject-Token': token } }))
        .status,
    };
  };

  beforeAll(async () => {
    // A one-second validation cache, so a token revoked behind the API's back is refused within the test.
    stack = await startStack({ apiEnv: { AUTH_CACHE_TTL_SECONDS: '1' } });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  // Each scenario starts logged out, even after one that failed half-way.
  beforeEach(async () => {
    if (stack.page.url().startsWith(stack.webUrl)) await stack.page.evaluate(() => sessionStorage.clear());
  });

  it('asks for a login, says when the password is wrong, shows who is logged in, and logs out (revoking the token)', async () => {
    const { page, webUrl } = stack;
    await page.goto(webUrl);
    await page.getByRole('heading', { name: 'Log in to Peak Scheduler' }).waitFor();
    expect(page.url()).toBe(`${webUrl}/login?returnUrl=%2Fschedules`);
    expect(await page.title()).toBe('Log in · Peak Scheduler');
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).count()).toBe(0);
    await stack.screenshot('login');

    await fillLogin(page, { ...ADMIN, password: 'not-the-password' });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Wrong user name or password');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await stack.screenshot('login-error');

    await fillLogin(page, ADMIN);
    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
    expect(page.url()).toBe(`${webUrl}/schedules`);
    const token = await sessionToken(page);
    expect(token).toMatch(/^gAAAAA/);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect((await keystoneStatus(token ?? '')).status).toBe(200);

    const account = page.getByRole('group', { name: 'Logged in as admin · admin' });
    expect(await account.textContent()).not.toContain('read only');
    await account.hover();
    const details = page.locator('.mat-mdc-tooltip');
    expect(await details.textContent()).toContain('Roles admin, member, reader · May read and change schedules');
    await stack.screenshot('logged-in');

    // A reload keeps the login (session storage), checked again with the API.
    await page.reload();
    await account.waitFor();

    await logOut(page);
    expect(await page.getByRole('status').textContent()).toContain('You have logged out.');
    expect(await sessionToken(page)).toBeUndefined();
    expect((await keystoneStatus(token ?? '')).status).toBe(404);
  });

  it('shows a reader the schedules read-only: no way to create, enable, edit or delete, not even by address', async () => {
    const { page, webUrl } = stack;
    const ids = await catalogIds(stack.api);
    const schedule = await createRecurringSchedule(stack.api, ids, 'Owned by admin');

    await stack.loginInBrowser(VIEWER);
    const account = page.getByRole('group', { name: 'Logged in as viewer · admin' });
    expect(await account.textContent()).toContain('read only');

    // The list: the schedule is there, nothing to change it with.
    const row = page.getByRole('table', { name: 'Schedules' }).locator('tr[data-schedule="Owned by admin"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(`Every weekday at ${QUIET_TIME}, for 1 h`);
    const hint = page.getByRole('note');
    expect(await hint.textContent()).toContain('Read-only: your role can view schedules but not change them.');
    expect(await page.getByRole('link', { name: 'New schedule' }).count()).toBe(0);
    expect(await page.getByRole('switch').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Delete / }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Edit / }).count()).toBe(0);
    await stack.screenshot('viewer-schedules');

    // The detail: the same.
    await row.getByRole('link', { name: 'Owned by admin' }).click();
    await page.getByRole('heading', { name: 'Owned by admin', level: 1 }).waitFor();
    await page.locator('dl.settings').waitFor();
    expect(await page.getByRole('note').textContent()).toContain('Read-only');
    expect(await page.getByRole('switch').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await stack.screenshot('viewer-schedule-detail');

    // Typed addresses of the new and edit pages lead back to what a reader may see.
    await page.goto(`${webUrl}/schedules/new`);
    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
    expect(page.url()).toBe(`${webUrl}/schedules`);
    await row.waitFor();
    await page.goto(`${webUrl}/schedules/${schedule.id}/edit`);
    await page.getByRole('heading', { name: 'Owned by admin', level: 1 }).waitFor();
    expect(page.url()).toBe(`${webUrl}/schedules/${schedule.id}`);

    // The API stays the authority: the viewer's own token is refused a change.
    const token = (await sessionToken(page)) ?? '';
    const refused = await fetch(`${stack.apiUrl}/v1/schedules/${schedule.id}`, {
      method: 'PATCH',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: false, version: 1 }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain(
      'Changing anything needs one of the roles member, admin; this token has reader on project admin',
    );
    await logOut(page);
  });

  it('goes back to the login page when the API refuses the token, and returns to the page after logging in again', async () => {
    const { page, webUrl } = stack;
    await stack.loginInBrowser(ADMIN);
    await page.goto(`${webUrl}/catalog`);
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    // The page's own reads done first: one still on its way after the revocation would end the session before Refresh.
    await page.waitForFunction(() => document.querySelectorAll('mat-progress-bar[mode="indeterminate"]').length === 0);

    // Revoked at Keystone behind the console's and the API's back (an operator, another tool).
    const token = (await sessionToken(page)) ?? '';
    const { adminToken } = await keystoneStatus(token);
    const revoked = await fetch(`${stack.sim.authUrl}/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': adminToken, 'X-Subject-Token': token },
    });
    expect(revoked.status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // AUTH_CACHE_TTL_SECONDS=1

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('heading', { name: 'Log in to Peak Scheduler' }).waitFor();
    expect(page.url()).toBe(`${webUrl}/login?returnUrl=%2Fcatalog`);
    expect(await page.getByRole('status').textContent()).toContain('Your session ended');

    await fillLogin(page, ADMIN);
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    expect(page.url()).toBe(`${webUrl}/catalog`);
    await logOut(page);
  });

  it('goes back to the login page when the token expires', async () => {
    const { page } = stack;
    await stack.sim.control.configure({ tokenTtlSeconds: 6 });
    try {
      await stack.loginInBrowser(ADMIN);
      // The schedules page has a status of its own (its paginator's range): wait for the login page's.
      await page.getByRole('heading', { name: 'Log in to Peak Scheduler' }).waitFor({ timeout: 15_000 });
      expect(await page.getByRole('status').textContent()).toContain('Your session expired');
      expect(page.url()).toContain('/login?returnUrl=%2Fschedules');
      await stack.screenshot('login-expired');
    } finally {
      await stack.sim.control.configure({ tokenTtlSeconds: 3600 });
    }
  });

  it('keeps the API documentation public, rendered under the API security headers', async () => {
    const { page, webUrl } = stack;
    const problems: string[] = [];
    const listener = (message: { type(): string; text(): string }) => {
      if (message.type() === 'error') problems.push(message.text());
    };
    page.on('console', listener);
    try {
      await page.goto(`${webUrl}/docs`);
      await page.locator('.swagger-ui .info .title', { hasText: 'Peak Scheduler API' }).waitFor();
      await page.getByRole('button', { name: /Authorize/ }).waitFor();
      expect(problems.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
      await stack.screenshot('api-docs');
    } finally {
      page.off('console', listener);
    }
  });
});
