import type { AuthIdentity } from './auth-identity';
import { LookupKeys } from './lookup-keys';

interface Entry {
  identity: AuthIdentity;
  /** Epoch ms after which Keystone must be asked again. */
  until: number;
}

export interface TokenCacheOptions {
  /** How long a validation is trusted; 0 disables the cache. */
  ttlMs: number;
  /** How long Keystone's "no such token" is remembered; 0 (the default) never. */
  negativeTtlMs?: number;
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
 * - Keys are salted digests ({@link LookupKeys}), never tokens: a heap dump or a debugger shows nothing that can
 *   be replayed against Keystone.
 * - Concurrent misses for one token share a single Keystone call.
 * - A token Keystone does not know (`reject`) is remembered for `negativeTtlMs` only, in a table of its own
 *   (same bound, same keys), so a flood of one bad token costs Keystone one call per interval. Other
 *   failures (Keystone down) are never remembered.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<AuthIdentity>>();
  /** Digests of tokens Keystone called unknown, with the epoch ms until which that answer stands. */
  private readonly rejected = new Map<string, number>();
  private readonly keys = new LookupKeys();
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

  /** Whether Keystone called `token` unknown less than `negativeTtlMs` ago. */
  isRejected(token: string): boolean {
    // Asked on every request before `resolve`: no digest needed while no token stands rejected.
    if (this.rejected.size === 0) return false;
    const key = this.keyOf(token);
    const until = this.rejected.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.rejected.delete(key);
    return false;
  }

  /** Remembers that Keystone does not know `token`. */
  reject(token: string): void {
    const ttl = this.options.negativeTtlMs ?? 0;
    if (ttl <= 0) return;
    const key = this.keyOf(token);
    this.entries.delete(key);
    this.rejected.delete(key);
    this.rejected.set(key, this.now() + ttl);
    while (this.rejected.size > this.options.maxEntries) {
      const oldest = this.rejected.keys().next();
      if (oldest.done) break;
      this.rejected.delete(oldest.value);
    }
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
    return this.keys.of(token);
  }
}
