import { changedFields, MASKED, recordChange } from '../audit/audit-context';
import type { ScheduleEntity } from './entities/schedule.entity';
import { mapWindowDto } from './schedule.mappers';

/**
 * What the audit log keeps of a schedule: the fields a caller sets (as the API shows them) and its delegation.
 * `userData` may hold passwords or keys for the VMs: the log says only whether it is set.
 */
export function scheduleAuditFields(schedule: ScheduleEntity): Record<string, unknown> {
  const { userData, ...launch } = schedule.launch;
  return {
    name: schedule.name,
    description: schedule.description,
    imageId: schedule.imageId,
    flavorId: schedule.flavorId,
    networkIds: [...schedule.networkIds],
    instanceCount: schedule.instanceCount,
    timeZone: schedule.timeZone,
    window: mapWindowDto(schedule),
    leadTimeMinutes: schedule.leadTimeMinutes,
    enabled: schedule.enabled,
    launch: userData === undefined ? launch : { ...launch, userData: MASKED },
    delegatedById: schedule.trustorId,
  };
}

/** Records the change a write made to a schedule: `before` null for a create, `after` null for a delete. */
export function auditScheduleChange(id: string, before: ScheduleEntity | null, after: ScheduleEntity | null): void {
  const was = before && scheduleAuditFields(before);
  const is = after && scheduleAuditFields(after);
  if (was && is) {
    // An update keeps only the fields it changed; one that changed nothing shows two empty objects.
    const changed = changedFields(was, is) ?? { before: {}, after: {} };
    recordChange({ targetType: 'schedule', targetId: id, ...changed });
    return;
  }
  recordChange({ targetType: 'schedule', targetId: id, before: was, after: is });
}
