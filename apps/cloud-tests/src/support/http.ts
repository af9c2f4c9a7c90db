/** Plain HTTP calls the way an OpenStack client makes them, with nothing hidden: redirects are not followed. */

export interface HttpResult<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  /** The body as text, for answers that are not JSON. */
  text: string;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  /** Nova microversion, sent in both headers unless `legacyHeaderOnly`. */
  microversion?: string;
  headers?: Record<string, string>;
}

// Loose on purpose: scenarios index into whatever a cloud answered, and their assertions check it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A slow real cloud under load still answers within this; anything longer is a hang worth failing on. */
const TIMEOUT_MS = 60_000;

export async function call<T = Json>(url: string, method: string, options: CallOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers['X-Auth-Token'] = options.token;
  if (options.microversion) {
    headers['OpenStack-API-Version'] = `compute ${options.microversion}`;
    headers['X-OpenStack-Nova-API-Version'] = options.microversion;
  }
  const response = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** `url` joined with `path`, with exactly one slash between them. */
export function joinUrl(url: string, path: string): string {
  return `${url.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `intervalMs` until it returns a value, failing with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
