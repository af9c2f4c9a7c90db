import { ForbiddenException, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import type { AuthIdentity } from '../auth/auth-identity';
import type { ApiErrorDto } from '../common/api-error.dto';
import { Clock } from '../common/clock';
import { AuditRecordEntity } from './audit-record.entity';
import { auditConfig } from './audit.config';
import { mapAuditRecord } from './audit.mappers';
import type { AuditRecordListDto, ListAuditRecordsQueryDto } from './dto/audit-record.dto';

/** The first prune waits this long after boot (start-up has better things to do), then one runs every hour. */
export const FIRST_AUDIT_PRUNE_DELAY_MS = 60_000;
export const AUDIT_PRUNE_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Reads the audit log, and keeps it to `AUDIT_RETENTION_DAYS`. Every replica prunes on its own timer: the delete is
 * one idempotent statement, so two replicas pruning at once only find less to delete.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(auditConfig.KEY) private readonly config: ConfigType<typeof auditConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setTimeout(() => this.pruneEvery(AUDIT_PRUNE_INTERVAL_MS), FIRST_AUDIT_PRUNE_DELAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Newest first. Members read their own project's records; a cloud admin reads all, or one project's. */
  async list(query: ListAuditRecordsQueryDto, identity: AuthIdentity): Promise<AuditRecordListDto> {
    const projectId = visibleProject(identity, query.projectId);
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const select = this.dataSource.getRepository(AuditRecordEntity).createQueryBuilder('audit');
    filter(select, { ...query, projectId });
    const [records, total] = await select
      .orderBy('audit.at', 'DESC')
      .addOrderBy('audit.id', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { items: records.map(mapAuditRecord), total, limit, offset };
  }

  /** Deletes the records older than `AUDIT_RETENTION_DAYS`; resolves with how many. */
  async pruneNow(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.retentionDays * DAY_MS);
    const result = await this.dataSource.createQueryBuilder().delete().from(AuditRecordEntity).where('at < :cutoff', { cutoff }).execute();
    const deleted = result.affected ?? 0;
    if (deleted > 0) this.logger.log(`Pruned ${deleted} audit record(s) older than ${cutoff.toISOString()} (AUDIT_RETENTION_DAYS)`);
    return deleted;
  }

  private pruneEvery(intervalMs: number): void {
    const prune = () =>
      void this.pruneNow().catch((error: unknown) =>
        this.logger.warn(`Pruning the audit log failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    prune();
    this.timer = setInterval(prune, intervalMs);
    this.timer.unref();
  }
}

/** The project whose records the caller may read: the one asked for (cloud admins, who may also read all), or their own. */
function visibleProject(identity: AuthIdentity, asked: string | undefined): string | undefined {
  if (identity.isCloudAdmin) return asked;
  const own = identity.project?.id;
  if (own === undefined) throw forbidden('The audit log is kept per project: use a token scoped to a project');
  if (asked !== undefined && asked !== own)
    throw forbidden(`Your token is scoped to project ${own}; only a cloud admin may read the audit log of project ${asked}`);
  return own;
}

function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message } satisfies ApiErrorDto);
}

function filter(select: SelectQueryBuilder<AuditRecordEntity>, query: ListAuditRecordsQueryDto): void {
  if (query.from !== undefined) select.andWhere('audit.at >= :from', { from: new Date(query.from) });
  if (query.to !== undefined) select.andWhere('audit.at < :to', { to: new Date(query.to) });
  if (query.userId !== undefined) select.andWhere('audit.user_id = :userId', { userId: query.userId });
  if (query.targetId !== undefined) select.andWhere('audit.target_id = :targetId', { targetId: query.targetId });
  if (query.action !== undefined) select.andWhere('audit.action = :action', { action: query.action });
  if (query.projectId !== undefined) select.andWhere('audit.project_id = :projectId', { projectId: query.projectId });
}
