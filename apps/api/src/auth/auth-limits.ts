import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { ApiErrorDto } from '../common/api-error.dto';
import { Clock } from '../common/clock';
import { authConfig } from './auth.config';
import { LookupKeys } from './lookup-keys';

/** Most keys each table remembers; the least recently touched go first, so a flood of new addresses costs bounded memory. */
const MAX_KEYS = 50_000;

/** A 429 in the API's error shape; `retryAfterSeconds` also goes into `Retry-After` (see `AuthExceptionFilter`). */
export class TooManyAttempts extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: 429, error: 'Too Many Requests', message } satisfies ApiErrorDto, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** A bounded map whose iteration order is least recently touched first. */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>();

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > MAX_KEYS) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Failures per key in fixed windows of `windowMs`: a window opens at its first failure. */
class FailureWindows {
  private readonly windows = new BoundedMap<{ openedAt: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Whether no key has failed in the remembered windows (every request's case, checked without hashing its key). */
  get isEmpty(): boolean {
    return this.windows.size === 0;
  }

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string, now: number): number {
    const window = this.windows.get(key);
    if (!window || now - window.openedAt >= this.windowMs || window.failures < this.limit) return 0;
    return window.openedAt + this.windowMs - now;
  }

  fail(key: string, now: number): void {
    const window = this.windows.get(key);
    if (!window || now - window.openedAt >= this.windowMs) this.windows.set(key, { openedAt: now, failures: 1 });
    else window.failures++;
  }
}

/**
 * Consecutive failed logins per user name: from the `threshold`-th on, the name is locked for `baseMs`, doubled by
 * each further failure up to `maxMs`. Attempts refused while locked never reach Keystone and do not count, so the
 * lock grows only with guesses Keystone actually judged.
 */
class UserLockout {
  private readonly users = new BoundedMap<{ failures: number; lockedUntil: number }>();

  constructor(
    private readonly threshold: number,
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  lockedFor(user: string, now: number): number {
    const entry = this.users.get(user);
    return entry ? Math.max(0, entry.lockedUntil - now) : 0;
  }

  fail(user: string, now: number): void {
    const entry = this.users.get(user) ?? { failures: 0, lockedUntil: 0 };
    entry.failures++;
    if (entry.failures >= this.threshold) {
      const doublings = Math.min(entry.failures - this.threshold, 30);
      entry.lockedUntil = now + Math.min(this.maxMs, this.baseMs * 2 ** doublings);
    }
    this.users.set(user, entry);
  }

  succeed(user: string): void {
    this.users.delete(user);
  }
}

/**
 * How often a client may fail to authenticate, counted per replica in memory:
 * - per client address, failed logins (`AUTH_LOGIN_LIMIT` per `AUTH_LOGIN_WINDOW_SECONDS`) and failed token
 *   authentications on any route (`AUTH_FAILURE_LIMIT` per window): password spraying and random tokens cost the
 *   attacker's address, never Keystone beyond the limit;
 * - per user name, an exponential lock-out after `AUTH_LOCKOUT_THRESHOLD` consecutive failures: guessing one
 *   user's password from many addresses is slowed too, and the lock hits that user name only, never everyone
 *   behind the same proxy.
 *
 * The client address is Express's `req.ip`: the connecting address, or behind a proxy listed in `TRUST_PROXY` the
 * right-most address in `X-Forwarded-For` that is not a trusted proxy. Keys are salted digests (no user names or
 * addresses kept in clear: {@link LookupKeys}), and durations run on the monotonic clock.
 */
@Injectable()
export class AuthLimits {
  private readonly loginsByAddress: FailureWindows;
  private readonly tokensByAddress: FailureWindows;
  private readonly lockout: UserLockout;
  private readonly keys = new LookupKeys();

  constructor(
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
    private readonly clock: Clock,
  ) {
    const windowMs = config.loginWindowSeconds * 1000;
    this.loginsByAddress = new FailureWindows(config.loginLimit, windowMs);
    this.tokensByAddress = new FailureWindows(config.failureLimit, windowMs);
    this.lockout = new UserLockout(config.lockoutThreshold, config.lockoutBaseSeconds * 1000, config.lockoutMaxSeconds * 1000);
  }

  /** Throws a 429 when this address or this user name may not try a login now. */
  checkLogin(address: string, user: string): void {
    const now = this.clock.monotonicMs();
    const addressWait = this.loginsByAddress.blockedFor(this.keyOf('address', address), now);
    if (addressWait > 0) throw tooMany('Too many failed logins from this address', addressWait);
    const userWait = this.lockout.lockedFor(this.keyOf('user', user), now);
    if (userWait > 0) throw tooMany('Too many failed logins for this user', userWait);
  }

  loginFailed(address: string, user: string): void {
    const now = this.clock.monotonicMs();
    this.loginsByAddress.fail(this.keyOf('address', address), now);
    this.lockout.fail(this.keyOf('user', user), now);
  }

  loginSucceeded(user: string): void {
    this.lockout.succeed(this.keyOf('user', user));
  }

  /** Throws a 429 when this address has failed token authentication too often in the current window. */
  checkToken(address: string): void {
    // Every authenticated request comes here: spare it the digest while no address has failed at all.
    if (this.tokensByAddress.isEmpty) return;
    const wait = this.tokensByAddress.blockedFor(this.keyOf('address', address), this.clock.monotonicMs());
    if (wait > 0) throw tooMany('Too many failed authentications from this address', wait);
  }

  tokenFailed(address: string): void {
    this.tokensByAddress.fail(this.keyOf('address', address), this.clock.monotonicMs());
  }

  private keyOf(kind: 'address' | 'user', value: string): string {
    return this.keys.of(`${kind}\0${value.toLowerCase()}`);
  }
}

function tooMany(what: string, waitMs: number): TooManyAttempts {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new TooManyAttempts(`${what}: try again in ${seconds} s`, seconds);
}
