// Serves the built console (a single-page app) and forwards API paths to the API server.
// Used by `npm start` and by the console's end-to-end tests; the docker image uses nginx for the same job, with the same
// security headers (deploy/nginx.conf; both described in deploy/SECURITY-HEADERS.md).
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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

/** Paths that belong to the API, not to the console. The API's /metrics is not among them: it is never served here. */
const API_PATHS = [/^\/v1(\/|$)/, /^\/docs(-json|-yaml)?(\/|$)/];
/** API paths that exist on the API's own port only: a plain 404 here, never the console's shell. */
const NOT_SERVED = /^\/metrics(\/|$)/;

/** What index.html carries in `<app-root ngCspNonce="…">`, replaced by each response's nonce. */
export const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * The console's Content-Security-Policy. Scripts come only from the console's own files (it has no inline script);
 * the `<style>` elements Angular and Angular Material insert at run time carry the response's nonce.
 * @param {string} [nonce] the HTML response's nonce; other responses (assets, errors) allow no inline style at all
 */
export function contentSecurityPolicy(nonce) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    nonce ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The headers of every console response (the shell, assets, 404s); the API's responses keep the API's own.
 * HSTS only when the request reached us over TLS, directly or through a proxy that says so in X-Forwarded-Proto:
 * browsers ignore it on plain HTTP, and a client that forges the header only gets it on its own response.
 * @param {import('node:http').IncomingMessage} req
 * @param {string} [nonce]
 */
export function securityHeaders(req, nonce) {
  const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim()
    .toLowerCase();
  const overTls = Boolean(/** @type {import('node:tls').TLSSocket} */ (req.socket).encrypted) || forwardedProto === 'https';
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...(overTls ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  };
}

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
      res.writeHead(405, { ...securityHeaders(req), Allow: 'GET, HEAD' }).end();
      return undefined;
    }
    if (path === '/healthz') {
      res.writeHead(200, { ...securityHeaders(req), 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('ok\n');
      return undefined;
    }
    if (NOT_SERVED.test(path)) {
      res.writeHead(404, { ...securityHeaders(req), 'Content-Type': 'text/plain' }).end('Not found');
      return undefined;
    }
    let decoded;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      res.writeHead(400, { ...securityHeaders(req), 'Content-Type': 'text/plain' }).end('Bad request');
      return undefined;
    }
    return serveStatic(rootDir, decoded, req, res);
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

async function serveStatic(rootDir, path, req, res) {
  const candidate = normalize(join(rootDir, path));
  const inside = candidate === rootDir || candidate.startsWith(rootDir + sep);
  let file = inside ? candidate : join(rootDir, 'index.html');
  let info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    // Client-side routes (e.g. /schedules/123) get the app shell; missing assets get a 404.
    if (extname(path)) {
      res.writeHead(404, { ...securityHeaders(req), 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    file = join(rootDir, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info) {
      res.writeHead(503, { ...securityHeaders(req), 'Content-Type': 'text/plain' }).end('The console is not built yet');
      return;
    }
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  if (extname(file) === '.html') {
    // A nonce of its own for each response, in the header and in the page; the page is never cached (nor revalidated:
    // a 304 would pair the cached page's old nonce with a new header).
    const nonce = randomBytes(16).toString('base64');
    const html = (await readFile(file, 'utf8')).replaceAll(NONCE_PLACEHOLDER, nonce);
    res.writeHead(200, {
      ...securityHeaders(req, nonce),
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
    });
    res.end(html);
    return;
  }
  res.writeHead(200, {
    ...securityHeaders(req),
    'Content-Type': type,
    'Content-Length': info.size,
    // Hashed bundles can be cached for ever.
    'Cache-Control': 'public, max-age=31536000, immutable',
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
