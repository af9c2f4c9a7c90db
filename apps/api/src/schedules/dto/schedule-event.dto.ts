import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/page.dto';
import { EVENT_TYPES, type EventType } from '../../events/event-types';
import { RUN_STATES, type RunState } from '../../runs/run-lifecycle';

/** Page and filter of `GET /v1/schedules/{id}/events`. */
export class ListScheduleEventsQueryDto extends PageQueryDto {
  /** Only events of this type. */
  @IsOptional()
  @IsIn([...EVENT_TYPES])
  @ApiProperty({ required: false, enum: EVENT_TYPES, enumName: 'WebhookEventType', example: 'peak.run.ready' })
  type?: EventType;
}

/** One event of a schedule, as webhooks receive it (the CloudEvents `id`, `type`, `time` and `data`). */
export class ScheduleEventDto {
  /** The CloudEvents `id`: the `webhook-id` of every delivery of this event. */
  @ApiProperty({ format: 'uuid', example: '5f0c63d4-3f7b-4d55-a4cf-9e0a8f1c2b7e' })
  id!: string;

  @ApiProperty({ enum: EVENT_TYPES, enumName: 'WebhookEventType', example: 'peak.run.ready' })
  type!: EventType;

  /** When it happened. */
  @ApiProperty({ format: 'date-time', example: '2026-12-04T08:50:12.000Z' })
  time!: string;

  /** For a `peak.run.*` event, the run it is about; null for a `peak.schedule.*` event. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '0d9b7a8e-61c2-4c1e-9a57-2f4e6d3b8c10' })
  runId!: string | null;

  /** For a `peak.run.*` event, the run's state it announces (`peak.run.completed` tells `completed`, `partial` or `stopped`). */
  @ApiProperty({ enum: RUN_STATES, enumName: 'RunState', nullable: true, example: 'active' })
  runState!: RunState | null;

  /**
   * The CloudEvents `data` as webhooks received it: for `peak.run.*` the run as `GET /v1/schedules/{id}/runs` showed it then; for
   * `peak.schedule.*` the schedule as `GET /v1/schedules/{id}` showed it, less its derived fields (`state`, `latestRun`,
   * `nextOccurrence`, `vmsKeptUntil`) and `launch.userData`.
   */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { id: '0d9b7a8e-61c2-4c1e-9a57-2f4e6d3b8c10', state: 'active' } })
  data!: Record<string, unknown>;
}

/** A page of a schedule's events, newest first. */
export class ScheduleEventListDto extends PageDto {
  @ApiProperty({ type: [ScheduleEventDto] })
  items!: ScheduleEventDto[];
}
