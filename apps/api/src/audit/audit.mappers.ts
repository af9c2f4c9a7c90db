import type { AuditRecordEntity } from './audit-record.entity';
import type { AuditRecordDto } from './dto/audit-record.dto';

export function mapAuditRecord(record: AuditRecordEntity): AuditRecordDto {
  return {
    id: record.id,
    at: record.at.toISOString(),
    userId: record.userId,
    userName: record.userName,
    projectId: record.projectId,
    roles: [...record.roles],
    authMethod: record.authMethod,
    requestId: record.requestId,
    sourceAddress: record.sourceAddress,
    method: record.method,
    route: record.route,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    before: record.before,
    after: record.after,
    outcome: record.outcome,
    errorKind: record.errorKind,
    errorMessage: record.errorMessage,
  };
}
