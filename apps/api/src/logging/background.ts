import { storage } from 'nestjs-pino/storage';

/**
 * Runs `work` outside any HTTP request's log context. Work that a request only triggers (an engine pass woken by a
 * schedule change) would otherwise inherit that request's `reqId` through AsyncLocalStorage, along with every
 * timer and promise it chains, and its lines (and its OpenStack calls) would claim to belong to a request that
 * finished long ago.
 */
export function outsideRequestContext<T>(work: () => T): T {
  return storage.exit(work);
}
