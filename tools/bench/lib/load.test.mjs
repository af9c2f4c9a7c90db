// The open-loop generator (load.mjs) against real node:http servers on 127.0.0.1: what it counts as answered and as
// failed, with bodies that span many reads and connections the server closes. `node --test tools/bench/lib`.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { constantRate } from './load.mjs';

const servers = [];
after(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

async function serve(handler) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${server.address().port}/v1/schedules?limit=50`;
}

test('reads bodies that span many socket reads, sending the request line and headers given', async () => {
  const body = Buffer.alloc(200 * 1024, 'x');
  const seen = [];
  const url = await serve((req, res) => {
    seen.push(`${req.url} ${req.headers['x-auth-token']}`);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
  const result = await constantRate({ url, rate: 200, seconds: 1, headers: { 'X-Auth-Token': 'secret' } });
  assert.equal(result.requests, 200);
  assert.equal(result.completed, 200);
  assert.equal(result.errors + result.non2xx, 0);
  assert.equal(seen.length, 200);
  assert.ok(
    seen.every((line) => line === '/v1/schedules?limit=50 secret'),
    seen[0],
  );
  assert.ok(result.latencyMs.p50 > 0 && result.latencyMs.p99 >= result.latencyMs.p50 && result.latencyMs.max < 5000);
});

test('counts answers outside 2xx apart, without their latency', async () => {
  let n = 0;
  const url = await serve((_req, res) => {
    const status = n++ % 4 === 0 ? 503 : 200;
    res.writeHead(status, { 'content-length': 2 }).end('{}');
  });
  const result = await constantRate({ url, rate: 100, seconds: 1 });
  assert.equal(result.non2xx, 25);
  assert.equal(result.completed, 75);
  assert.equal(result.errors, 0);
});

test('opens a new connection for each request when the server closes every one after its answer', async () => {
  const sockets = new Set();
  const url = await serve((req, res) => {
    sockets.add(req.socket);
    res.writeHead(200, { connection: 'close', 'content-length': 5 }).end('hello');
  });
  const result = await constantRate({ url, rate: 100, seconds: 1, connections: 4 });
  assert.equal(result.completed, 100);
  assert.equal(result.errors, 0);
  assert.equal(sockets.size, 100);
});

test('counts an answer not framed by Content-Length (chunked) as failed, and still ends', async () => {
  const url = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('part one');
    res.end('part two');
  });
  const result = await constantRate({ url, rate: 50, seconds: 1 });
  assert.equal(result.errors, 50);
  assert.equal(result.completed, 0);
});

test('counts requests to a port nobody listens on as failed', async () => {
  const url = await serve((_req, res) => res.end());
  servers.pop().close();
  const result = await constantRate({ url, rate: 50, seconds: 0.2 });
  assert.equal(result.errors, 10);
  assert.equal(result.completed, 0);
});

test('counts requests the server never answers as failed, once the answers are overdue', async () => {
  const url = await serve((req) => req.resume());
  const result = await constantRate({ url, rate: 50, seconds: 0.2, answerTimeoutMs: 300 });
  assert.equal(result.errors, 10);
  assert.equal(result.completed, 0);
});
