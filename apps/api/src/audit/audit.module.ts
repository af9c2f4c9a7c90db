import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ALL_ROUTES } from '../common/all-routes';
import { AuditContextMiddleware, AuditRecorder } from './audit-recorder';
import { auditConfig } from './audit.config';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/**
 * The audit log: `AuditRecorder` writes a record of every write (registered by `configureApp`), services say what
 * they changed through `recordChange`, `GET /v1/audit` reads it, and `AuditService` prunes it.
 */
@Module({
  imports: [ConfigModule.forFeature(auditConfig)],
  controllers: [AuditController],
  providers: [AuditRecorder, AuditService],
  exports: [AuditRecorder],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditContextMiddleware).forRoutes(ALL_ROUTES);
  }
}
