import { catalogIds, createRecurringSchedule } from './support/api';
import { browserAvailable, startStack, takeCspViolations, type Stack } from './support/stack';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** The console's policy, with the nonce of an HTML response (assets and errors allow no inline style at all). */
function expectedPolicy(nonce?: string): string {
  return (
    "default-src 'self'; script-src 'self'; " +
    (nonce ? `style-src 'self' 'nonce-${nonce}'; ` : "style-src 'self'; ") +
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
    "frame-ancestors 'none'"
  );
}

const COMMON_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function headersOf(response: Response, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));
}

/** The nonce of a served page: in its CSP header and in the root element Angular reads it from. */
async function pageNonce(response: Response): Promise<{ header: string | undefined; page: string | undefined }> {
  const html = await response.text();
  return {
    header: /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1],
    page: /<app-root ngcspnonce="([^"]*)"/i.exec(html)?.[1],
  };
}

describeInBrowser('security headers and CSP of the console in Chromium', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('serves the shell, a deep link and the assets with the CSP and the other security headers, a fresh nonce per page', async () => {
    const { webUrl } = stack;
    const names = Object.keys(COMMON_HEADERS);
    const seen = new Set<string>();
    for (const path of ['/', '/schedules/00000000-0000-4000-8000-000000000000/edit', '/index.html']) {
      const response = await fetch(`${webUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(headersOf(response, names)).toEqual(COMMON_HEADERS);
      // Plain HTTP: no HSTS.
      expect(response.headers.get('strict-transport-security')).toBeNull();
      const nonce = await pageNonce(response);
      // 128 bits or more: base64 from tools/web-server.mjs, nginx's hexadecimal request id.
      expect(nonce.header).toMatch(/^(?:[A-Za-z0-9+/]{22}==|[0-9a-f]{32})$/);
      expect(nonce.page).toBe(nonce.header);
      expect(response.headers.get('content-security-policy')).toBe(expectedPolicy(nonce.header));
      seen.add(nonce.header ?? '');
    }
    expect(seen.size).toBe(3);

    // The shell has no inline script nor event handler; its bundles and styles are files, served under the policy too.
    const html = await (await fetch(webUrl)).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    const assets = [...html.matchAll(/(?:src|href)="((?:main|styles|chunk)-[A-Z0-9]+\.(?:js|css))"/g)].map((match) => match[1]);
    expect(assets.some((asset) => asset.startsWith('main-'))).toBe(true);
    expect(assets.some((asset) => asset.startsWith('styles-'))).toBe(true);
    for (const asset of assets.slice(0, 3)) {
      const response = await fetch(`${webUrl}/${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(headersOf(response, names)).toEqual(COMMON_HEADERS);
      expect(response.headers.get('content-security-policy')).toBe(expectedPolicy());
    }
    const missing = await fetch(`${webUrl}/chunk-MISSING.js`);
    expect(missing.status).toBe(404);
    expect(headersOf(missing, names)).toEqual(COMMON_HEADERS);

    // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the console asks browsers to keep to HTTPS.
    const overTls = await fetch(`${webUrl}/schedules`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(overTls.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('never serves the API metrics through the console, and leaves the API responses their own headers', async () => {
    const { webUrl, apiUrl } = stack;
    for (const path of ['/metrics', '/metrics/', '/metrics?name=peak']) {
      const response = await fetch(`${webUrl}${path}`);
      expect(response.status).toBe(404);
      const body = await response.text();
      expect(body).not.toContain('# HELP');
      expect(body).not.toContain('<app-root');
    }
    // The API's own port still has them (for Prometheus), whatever it asks of the caller.
    expect((await fetch(`${apiUrl}/metrics`)).status).not.toBe(404);

    // /v1 is forwarded as it is: the console's CSP is not added to the API's answers (the Swagger UI has its own).
    const health = await fetch(`${webUrl}/v1/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-security-policy') ?? '').not.toContain('nonce-');

    const probe = await fetch(`${webUrl}/healthz`);
    expect(probe.status).toBe(200);
    expect(await probe.text()).toBe('ok\n');
  });

  it('works under the policy: logs in, lists schedules, opens one, with every inserted style carrying the nonce', async () => {
    const { page, webUrl } = stack;
    const ids = await catalogIds(stack.api);
    const schedule = await createRecurringSchedule(stack.api, ids, 'Under the CSP');

    // The page the browser logs in on is the document the next steps stay in (the console routes in the page).
    const shell = page.waitForResponse((response) => response.url() === `${webUrl}/login`);
    await stack.loginInBrowser();
    const nonce = /'nonce-([^']+)'/.exec((await (await shell).headerValue('content-security-policy')) ?? '')?.[1];
    expect(nonce).toBeDefined();
    const row = page.getByRole('table', { name: 'Schedules' }).locator('tr[data-schedule="Under the CSP"]');
    await row.waitFor();

    // Overlays (a tooltip, a dialog) make Angular Material insert styles of their own.
    await row.getByRole('button', { name: 'Delete Under the CSP' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    const styles = await page.evaluate(() => Array.from(document.querySelectorAll('style'), (style) => style.nonce));
    expect(styles.length).toBeGreaterThan(0);
    expect(new Set(styles)).toEqual(new Set([nonce]));
    // The fonts are the console's own files, and they did load.
    const fonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return Array.from(document.fonts, (font) => `${font.family.replace(/"/g, '')} ${font.status}`).filter((font) =>
        font.endsWith(' loaded'),
      );
    });
    expect(fonts).toEqual(expect.arrayContaining(['Roboto loaded', 'Material Symbols Outlined loaded']));

    // A deep link loads straight into the page, under a fresh nonce.
    await page.goto(`${webUrl}/schedules/${schedule.id}`);
    await page.getByRole('heading', { name: 'Under the CSP', level: 1 }).waitFor();
    const detailStyles = await page.evaluate(() => Array.from(document.querySelectorAll('style'), (style) => style.nonce));
    expect(detailStyles.length).toBeGreaterThan(0);
    expect(detailStyles).not.toContain(nonce);
    expect(new Set(detailStyles).size).toBe(1);
    await stack.screenshot('under-csp');
  });

  it('blocks what the policy forbids, and the suite notices (an inline script, a style without the nonce)', async () => {
    const { page } = stack;
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.injected = "ran"';
      document.body.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { outline: 3px solid red; }';
      document.head.append(style);
      return { script: document.body.dataset['injected'] ?? 'blocked', outline: getComputedStyle(document.body).outlineStyle };
    });
    expect(ran).toEqual({ script: 'blocked', outline: 'none' });
    // Recorded as violations (which would fail any other test); taken here so that this one passes.
    await page.waitForTimeout(200);
    const violations = takeCspViolations();
    expect(violations.some((text) => text.startsWith('script-src-elem blocked inline'))).toBe(true);
    expect(violations.some((text) => text.startsWith('style-src-elem blocked inline'))).toBe(true);
  });
});
