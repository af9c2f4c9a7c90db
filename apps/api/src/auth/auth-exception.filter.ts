import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AccessDenied, AuthenticationFailed } from './auth-errors';

/** Writes 401/403 with their `WWW-Authenticate` challenge; the body is the exception's `ApiErrorDto`. */
@Catch(AuthenticationFailed, AccessDenied)
export class AuthExceptionFilter implements ExceptionFilter<AuthenticationFailed | AccessDenied> {
  catch(exception: AuthenticationFailed | AccessDenied, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    response.setHeader('WWW-Authenticate', exception.challenge.header);
    // A 401/403 depends on the token sent; no cache may answer it to someone else.
    response.setHeader('Cache-Control', 'no-store');
    response.status(exception.getStatus()).json(exception.getResponse());
  }
}
