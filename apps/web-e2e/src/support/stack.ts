import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator, type RunningSimulator, type SimSeed } from '@peak/openstack-sim';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { type ApiTarget, login } from './api';

export const WORKSPACE = resolve(__dirname, '../../../..');
export const ARTIFACTS = join(WORKSPACE, 'test-artifacts', 'web-e2e');
const CHROMIUM = '/usr/bin/chromium';
const API_MAIN = join(WORKSPACE, 'dist/apps/api/main.js');
const WEB_ROOT = join(WORKSPACE, 'dist/apps/web/browser');

/**
 * Whether this machine can run the browser tests. Without Chromium a developer's run skips them with a
 * message; under CI=true a missing browser is a failure, never a silent skip.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true') return true; // let startStack fail loudly
  console.warn(
    `\n[web-e2e] SKIPPED: ${CHROMIUM} not found. Install it with ` +
      '`apt-get install -y --no-install-recommends chromium` to run the console end-to-end tests.\n',
  );
  return false;
}

/** The simulator's demo users (`npm start` prints them too). */
export const ADMIN = { username: 'admin', password: 'secret', projectName: 'admin' } as const;
export const VIEWER = { username: 'viewer', password: 'secret', projectName: 'admin' } as const;

/**
 * Content-Security-Policy violations Chromium reported in any page of any stack of this test file, since the last
 * `takeCspViolations()`. The suite's `afterEach` (support/csp-guard.ts) fails the test that caused one.
 */
const cspViolations: string[] = [];

/** The violations recorded so far, forgetting them. */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0, cspViolations.length);
}

export interface Stack {
  /** The console, e.g. http://127.0.0.1:41234 (it proxies /v1 to the API). */
  readonly webUrl: string;
  readonly apiUrl: string;
  /** The API with an admin token, for direct calls that set up data. */
  readonly api: ApiTarget;
  readonly sim: RunningSimulator;
  readonly page: Page;
  /** Logs the browser in through the console's login page, as a person would; resolves on the schedules page. */
  loginInBrowser(user?: { username: string; password: string; projectName?: string }): Promise<void>;
  /** Saves a full-page PNG under test-artifacts/web-e2e/. */
  screenshot(name: string): Promise<void>;
  /** Stops the browser, the servers and the simulator; safe to call after a partial start. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Extra environment for the API (e.g. faster engine timings). */
  apiEnv?: Record<string, string>;
  /** Parts of the simulator's seed to replace (e.g. key pairs of its users). */
  simSeed?: Partial<SimSeed>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => console.warn('[web-e2e] cleanup:', e));
    cleanups.length = 0;
  };
  try {
    for (const file of [API_MAIN, join(WEB_ROOT, 'index.html')]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run through \`npx nx e2e web-e2e\`, which builds it`);
    }
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing and CI=true: the e2e tests must run in CI`);
    const databaseUrl = process.env['E2E_DATABASE_URL'];
    if (!databaseUrl) throw new Error('E2E_DATABASE_URL is not set: the jest globalSetup creates it');

    // The cloud: fast builds and deletes so a whole peak fits in a few seconds.
    const sim = await startSimulator({ port: 0, buildDelayMs: 300, deleteDelayMs: 200, seed: options.simSeed });
    cleanups.push(() => sim.close());

    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const apiProcess = startProcess('api', process.execPath, [API_MAIN], {
      ...withoutCloudEnv(process.env),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      DATABASE_URL: databaseUrl,
      ...(process.env['E2E_DATABASE_EMBEDDED'] === 'true' ? { DATABASE_POOL_SIZE: '1' } : {}),
      OS_AUTH_URL: sim.authUrl,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
      ...options.apiEnv,
    });
    cleanups.push(() => stopProcess(apiProcess));
    await waitForHttp(`${apiUrl}/v1/health`, apiProcess, 60_000);

    const nginx = process.env['E2E_NGINX'];
    let webUrl: string;
    if (nginx) {
      webUrl = await startNginx(nginx, apiUrl, cleanups);
    } else {
      const web = startProcess('web', process.execPath, [join(__dirname, 'serve-console.mjs')], {
        ...process.env,
        WEB_ROOT,
        API_URL: apiUrl,
      });
      cleanups.push(() => stopProcess(web));
      webUrl = await firstJsonLine<{ url: string }>(web).then((line) => line.url);
    }

    const profile = mkdtempSync(join(tmpdir(), 'peak-e2e-chromium-'));
    cleanups.push(async () => rmSync(profile, { recursive: true, force: true }));
    const context: BrowserContext = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      viewport: { width: 1366, height: 900 },
      timezoneId: 'Europe/Paris',
      locale: 'en-GB',
    });
    cleanups.push(() => context.close());
    // Every CSP violation of every page is recorded twice over: the DOM's securitypolicyviolation event (with the directive
    // and what was blocked) and Chromium's console error about it (which also covers what the event may miss).
    await context.exposeBinding('__peakCspViolation', (_source, report: string) => {
      cspViolations.push(report);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { __peakCspViolation(report: string): void }).__peakCspViolation;
        void report(
          `${event.effectiveDirective} blocked ${event.blockedURI || 'inline content'} (${event.sourceFile}:${event.lineNumber}) on ${location.href}`,
        );
      });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.warn(`[web-e2e] page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(`console: ${message.text()}`);
    });

    const api: ApiTarget = { url: apiUrl, token: await login(apiUrl, ADMIN) };

    return {
      webUrl,
      apiUrl,
      api,
      sim,
      page,
      loginInBrowser: async (user = ADMIN) => {
        await page.goto(`${webUrl}/login`);
        await page.getByLabel('User name', { exact: true }).fill(user.username);
        await page.getByLabel('Password', { exact: true }).fill(user.password);
        await page.getByLabel('Project', { exact: true }).fill(user.projectName ?? '');
        await page.getByRole('button', { name: 'Log in', exact: true }).click();
        await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
      },
      screenshot: async (name) => {
        // The page scrolls inside the sidenav content, not the document: grow the viewport to show all of it.
        const viewport = page.viewportSize() ?? { width: 1366, height: 900 };
        const contentHeight = await page.evaluate(() => (document.querySelector('mat-sidenav-content')?.scrollHeight ?? 0) + 64);
        await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, contentHeight) });
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
        await page.setViewportSize(viewport);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * With E2E_NGINX=/path/to/nginx the console is served by nginx with deploy/nginx.conf, as in the docker image, instead
 * of tools/web-server.mjs: only the API's address, the port and the console's folder are changed.
 */
async function startNginx(binary: string, apiUrl: string, cleanups: (() => Promise<void>)[]): Promise<string> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'peak-e2e-nginx-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  let site = readFileSync(join(WORKSPACE, 'deploy/nginx.conf'), 'utf8');
  for (const [from, to] of [
    ['http://api:8080', apiUrl],
    ['listen 5000;', `listen 127.0.0.1:${port};`],
    ['root /usr/share/nginx/html;', `root ${WEB_ROOT};`],
  ]) {
    if (!site.includes(from)) throw new Error(`deploy/nginx.conf has no \`${from}\` to replace for the test`);
    site = site.replace(from, to);
  }
  writeFileSync(join(dir, 'site.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, kind)};`).join(' ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;\npid ${join(dir, 'nginx.pid')};\nerror_log stderr;\nevents { worker_connections 256; }\n` +
      'http {\n  types { text/html html; text/javascript js mjs; text/css css; font/woff2 woff2; font/woff woff; ' +
      'image/svg+xml svg; image/png png; image/x-icon ico; application/json json; }\n' +
      `  default_type application/octet-stream;\n  access_log off;\n  ${temp}\n  include ${join(dir, 'site.conf')};\n}\n`,
  );
  const child = startProcess('web', binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], process.env);
  cleanups.push(() => stopProcess(child));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child, 15_000);
  return url;
}

/** The machine's own OpenStack settings must not leak into the API under test. */
function withoutCloudEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('OS_') && entry[0] !== 'DATABASE_URL',
    ),
  );
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const log = createWriteStream(join(ARTIFACTS, `${name}.log`));
  const child = spawn(command, args, { env, cwd: WORKSPACE, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('exit', () => log.end());
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  // An unref'd timer: it must not keep the test process alive once the child has exited.
  const stopped = await Promise.race([exited.then(() => true), sleep(15_000, false, { ref: false })]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the process for ${url} exited with ${child.exitCode}; see ${ARTIFACTS}/api.log`);
    }
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s; see ${ARTIFACTS}`);
}

async function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((ok, fail) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        child.stdout?.off('data', onData);
        ok(JSON.parse(buffer.slice(0, newline)) as T);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the console server exited with ${code} before listening`)));
  });
}
