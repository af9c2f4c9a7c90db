import type { INestApplication } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock, Clock } from '../common/clock';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';

const wrong = (username: string) => ({ username, password: 'guess', projectName: username === 'admin' ? 'admin' : 'demo' });
const right = (username: string) => ({ username, password: 'secret', projectName: username === 'admin' ? 'admin' : 'demo' });

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: { message?: string };
}

/** A POST from a chosen loopback address (Linux answers on all of 127.0.0.0/8), as a client elsewhere would send it. */
function post(baseUrl: string, path: string, body: unknown, from: string, headers: Record<string, string> = {}): Promise<Answer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The test's own reverse proxy on 127.0.0.1, doing what nginx's `$proxy_add_x_forwarded_for` does: it appends the
 * address the client connected from to whatever `X-Forwarded-For` the client sent.
 */
async function startForwardingProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const sent = req.headers['x-forwarded-for'];
    const forwardedFor = [typeof sent === 'string' ? sent : undefined, req.socket.remoteAddress].filter(Boolean).join(', ');
    const out = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': forwardedFor },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('login limits', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  let apiUrl: string;
  const keystoneLogins = async () => (await sim.control.requests({ method: 'POST', path: '/identity/v3/auth/tokens' })).length;

  beforeAll(async () => {
    db = await createTestDatabase('login_limits');
    sim = await startSimulator({ port: 0 });
  });

  afterEach(async () => {
    await app?.close();
  });

  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  const start = async (env: Record<string, string>, clock?: ManualClock) => {
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP: 'false', ...env },
      auth: 'none',
      ...(clock && { override: (builder) => builder.overrideProvider(Clock).useValue(clock) }),
    });
    apiUrl = await app.getUrl();
  };

  describe('behind a trusted proxy', () => {
    let proxy: Awaited<ReturnType<typeof startForwardingProxy>>;

    beforeEach(async () => {
      await start({ TRUST_PROXY: '127.0.0.1', AUTH_LOGIN_LIMIT: '10', AUTH_LOCKOUT_THRESHOLD: '5', AUTH_LOCKOUT_BASE_SECONDS: '60' });
      proxy = await startForwardingProxy(apiUrl);
    });

    afterEach(async () => {
      await proxy?.close();
    });

    it('locks the user name that 10 bad logins went to, and nobody else, even from the same client', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await post(proxy.url, '/v1/auth/tokens', wrong('admin'), '127.0.0.11')).status);
      // Keystone judged the first five; from then on the name is locked and Keystone is not asked.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);

      await sim.control.clearRequests();
      const locked = await post(proxy.url, '/v1/auth/tokens', right('admin'), '127.0.0.12');
      expect(locked.status).toBe(429);
      expect(locked.body.message).toMatch(/^Too many failed logins for this user: try again in \d+ s$/);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(await keystoneLogins()).toBe(0);

      // Another user logs in, from the client that failed and from any other one.
      expect((await post(proxy.url, '/v1/auth/tokens', right('demo'), '127.0.0.11')).status).toBe(201);
      expect((await post(proxy.url, '/v1/auth/tokens', right('demo'), '127.0.0.13')).status).toBe(201);
    });

    it('limits failed logins per client address, counting each client behind the proxy as itself', async () => {
      // Password spraying: one bad guess for each of many names, from one client.
      const names = Array.from({ length: 10 }, (_, i) => `nobody-${i}`);
      for (const name of names) expect((await post(proxy.url, '/v1/auth/tokens', wrong(name), '127.0.0.21')).status).toBe(401);
      const spent = await post(proxy.url, '/v1/auth/tokens', right('demo'), '127.0.0.21');
      expect(spent.status).toBe(429);
      expect(spent.body.message).toMatch(/^Too many failed logins from this address/);
      // The client next door, behind the same proxy, is not affected.
      expect((await post(proxy.url, '/v1/auth/tokens', right('demo'), '127.0.0.22')).status).toBe(201);
    });

    it('ignores an X-Forwarded-For that a client sends through the proxy: the address the proxy saw counts', async () => {
      for (let i = 0; i < 10; i++) {
        const spoofed = { 'x-forwarded-for': `198.51.100.${i}` };
        expect((await post(proxy.url, '/v1/auth/tokens', wrong(`spoofer-${i}`), '127.0.0.31', spoofed)).status).toBe(401);
      }
      const next = await post(proxy.url, '/v1/auth/tokens', right('demo'), '127.0.0.31', { 'x-forwarded-for': '198.51.100.200' });
      expect(next.status).toBe(429);
    });

    it('ignores X-Forwarded-For from a client that reaches the API without the proxy', async () => {
      for (let i = 0; i < 10; i++) {
        const spoofed = { 'x-forwarded-for': `203.0.113.${i}` };
        expect((await post(apiUrl, '/v1/auth/tokens', wrong(`direct-${i}`), '127.0.0.41', spoofed)).status).toBe(401);
      }
      const next = await post(apiUrl, '/v1/auth/tokens', right('demo'), '127.0.0.41', { 'x-forwarded-for': '203.0.113.200' });
      expect(next.status).toBe(429);
      expect(next.body.message).toMatch(/from this address/);
    });
  });

  it('doubles the lock with each further failure and clears it on success', async () => {
    const clock = new ManualClock(new Date('2026-06-01T12:00:00Z'));
    await start(
      { AUTH_LOCKOUT_THRESHOLD: '2', AUTH_LOCKOUT_BASE_SECONDS: '10', AUTH_LOCKOUT_MAX_SECONDS: '25', AUTH_LOGIN_LIMIT: '1000' },
      clock,
    );
    const attempt = async (body: object) => (await post(apiUrl, '/v1/auth/tokens', body, '127.0.0.51')).status;

    expect(await attempt(wrong('admin'))).toBe(401);
    expect(await attempt(wrong('admin'))).toBe(401); // the second failure locks for 10 s
    expect(await attempt(right('admin'))).toBe(429);
    clock.advance(10_000);
    expect(await attempt(wrong('admin'))).toBe(401); // the third locks for 20 s
    clock.advance(19_000);
    expect(await attempt(right('admin'))).toBe(429);
    clock.advance(1_000);
    expect(await attempt(wrong('admin'))).toBe(401); // the fourth would lock 40 s: capped at 25 s
    clock.advance(24_000);
    expect(await attempt(right('admin'))).toBe(429);
    clock.advance(1_000);
    expect(await attempt(right('admin'))).toBe(201);
    // The success forgot the failures: the next failure alone does not lock.
    expect(await attempt(wrong('admin'))).toBe(401);
    expect(await attempt(right('admin'))).toBe(201);
  });
});
