// Serves the built console (a single-page app) and forwards API paths to the API server.
// Used by `npm start` and by the console's end-to-end tests; the docker image uses nginx for the same job.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the API, not to the console. */
const API_PATHS = [/^\/v1(\/|$)/, /^\/docs(-json|-yaml)?(\/|$)/, /^\/metrics$/];

/**
 * @param {{ root: string, apiUrl: string, port?: number, host?: string }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startWebServer({ root, apiUrl, port = 5000, host = '127.0.0.1' }) {
  const rootDir = resolve(root);
  const api = new URL(apiUrl);

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (API_PATHS.some((re) => re.test(path))) return proxy(req, res, api);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return undefined;
    }
    return serveStatic(rootDir, decodeURIComponent(path), res);
  });

  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function serveStatic(rootDir, path, res) {
  const candidate = normalize(join(rootDir, path));
  const inside = candidate === rootDir || candidate.startsWith(rootDir + sep);
  let file = inside ? candidate : join(rootDir, 'index.html');
  let info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    // Client-side routes (e.g. /schedules/123) get the app shell; missing assets get a 404.
    if (extname(path)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    file = join(rootDir, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('The console is not built yet');
      return;
    }
  }
  const isHtml = extname(file) === '.html';
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    // Hashed bundles can be cached for ever; the HTML shell must always be fresh.
    'Cache-Control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}

function proxy(req, res, api) {
  const upstream = httpRequest(
    {
      host: api.hostname,
      port: api.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: api.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ statusCode: 502, error: 'Bad Gateway', message: `API unreachable: ${error.message}` }));
  });
  req.pipe(upstream);
}
