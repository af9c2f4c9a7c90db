import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One write through the API (`POST`, `PUT`, `PATCH`, `DELETE` under `/v1`), as it ended: who, from where, what it
 * aimed at, what it changed and how it was answered. Refused attempts are kept too; secrets never are.
 */
@Entity('audit_record')
@Index('IDX_audit_record_at', ['at'])
@Index('IDX_audit_record_project_at', ['projectId', 'at'])
export class AuditRecordEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_audit_record' })
  id!: string;

  /** When the request arrived. */
  @Column({ type: 'timestamptz' })
  at!: Date;

  /** Null when the request carried no valid token (a refused one, a login). */
  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  @Column({ name: 'user_name', type: 'text', nullable: true })
  userName!: string | null;

  /** The project of the caller's token: members read their project's records. */
  @Column({ name: 'project_id', type: 'text', nullable: true })
  projectId!: string | null;

  @Column({ type: 'text', array: true })
  roles!: string[];

  /** `password`, `application_credential`, `token`...: how the caller's token was obtained. */
  @Column({ name: 'auth_method', type: 'text', nullable: true })
  authMethod!: string | null;

  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  /** `req.ip`: the client's address as `TRUST_PROXY` resolves it. */
  @Column({ name: 'source_address', type: 'text', nullable: true })
  sourceAddress!: string | null;

  @Column({ type: 'text' })
  method!: string;

  /** The route template (`/v1/schedules/:id`), never the raw URL. */
  @Column({ type: 'text' })
  route!: string;

  /** `schedule.create`, `schedule.update`, `schedule.enable`, `auth.login`... */
  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId!: string | null;

  /** The changed fields before the write (secrets masked); null for a create or a refusal. */
  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  /** The changed fields after the write (secrets masked); null for a delete or a refusal. */
  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;

  /** The HTTP status answered; 499 when the client went away first. */
  @Column({ type: 'integer' })
  outcome!: number;

  /** For a refusal: the error's kind (`Not Found`, `Conflict`...). */
  @Column({ name: 'error_kind', type: 'text', nullable: true })
  errorKind!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;
}
