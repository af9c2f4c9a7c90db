import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ApiErrorDto } from '../common/api-error.dto';

/**
 * 401 and 403 in the API's error shape. The challenge goes into `WWW-Authenticate` the way keystonemiddleware
 * writes it (`Keystone uri="<Keystone's URL>"`), so an OpenStack client knows where to get a token. Messages never
 * quote the token or the credentials that were sent.
 */
export class AuthChallenge {
  constructor(readonly header: string) {}

  static keystone(uri: string): AuthChallenge {
    return new AuthChallenge(`Keystone uri="${uri.replace(/["\\]/g, '')}"`);
  }
}

export class AuthenticationFailed extends UnauthorizedException {
  constructor(
    message: string,
    readonly challenge: AuthChallenge,
  ) {
    super({ statusCode: 401, error: 'Unauthorized', message } satisfies ApiErrorDto);
  }
}

export class AccessDenied extends ForbiddenException {
  constructor(
    message: string,
    readonly challenge: AuthChallenge,
  ) {
    super({ statusCode: 403, error: 'Forbidden', message } satisfies ApiErrorDto);
  }
}
