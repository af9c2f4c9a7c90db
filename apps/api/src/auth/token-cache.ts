import { createHmac, randomBytes } from 'node:crypto';
import type { AuthIdentity } from './auth-identity';

interface Entry {
  identity: AuthIdentity;
  /** Epoch ms after which Keystone must be asked again. */
  until: number;
}

export interface TokenCacheOptions {
  /** How long a validation is trusted; 0 disables the cache. */
  ttlMs: number;
  maxEntries: number;
  /** Injected by tests; the wall clock otherwise (token expiry is a real instant, not the business clock). */
  now?: () => number;
}

/**
 * Remembers what Keystone said about tokens, so that a console polling every second costs Keystone one
 * validation per token per TTL rather than one per request.
 *
 * - An entry lives until the token's expiry or the TTL, whichever is sooner.
 * - At most `maxEntries` tokens; the least recently used one is dropped first (a Map iterates in insertion order,
 *   and a hit re-inserts its key).
 * - Keys are HMAC-SHA256 digests under a key made at start-up, never tokens: a heap dump or a debugger shows
 *   nothing that can be replayed against Keystone.
 * - Concurrent misses for one token share a single Keystone call.
 * - Only valid tokens are kept: a failed validation is never cached, so a token becomes usable as soon as
 *   Keystone says it is.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<AuthIdentity>>();
  private readonly hmacKey = randomBytes(32);
  private readonly now: () => number;

  constructor(private readonly options: TokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The identity of `token`, from the cache or from `validate` (whose errors are passed on, not cached). */
  async resolve(token: string, validate: () => Promise<AuthIdentity>): Promise<AuthIdentity> {
    const key = this.keyOf(token);
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      if (cached.until > this.now()) {
        this.entries.set(key, cached);
        return cached.identity;
      }
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const loading: Promise<AuthIdentity> = validate()
      .then((identity) => {
        // Evicted meanwhile (a logout raced the validation): answer this caller, remember nothing.
        if (this.inFlight.get(key) === loading) this.store(key, identity);
        return identity;
      })
      .finally(() => {
        if (this.inFlight.get(key) === loading) this.inFlight.delete(key);
      });
    this.inFlight.set(key, loading);
    return loading;
  }

  /** Remembers what Keystone said when it issued `token` (a login), sparing the first request a validation. */
  remember(token: string, identity: AuthIdentity): void {
    this.store(this.keyOf(token), identity);
  }

  /** Forgets `token` (after a logout), so the next request with it goes to Keystone. */
  evict(token: string): void {
    const key = this.keyOf(token);
    this.entries.delete(key);
    this.inFlight.delete(key);
  }

  private store(key: string, identity: AuthIdentity): void {
    if (this.options.ttlMs <= 0) return;
    const until = Math.min(identity.expiresAt.getTime(), this.now() + this.options.ttlMs);
    if (until <= this.now()) return;
    this.entries.delete(key);
    this.entries.set(key, { identity, until });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  private keyOf(token: string): string {
    return createHmac('sha256', this.hmacKey).update(token).digest('base64url');
  }
}
