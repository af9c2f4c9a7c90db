import type { Request } from 'express';

/**
 * The client's address as Express resolves it: the connecting address, or behind a proxy listed in `TRUST_PROXY`
 * the right-most `X-Forwarded-For` entry that is not a trusted proxy (so a client cannot choose it).
 */
export function clientAddress(request: Pick<Request, 'ip' | 'socket'>): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}
