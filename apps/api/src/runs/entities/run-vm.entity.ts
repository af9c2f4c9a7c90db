import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { MEMBER_STATES, SHORTFALL_REASONS, type MemberState, type ShortfallReason } from '../run-lifecycle';
import type { RunEntity } from './run.entity';

/** One VM slot of a run: the Nova server behind it (once created), its status and its history. */
@Entity({ name: 'run_vm' })
@Check('CHK_run_vm_attempts', `"attempts" >= 0`)
@Check('CHK_run_vm_slot', `"slot" >= 1`)
@Check('CHK_run_vm_shortfall_reason', `"shortfall_reason" IN (${SHORTFALL_REASONS.map((s) => `'${s}'`).join(', ')})`)
@Check('CHK_run_vm_member_state', `"member_state" IN (${MEMBER_STATES.map((s) => `'${s}'`).join(', ')})`)
@Unique('UQ_run_vm_run_slot', ['runId', 'slot'])
export class RunVmEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_run_vm' })
  id!: string;

  @Index('IDX_run_vm_run_id')
  @Column({ type: 'uuid', name: 'run_id' })
  runId!: string;

  // A string target: run.entity imports this file too, and a class reference would be undefined at load.
  @ManyToOne('RunEntity', 'vms', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'FK_run_vm_run' })
  run?: RunEntity;

  /** Nova server id; null until Nova accepted the create. */
  @Index('IDX_run_vm_server_id')
  @Column({ type: 'text', name: 'server_id', nullable: true })
  serverId!: string | null;

  /** 1-based position of this VM in its run; the VM's Nova metadata carries it too. */
  @Column({ type: 'integer' })
  slot!: number;

  /** Server name (unique per run, e.g. `peak-<schedule>-<n>`). */
  @Column({ type: 'text' })
  name!: string;

  /**
   * Last known Nova status (`BUILD`, `ACTIVE`, `ERROR`, ...), or the engine's own: `PENDING` before the create
   * call, `CREATING` while it is in flight, `DELETING`, then `DELETED`; `FAILED` once the slot used up its
   * attempts; `NOT_CREATED` for a slot whose window ended before it got a VM.
   */
  @Column({ type: 'text' })
  status!: string;

  /** Nova's fault message for an ERROR server, or the create call's error. */
  @Column({ type: 'text', name: 'fault_message', nullable: true })
  faultMessage!: string | null;

  /** Why this slot has no VM, while that is for a recorded reason (and for good once closed empty). */
  @Column({ type: 'text', name: 'shortfall_reason', nullable: true })
  shortfallReason!: ShortfallReason | null;

  /** Create attempts so far for this slot. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'created_at', nullable: true })
  createdAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'active_at', nullable: true })
  activeAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;

  /** The Octavia member of this VM, while its run has a pool (see `LoadBalancerMembership`). */
  @Column({ type: 'text', name: 'member_id', nullable: true })
  memberId!: string | null;

  /** Null when the run has no pool. */
  @Column({ type: 'text', name: 'member_state', nullable: true })
  memberState!: MemberState | null;

  /** The VM's address the member points at. */
  @Column({ type: 'text', name: 'member_address', nullable: true })
  memberAddress!: string | null;

  @Column({ type: 'timestamptz', name: 'member_joined_at', nullable: true })
  memberJoinedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'member_online_at', nullable: true })
  memberOnlineAt!: Date | null;

  /** When its weight went to 0 (the drain's start). */
  @Column({ type: 'timestamptz', name: 'member_draining_at', nullable: true })
  memberDrainingAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'member_removed_at', nullable: true })
  memberRemovedAt!: Date | null;
}
