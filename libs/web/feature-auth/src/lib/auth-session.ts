import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { AuthService, IssuedTokenDto, TokenInfoDto } from '@peak/api-client';
import { internalRoutes } from '@peak/web/util';
import { firstValueFrom } from 'rxjs';

/** The logged-in user: the Keystone token and what the API said about it. */
export type Session = IssuedTokenDto;

/** Why the last session ended, for the login page to say. */
export type SessionEnd = 'logout' | 'expired' | 'rejected';

/**
 * Session storage, not local storage: the token lives as long as the tab and never reaches another one or disk
 * beyond the browser's session. It is never put in a cookie or a URL.
 */
export const SESSION_STORAGE_KEY = 'peak.session';

/** setTimeout's limit; a later expiry is checked again when the timer fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Who is logged in to the console, if anyone. The token is kept in memory and in the tab's session storage (so
 * a reload keeps the login), attached to every API call by `authInterceptor`, and dropped when it expires, when
 * the API refuses it (401) or on logout; each of these leads back to the login page.
 */
@Injectable({ providedIn: 'root' })
export class AuthSession {
  private readonly router = inject(Router);
  private readonly authApi = inject(AuthService);
  private readonly state = signal<Session | null>(readStored());
  private readonly ended = signal<SessionEnd | null>(null);
  private expiryTimer?: ReturnType<typeof setTimeout>;

  readonly session = this.state.asReadonly();
  readonly loggedIn = computed(() => this.state() !== null);
  readonly token = computed(() => this.state()?.token);
  /** Whether the API lets this user create, change and delete schedules. */
  readonly canWrite = computed(() => this.state()?.permissions.write === true);
  /** Whether this user sees every project's schedules (a session stored before the API said so is not). */
  readonly cloudAdmin = computed(() => this.state()?.permissions.cloudAdmin === true);
  /** The name of the project the token is scoped to, if it is scoped to one. */
  readonly projectName = computed(() => this.state()?.project?.name ?? null);
  /** Why the previous session ended (cleared by the next login). */
  readonly endReason = this.ended.asReadonly();

  constructor() {
    this.armExpiryTimer();
    inject(DestroyRef).onDestroy(() => clearTimeout(this.expiryTimer));
  }

  /** Starts a session with the token the API's login returned. */
  start(issued: IssuedTokenDto): void {
    this.state.set(issued);
    this.ended.set(null);
    store(issued);
    this.armExpiryTimer();
  }

  /**
   * After a reload: asks the API who the stored token belongs to now (roles may have changed). A refused token
   * ends the session through the interceptor; an unreachable API keeps what is stored.
   */
  async revalidate(): Promise<void> {
    const current = this.state();
    if (!current) return;
    try {
      const info: TokenInfoDto = await firstValueFrom(this.authApi.getCurrentToken());
      if (this.state()?.token === current.token) this.start({ ...info, token: current.token });
    } catch {
      // 401 is handled by the interceptor; anything else leaves the session as it was.
    }
  }

  /** Revokes the token at Keystone (through the API) and goes to the login page, even if the API cannot be reached. */
  async logout(): Promise<void> {
    if (this.state()) await firstValueFrom(this.authApi.logout()).catch(() => undefined);
    this.end('logout');
  }

  /** Forgets the token and shows the login page, coming back to the current page after the next login. */
  end(reason: SessionEnd): void {
    // Several calls refused at once each report it; the first one decides where to come back to.
    if (this.state() === null && reason !== 'logout') return;
    const returnUrl = this.router.url;
    this.state.set(null);
    this.ended.set(reason);
    clearTimeout(this.expiryTimer);
    sessionStorage.removeItem(SESSION_STORAGE_KEY);
    const onLogin = returnUrl.startsWith(`/${internalRoutes.login.path}`);
    void this.router.navigate(internalRoutes.login.routerLink, {
      queryParams: reason === 'logout' || onLogin ? {} : { returnUrl },
    });
  }

  private armExpiryTimer(): void {
    clearTimeout(this.expiryTimer);
    const session = this.state();
    if (!session) return;
    const remaining = Date.parse(session.expiresAt) - Date.now();
    this.expiryTimer = setTimeout(
      () => {
        if (Date.parse(session.expiresAt) <= Date.now()) this.end('expired');
        else this.armExpiryTimer();
      },
      Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
    );
  }
}

function store(session: Session): void {
  try {
    sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the session still works until the tab is reloaded.
  }
}

/** The stored session if it is well-formed and not expired; storage is untrusted input like any other. */
function readStored(): Session | null {
  let raw: string | null;
  try {
    raw = sessionStorage.getItem(SESSION_STORAGE_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (isSession(value) && Date.parse(value.expiresAt) > Date.now()) return value;
  } catch {
    // fall through
  }
  sessionStorage.removeItem(SESSION_STORAGE_KEY);
  return null;
}

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const user = v['user'] as Record<string, unknown> | undefined;
  const permissions = v['permissions'] as Record<string, unknown> | undefined;
  return (
    typeof v['token'] === 'string' &&
    typeof v['expiresAt'] === 'string' &&
    !Number.isNaN(Date.parse(v['expiresAt'])) &&
    typeof user?.['name'] === 'string' &&
    Array.isArray(v['roles']) &&
    typeof permissions?.['read'] === 'boolean' &&
    typeof permissions?.['write'] === 'boolean'
  );
}
