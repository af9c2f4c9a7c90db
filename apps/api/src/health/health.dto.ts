import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' })
  status!: 'ok' | 'error';

  /** The longest the event loop was blocked in the last 5 to 10 seconds, in milliseconds. */
  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  eventLoopDelayMs!: number;

  /** Seconds since this process started. */
  @ApiProperty({ type: 'integer', minimum: 0, example: 3600 })
  uptimeSeconds!: number;
}

const PARTS_EXAMPLE = {
  database: { status: 'up' },
  cloud: { status: 'up' },
  flavors: { status: 'up', phase: 'done' },
  engine: { status: 'up', role: 'leader' },
  quota: { status: 'up' },
};

/**
 * Readiness in the shape of `@nestjs/terminus`: every part under `details`, the ones up under `info`, the ones down
 * under `error`. Parts: `database` (required), `cloud` and `flavors` (required with `READINESS_REQUIRES_CLOUD`),
 * `engine` and `quota` (informative). Without a cloud admin's token each part shows its `status` only (and the
 * flavor bootstrap's `phase`, the engine's `role`).
 */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' })
  status!: 'ok' | 'error';

  @ApiProperty({ type: 'object', additionalProperties: { type: 'object' }, example: PARTS_EXAMPLE })
  info!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'object' }, example: {} })
  error!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'object' }, example: PARTS_EXAMPLE })
  details!: Record<string, unknown>;
}
