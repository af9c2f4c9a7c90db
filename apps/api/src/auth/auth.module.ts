import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthExceptionFilter } from './auth-exception.filter';
import { authConfig } from './auth.config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { KeystoneAuthGuard } from './keystone-auth.guard';
import { LoginThrottlerGuard } from './login-throttler.guard';

/**
 * Keystone authentication for the whole API: the app-wide guard (every route needs a token unless `@Public()`),
 * the login/who-am-I/logout endpoints and login throttling. The OpenStack client comes from the global
 * `OpenStackModule`: the API's own service account validates callers' tokens.
 */
@Module({
  imports: [
    ConfigModule.forFeature(authConfig),
    ThrottlerModule.forRootAsync({
      imports: [ConfigModule.forFeature(authConfig)],
      inject: [authConfig.KEY],
      useFactory: (config: ConfigType<typeof authConfig>) => ({
        throttlers: [{ ttl: config.loginWindowSeconds * 1000, limit: config.loginLimit }],
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    LoginThrottlerGuard,
    { provide: APP_GUARD, useClass: KeystoneAuthGuard },
    { provide: APP_FILTER, useClass: AuthExceptionFilter },
  ],
  exports: [AuthService],
})
export class AuthModule {}
