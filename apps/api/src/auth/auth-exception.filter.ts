import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AccessDenied, AuthenticationFailed } from './auth-errors';
import { TooManyAttempts } from './auth-limits';

/**
 * Writes 401/403 with their `WWW-Authenticate` challenge and 429 with `Retry-After`; the body is the exception's
 * `ApiErrorDto`.
 */
@Catch(AuthenticationFailed, AccessDenied, TooManyAttempts)
export class AuthExceptionFilter implements ExceptionFilter<AuthenticationFailed | AccessDenied | TooManyAttempts> {
  catch(exception: AuthenticationFailed | AccessDenied | TooManyAttempts, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof TooManyAttempts) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    else response.setHeader('WWW-Authenticate', exception.challenge.header);
    // A 401/403 depends on the token sent; no cache may answer it to someone else.
    response.setHeader('Cache-Control', 'no-store');
    response.status(exception.getStatus()).json(exception.getResponse());
  }
}
