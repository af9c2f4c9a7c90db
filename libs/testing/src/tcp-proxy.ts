import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** The loopback port the proxy listens on. */
  port: number;
  /** `url` (e.g. a postgres:// URL) with its host and port replaced by the proxy's. */
  url(url: string): string;
  /**
   * Black-holes the connections open now: they stop forwarding in both directions and stay open, like a network
   * path that silently drops everything. Connections made afterwards are forwarded normally.
   */
  stall(): void;
  /** Lets the stalled connections forward again (what they sent meanwhile is delivered then). */
  resume(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  stalled: boolean;
}

/** A TCP proxy on 127.0.0.1 to `targetHost:targetPort`, for tests of what a stalled network does to a client. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<Pair>();

  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    const pair: Pair = { client, upstream, stalled: false };
    pairs.add(pair);
    forward(pair, client, upstream);
    forward(pair, upstream, client);
    const teardown = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', teardown);
    upstream.once('close', teardown);
    client.on('error', teardown);
    upstream.on('error', teardown);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('TCP proxy: no port');

  return {
    port: address.port,
    url(url: string): string {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(address.port);
      return parsed.toString();
    },
    stall(): void {
      for (const pair of pairs) {
        pair.stalled = true;
        pair.client.pause();
        pair.upstream.pause();
      }
    },
    resume(): void {
      for (const pair of pairs) {
        pair.stalled = false;
        pair.client.resume();
        pair.upstream.resume();
      }
    },
    async close(): Promise<void> {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Copies `from` to `to` with backpressure; a stalled pair reads nothing, so nothing is lost, only held back. */
function forward(pair: Pair, from: Socket, to: Socket): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => {
    if (!pair.stalled) from.resume();
  });
}
