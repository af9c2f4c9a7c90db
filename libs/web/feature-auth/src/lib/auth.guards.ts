import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { internalRoutes } from '@peak/web/util';
import { AuthSession } from './auth-session';

/** Pages that need a login: without one, the login page, which comes back here afterwards. */
export const authGuard: CanActivateFn = (_route, state) => {
  if (inject(AuthSession).loggedIn()) return true;
  return inject(Router).createUrlTree(internalRoutes.login.routerLink, { queryParams: { returnUrl: state.url } });
};

/** The login page itself: someone already logged in goes to where they were headed. */
export const guestGuard: CanActivateFn = (route) => {
  if (!inject(AuthSession).loggedIn()) return true;
  return inject(Router).parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl')));
};

/**
 * A return address inside the console only: a path, never `//host` or `https://...`, so a crafted login link
 * cannot send the user elsewhere after they typed their password.
 */
export function safeReturnUrl(candidate: string | null | undefined): string {
  const fallback = `/${internalRoutes.schedules.path}`;
  if (!candidate || !candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  if (candidate.startsWith(`/${internalRoutes.login.path}`)) return fallback;
  return candidate;
}
