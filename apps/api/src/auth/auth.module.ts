import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthExceptionFilter } from './auth-exception.filter';
import { AuthLimits } from './auth-limits';
import { authConfig } from './auth.config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { KeystoneAuthGuard } from './keystone-auth.guard';
import { OptionalAuthentication } from './optional-authentication';

/**
 * Keystone authentication for the whole API: the app-wide guard (every route needs a token unless `@Public()`),
 * the login/who-am-I/logout endpoints, and the limits on failed logins and tokens (`AuthLimits`). The OpenStack client comes from the global
 * `OpenStackModule`: the API's own service account validates callers' tokens.
 */
@Module({
  imports: [ConfigModule.forFeature(authConfig)],
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthLimits,
    OptionalAuthentication,
    { provide: APP_GUARD, useClass: KeystoneAuthGuard },
    { provide: APP_FILTER, useClass: AuthExceptionFilter },
  ],
  exports: [AuthService, OptionalAuthentication],
})
export class AuthModule {}
