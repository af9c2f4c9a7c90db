import { Injectable } from '@nestjs/common';
import type { AuthenticatedRequest } from './access.decorators';
import { AuthenticationFailed } from './auth-errors';
import type { AuthIdentity } from './auth-identity';
import { AuthLimits } from './auth-limits';
import { AuthService } from './auth.service';
import { clientAddress } from './client-address';
import { tokenOf } from './keystone-auth.guard';

/**
 * For public routes that show more to a cloud admin (the readiness detail): the caller's identity when a valid token
 * came with the request, otherwise undefined, never an error. A bad token costs the sender's address like on any
 * other route (`AUTH_FAILURE_LIMIT`), and once that is spent no token is looked at from that address.
 */
@Injectable()
export class OptionalAuthentication {
  constructor(
    private readonly auth: AuthService,
    private readonly limits: AuthLimits,
  ) {}

  async identityOf(request: AuthenticatedRequest): Promise<AuthIdentity | undefined> {
    const address = clientAddress(request);
    try {
      const token = tokenOf(request, this.auth.challenge);
      if (token === undefined) return undefined;
      this.limits.checkToken(address);
      return await this.auth.identify(token);
    } catch (error) {
      if (error instanceof AuthenticationFailed) this.limits.tokenFailed(address);
      return undefined;
    }
  }

  /** Whether the request carries the token of a cloud admin. */
  async isCloudAdmin(request: AuthenticatedRequest): Promise<boolean> {
    const identity = await this.identityOf(request);
    return identity !== undefined && this.auth.permissions(identity).cloudAdmin;
  }
}
