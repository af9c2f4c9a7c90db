import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isInternalAddress } from './address-policy';

/** What one POST got: a status (and `Retry-After`), or an error when none came. */
export interface SendResult {
  readonly statusCode: number | null;
  readonly retryAfter?: string;
  readonly latencyMs: number;
  readonly error: string | null;
  /** The address was refused (SSRF): retrying would not help. */
  readonly refused: boolean;
}

export interface SendOptions {
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
}

class RefusedAddress extends Error {}

/**
 * POSTs `body` to `url`. Unless private addresses are allowed, the host is resolved here and every address checked
 * before connecting, and the connection goes to the address checked (no second resolution a rebinding DNS could
 * answer differently). Redirects are not followed (a 3xx is the answer). The whole exchange is bounded by `timeoutMs`.
 */
export function sendWebhook(url: string, body: string, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const done = (result: Omit<SendResult, 'latencyMs'>) => resolve({ ...result, latencyMs: latency() });
    if (!options.allowPrivate && isIP(host) && isInternalAddress(host)) {
      done({ statusCode: null, error: `refused: ${host} is a private, loopback or link-local address`, refused: true });
      return;
    }
    const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
      dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 4);
        const bad = options.allowPrivate ? undefined : addresses.find((a) => isInternalAddress(a.address));
        if (bad) return callback(new RefusedAddress(`refused: ${hostname} resolves to ${bad.address}`), '', 4);
        if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        return callback(null, addresses[0].address, addresses[0].family);
      });
    };
    const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      parsed,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'peak-scheduler-webhooks', ...options.headers },
        lookup: checkedLookup,
        timeout: options.timeoutMs,
      },
      (response: IncomingMessage) => {
        // The body is not kept, only drained so the socket is freed.
        response.resume();
        response.on('end', () => {
          clearTimeout(deadline);
          const retryAfter = response.headers['retry-after'];
          done({ statusCode: response.statusCode ?? null, error: null, refused: false, ...(retryAfter ? { retryAfter } : {}) });
        });
        response.on('error', (error) => {
          clearTimeout(deadline);
          done({ statusCode: null, error: error.message, refused: false });
        });
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`timeout after ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`timeout after ${options.timeoutMs} ms`)));
    request.on('error', (error) => {
      clearTimeout(deadline);
      done({ statusCode: null, error: error.message, refused: error instanceof RefusedAddress });
    });
    request.end(body);
  });
}
