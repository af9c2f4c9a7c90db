import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import type { ApiErrorDto } from '../common/api-error.dto';

/**
 * Login attempts per client address (`AUTH_LOGIN_LIMIT` per `AUTH_LOGIN_WINDOW_SECONDS`), so the API cannot be
 * used to guess passwords against Keystone at the speed of the network. Counted per replica, in memory. Behind a
 * reverse proxy, `TRUST_PROXY` makes the address the client's rather than the proxy's.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // The base guard has set `Retry-After` (seconds) already.
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `Too many login attempts from this address: try again in ${detail.timeToBlockExpire} s`,
      } satisfies ApiErrorDto,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
