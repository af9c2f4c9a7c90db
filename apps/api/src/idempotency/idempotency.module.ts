import { Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';

/**
 * `Idempotency-Key` on the POSTs marked `@Idempotent()`: the decorator binds the interceptor to those routes only (a
 * global one would put every GET through Nest's interceptor chain for nothing); their modules import this one.
 */
@Module({
  providers: [IdempotencyStore, IdempotencyInterceptor],
  exports: [IdempotencyStore, IdempotencyInterceptor],
})
export class IdempotencyModule {}
