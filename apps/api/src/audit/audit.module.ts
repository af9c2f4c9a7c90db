import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditRecorder } from './audit-recorder';
import { auditConfig } from './audit.config';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/**
 * The audit log: `AuditRecorder` writes a record of every write (its middleware and `openAuditContext` are mounted by
 * `configureApp`), services say what they changed through `recordChange`, `GET /v1/audit` reads it, and
 * `AuditService` prunes it.
 */
@Module({
  imports: [ConfigModule.forFeature(auditConfig)],
  controllers: [AuditController],
  providers: [AuditRecorder, AuditService],
  exports: [AuditRecorder],
})
export class AuditModule {}
