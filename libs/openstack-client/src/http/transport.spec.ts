import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { OpenStackError } from '../errors';
import type { RequestEvent } from '../logger';
import { HttpTransport, type HttpRequest } from './transport';

/**
 * The transport against a small local server that misbehaves on purpose: faults (dropped sockets,
 * hung responses, Retry-After) the simulator cannot always produce at the exact byte we need.
 */
describe(HttpTransport.name, () => {
  type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
  let server: Server;
  let base: string;
  let handler: Handler;
  let hits: number;
  let connections: number;
  const sockets = new Set<Socket>();
  let sleeps: number[];
  let events: RequestEvent[];
  let logs: string[];
  let sut: HttpTransport;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      // Drain the body before answering, as a real server would.
      req.resume();
      req.on('end', () => handler(req, res, hits));
    });
    server.on('connection', (socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    hits = 0;
    connections = 0;
    sleeps = [];
    events = [];
    logs = [];
    const record = (level: string) => (message: string, context?: Record<string, unknown>) =>
      logs.push(`${level} ${message} ${JSON.stringify(context ?? {})}`);
    sut = new HttpTransport({
      timeoutMs: 1000,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 },
      onRequest: (e) => events.push(e),
      logger: { debug: record('debug'), warn: record('warn'), error: record('error') },
      // Recorded instead of waited: the policy is what is under test, not the clock.
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 1,
    });
  });

  afterEach(() => sut.close());

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const get = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
    service: 'compute',
    method: 'GET',
    url: `${base}/v2.1/servers/abc`,
    pathTemplate: '/servers/{id}',
    ...overrides,
  });
  const failure = async (promise: Promise<unknown>): Promise<OpenStackError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof OpenStackError) return error;
      throw error;
    }
    throw new Error('expected an OpenStackError');
  };

  it('reuses keep-alive connections instead of opening one per call', async () => {
    handler = (_req, res) => json(res, 200, { ok: true });
    for (let i = 0; i < 10; i++) await sut.send(get());
    expect(hits).toBe(10);
    // undici may alternate between two sockets of its pool while the previous one is being released.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('parses JSON bodies and exposes the request id', async () => {
    handler = (_req, res) => json(res, 200, { server: { id: 'abc' } }, { 'x-openstack-request-id': 'req-1' });
    await expect(sut.send(get())).resolves.toMatchObject({ status: 200, body: { server: { id: 'abc' } }, requestId: 'req-1' });
  });

  it('turns an OpenStack fault into an OpenStackError with service, status, fault, message and request id', async () => {
    handler = (_req, res) =>
      json(res, 404, { itemNotFound: { code: 404, message: 'Instance abc could not be found.' } }, { 'x-compute-request-id': 'req-404' });
    const error = await failure(sut.send(get()));
    expect(error.toJSON()).toEqual({
      name: 'OpenStackError',
      service: 'compute',
      status: 404,
      fault: 'itemNotFound',
      message: 'Instance abc could not be found.',
      requestId: 'req-404',
      method: 'GET',
      path: '/servers/{id}',
      detail: undefined,
    });
    expect(error.isNotFound).toBe(true);
    expect(hits).toBe(1);
  });

  it('retries an idempotent call on 502/503/504 with growing backoff, then succeeds', async () => {
    handler = (_req, res, n) =>
      n <= 3 ? json(res, [502, 503, 504][n - 1] ?? 500, { computeFault: { code: 503, message: 'busy' } }) : json(res, 200, {});
    await expect(sut.send(get())).resolves.toMatchObject({ status: 200 });
    expect(hits).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(events.map((e) => [e.attempt, e.status])).toEqual([
      [1, 502],
      [2, 503],
      [3, 504],
      [4, 200],
    ]);
    expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(3);
  });

  it('adds jitter below the exponential ceiling', async () => {
    const jittery = new HttpTransport({
      retry: { maxAttempts: 3, baseDelayMs: 100 },
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
      random: () => 0,
    });
    handler = (_req, res, n) => (n <= 2 ? json(res, 503, {}) : json(res, 200, {}));
    await jittery.send(get());
    await jittery.close();
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up after the last attempt with the last error', async () => {
    handler = (_req, res) => json(res, 503, { computeFault: { code: 503, message: 'Service Unavailable' } });
    const error = await failure(sut.send(get()));
    expect(error).toMatchObject({ status: 503, fault: 'computeFault', message: 'Service Unavailable' });
    expect(error.isUnavailable).toBe(true);
    expect(hits).toBe(4);
  });

  it('honours Retry-After on 429', async () => {
    handler = (_req, res, n) =>
      n === 1 ? json(res, 429, { overLimit: { code: 429, message: 'slow down' } }, { 'Retry-After': '2' }) : json(res, 200, {});
    await sut.send(get());
    expect(sleeps).toEqual([2000]);
  });

  it('does not wait for a Retry-After beyond its limit', async () => {
    handler = (_req, res) => json(res, 503, { computeFault: { code: 503, message: 'maintenance' } }, { 'Retry-After': '3600' });
    const error = await failure(sut.send(get()));
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(hits).toBe(1);
  });

  it('never retries a POST (e.g. POST /servers) on 503', async () => {
    handler = (_req, res) => json(res, 503, { computeFault: { code: 503, message: 'busy' } });
    const error = await failure(
      sut.send(get({ method: 'POST', url: `${base}/v2.1/servers`, pathTemplate: '/servers', body: { server: {} } })),
    );
    expect(error.status).toBe(503);
    expect(hits).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a POST marked idempotent (token issue)', async () => {
    handler = (_req, res, n) => (n === 1 ? json(res, 503, {}) : json(res, 201, {}));
    await expect(sut.send(get({ method: 'POST', idempotent: true }))).resolves.toMatchObject({ status: 201 });
    expect(hits).toBe(2);
  });

  it('does not retry other errors', async () => {
    handler = (_req, res) => json(res, 500, { computeFault: { code: 500, message: 'Unexpected API Error.' } });
    await expect(sut.send(get())).rejects.toMatchObject({ status: 500 });
    expect(hits).toBe(1);
  });

  it('retries a GET whose connection is dropped without an answer', async () => {
    handler = (req, res, n) => (n === 1 ? req.socket.destroy() : json(res, 200, {}));
    await expect(sut.send(get())).resolves.toMatchObject({ status: 200 });
    expect(hits).toBe(2);
    expect(events[0]).toMatchObject({ status: 0, fault: 'ConnectionError', attempt: 1 });
  });

  it('does not retry a POST whose connection is dropped: the server may have acted', async () => {
    handler = (req) => req.socket.destroy();
    const error = await failure(sut.send(get({ method: 'POST', body: {} })));
    expect(error).toMatchObject({ status: 0, fault: 'ConnectionError' });
    expect(error.isUnavailable).toBe(true);
    expect(hits).toBe(1);
  });

  it('retries then reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(sut.send(get({ url: `http://127.0.0.1:${port}/v2.1/servers` })));
    expect(error).toMatchObject({ status: 0, fault: 'ConnectionError', service: 'compute' });
    expect(error.message).toMatch(new RegExp(`Cannot reach compute at http://127.0.0.1:${port}: connect ECONNREFUSED`));
    expect(sleeps).toHaveLength(3);
  });

  it('times out a call that gets no answer, without retrying it', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    const error = await failure(sut.send(get({ timeoutMs: 300 })));
    expect(error).toMatchObject({ status: 0, fault: 'Timeout', message: 'No complete answer from compute within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hits).toBe(1);
  });

  it('times out a body that stalls half way', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"servers": [');
    };
    await expect(sut.send(get({ timeoutMs: 300 }))).rejects.toMatchObject({ fault: 'Timeout' });
  });

  it('stops on the caller abort signal', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(sut.send(get({ signal: controller.signal }))).rejects.toMatchObject({ status: 0, fault: 'Aborted' });
  });

  it('gives up a retry wait at once when closed, and sends nothing after', async () => {
    handler = (_req, res) => json(res, 503, { error: 'busy' });
    // Real waits this time: a minute of backoff that close() must cut short.
    const transport = new HttpTransport({
      timeoutMs: 1000,
      retry: { maxAttempts: 4, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      random: () => 1,
    });
    const started = Date.now();
    const pending = failure(transport.send(get()));
    while (hits === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await transport.close();
    await expect(pending).resolves.toMatchObject({ status: 503 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hits).toBe(1);
    await expect(transport.send(get())).rejects.toMatchObject({
      fault: 'Aborted',
      message: 'compute GET /servers/{id} not sent: the OpenStack client is closed',
    });
    expect(hits).toBe(1);
  });

  it('reports a success body that is not JSON', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>login portal</html>');
    };
    await expect(sut.send(get())).rejects.toMatchObject({ status: 200, fault: 'BadResponse' });
  });

  it('keeps tokens, passwords and bodies out of logs, events and errors', async () => {
    handler = (_req, res) =>
      json(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
    const error = await failure(
      sut.send(
        get({
          method: 'POST',
          headers: { 'X-Auth-Token': 'tok-SECRET-1', 'X-Subject-Token': 'tok-SECRET-2' },
          body: { auth: { password: 'pw-SECRET-3' } },
        }),
      ),
    );
    const everything = JSON.stringify([logs, events, error.toJSON(), error.message, error.stack]);
    expect(everything).not.toMatch(/SECRET/);
    expect(logs.length).toBeGreaterThan(0);
  });

  it('sends JSON with the given headers', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | undefined;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen = { headers: req.headers, body };
        json(res, 202, { server: { id: 'x' } });
      });
    });
    await sut.send(get({ method: 'POST', headers: { 'X-Auth-Token': 't' }, body: { server: { name: 'n' } } }));
    expect(seen?.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': 't' });
    expect(JSON.parse(seen?.body ?? '')).toEqual({ server: { name: 'n' } });
  });
});
