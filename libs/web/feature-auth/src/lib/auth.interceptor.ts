import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { AuthSession } from './auth-session';

export const TOKEN_HEADER = 'X-Auth-Token';

/**
 * Only the API gets the token: requests to the console's own origin under `/v1/` (the generated client's root
 * URL is the origin). A third-party URL never sees it.
 */
function isApiRequest(url: string): boolean {
  if (url.startsWith('/v1/')) return true;
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin && parsed.pathname.startsWith('/v1/');
  } catch {
    return false;
  }
}

/**
 * Attaches the session's Keystone token to every API call (the generated services all go through HttpClient),
 * and ends the session when the API answers 401 to a call that carried it: the token expired or was revoked.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const session = inject(AuthSession);
  const token = session.token();
  if (!token || !isApiRequest(req.url) || req.headers.has(TOKEN_HEADER)) return next(req);
  return next(req.clone({ setHeaders: { [TOKEN_HEADER]: token } })).pipe(
    catchError((error: unknown) => {
      // A 401 for an older token (a request sent before a new login) must not end the new session.
      if (error instanceof HttpErrorResponse && error.status === 401 && session.token() === token) session.end('rejected');
      return throwError(() => error);
    }),
  );
};
