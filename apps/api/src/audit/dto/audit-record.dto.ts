import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsInstant } from '../../schedules/dto/schedule-validators';
import { PageDto, PageQueryDto } from '../../common/page.dto';

/** One write through the API, as the audit log keeps it. */
export class AuditRecordDto {
  @ApiProperty({ format: 'uuid', example: '0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f' })
  id!: string;

  /** When the request arrived (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T08:15:02.311Z' })
  at!: string;

  /** The Keystone user; null when the request carried no valid token (a refused one, a login). */
  @ApiProperty({ type: String, nullable: true, example: '9a8b7c6d5e4f40318e2d1c0b9a8f7e6d' })
  userId!: string | null;

  /** The user's name; for a login, the name it was attempted with. */
  @ApiProperty({ type: String, nullable: true, example: 'alice' })
  userName!: string | null;

  /** The project of the caller's token. */
  @ApiProperty({ type: String, nullable: true, example: '3f2e1d0c9b8a47f6a5e4d3c2b1a09f8e' })
  projectId!: string | null;

  /** The token's roles on that project, lower case. */
  @ApiProperty({ type: [String], example: ['member', 'reader'] })
  roles!: string[];

  /** How the caller's token was obtained: `password`, `application_credential`, `token`... */
  @ApiProperty({ type: String, nullable: true, example: 'password' })
  authMethod!: string | null;

  /** The request's `X-Request-Id`, which finds it in the service's log. */
  @ApiProperty({ example: '5d0a6c9e-1b2f-4e3a-8c7d-6e5f4a3b2c1d' })
  requestId!: string;

  /** The client's address, as `TRUST_PROXY` resolves it. */
  @ApiProperty({ type: String, nullable: true, example: '192.0.2.10' })
  sourceAddress!: string | null;

  @ApiProperty({ example: 'PATCH' })
  method!: string;

  /** The route template, never the raw URL. */
  @ApiProperty({ example: '/v1/schedules/:id' })
  route!: string;

  /** What was attempted: `schedule.create`, `schedule.update`, `schedule.enable`, `schedule.disable`, `schedule.delete`, `auth.login`... */
  @ApiProperty({ example: 'schedule.update' })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: 'schedule' })
  targetType!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d' })
  targetId!: string | null;

  /** The changed fields before the write, secrets (`userData`) as `***`; null for a create and when nothing changed. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { instanceCount: 3 } })
  before!: Record<string, unknown> | null;

  /** The changed fields after the write, secrets as `***`; null for a delete and when nothing changed. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { instanceCount: 5 } })
  after!: Record<string, unknown> | null;

  /** The HTTP status answered; 499 when the client closed the connection first. */
  @ApiProperty({ type: 'integer', example: 200 })
  outcome!: number;

  /** For a refusal, its kind (`Not Found`, `Forbidden`, `Conflict`...). */
  @ApiProperty({ type: String, nullable: true, example: null })
  errorKind!: string | null;

  /** For a refusal, its message. */
  @ApiProperty({ type: String, nullable: true, example: null })
  errorMessage!: string | null;
}

/** One page of audit records, newest first. */
export class AuditRecordListDto extends PageDto {
  items!: AuditRecordDto[];
}

/** Filters and page of `GET /v1/audit`. */
export class ListAuditRecordsQueryDto extends PageQueryDto {
  /** Records at or after this instant (RFC 3339). */
  @ApiProperty({ required: false, format: 'date-time', type: String })
  @IsOptional()
  @IsInstant()
  from?: string;

  /** Records before this instant (RFC 3339). */
  @ApiProperty({ required: false, format: 'date-time', type: String })
  @IsOptional()
  @IsInstant()
  to?: string;

  /** Only this Keystone user's records. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  userId?: string;

  /** Only records about this target (a schedule's id). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  targetId?: string;

  /** Only this action, e.g. `schedule.delete`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  /**
   * Only this project's records. A cloud admin sees every project's records (logins included) and may filter by
   * one; anyone else sees their token's project only (another project here is a 403).
   */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  projectId?: string;
}
