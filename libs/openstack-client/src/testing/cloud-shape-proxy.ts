import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CloudShape {
  /** Rewrites a catalog URL of `type` (e.g. compute's `${base}/compute/v2.1`) the way another cloud publishes it. */
  catalogUrl?: (type: string, url: string, projectId: string) => string;
  /** Announce this as the compute API's maximum microversion in the version documents. */
  maxComputeMicroversion?: string;
}

export interface CloudShapeProxy {
  url: string;
  authUrl: string;
  close(): Promise<void>;
}

/**
 * A pass-through proxy in front of the simulator that changes only the shape of the cloud: how the catalog
 * publishes endpoints and which microversions Nova announces. Everything else is the simulator, over HTTP.
 * Used where the simulator has no knob for these (project id in the catalog, unversioned and legacy
 * URLs, an old Nova).
 */
export async function startCloudShapeProxy(simUrl: string, shape: CloudShape): Promise<CloudShapeProxy> {
  const target = new URL(simUrl);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => forward(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function forward(req: IncomingMessage, res: ServerResponse): void {
    // The simulator builds links and catalog URLs from the Host it is reached at: keep the proxy's.
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (chunk: Buffer) => chunks.push(chunk));
        up.on('end', () => {
          const body = rewrite(req.url ?? '/', Buffer.concat(chunks).toString('utf8'));
          const headers = { ...up.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  function rewrite(path: string, text: string): string {
    if (!text.startsWith('{')) return text;
    const body = JSON.parse(text) as Record<string, unknown>;
    const pathname = path.split('?')[0] ?? '';
    if (pathname === '/identity/v3/auth/tokens' && shape.catalogUrl) {
      const token = body['token'] as { catalog?: { type: string; endpoints: { url: string }[] }[]; project?: { id: string } } | undefined;
      for (const service of token?.catalog ?? []) {
        for (const endpoint of service.endpoints) endpoint.url = shape.catalogUrl(service.type, endpoint.url, token?.project?.id ?? '');
      }
    }
    if ((pathname === '/compute/' || pathname === '/compute' || pathname === '/compute/v2.1/') && shape.maxComputeMicroversion) {
      const versions = [body['version'], ...((body['versions'] as unknown[] | undefined) ?? [])];
      for (const v of versions) {
        const entry = v as { id?: string; version?: string } | undefined;
        if (entry?.id === 'v2.1') entry.version = shape.maxComputeMicroversion;
      }
    }
    return JSON.stringify(body);
  }

  return {
    url,
    authUrl: `${url}/identity/v3`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
