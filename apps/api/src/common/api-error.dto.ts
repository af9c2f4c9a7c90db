import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One rejected input: which field and why. */
export class FieldErrorDto {
  /** Dotted path of the field in the request, e.g. `window.startAt` or `networkIds.0`. */
  @ApiProperty({ example: 'timeZone' })
  field!: string;
  /** Human-readable reason, e.g. `must be a valid IANA time zone`. */
  @ApiProperty({ example: 'must be a valid IANA time zone' })
  reason!: string;
  /** Machine-readable rule that failed, e.g. `isTimeZone`. */
  @ApiPropertyOptional({ example: 'isTimeZone' })
  constraint?: string;
}

/** The body of every error response. */
export class ApiErrorDto {
  /** HTTP status code. */
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode!: number;
  /** HTTP status text, e.g. `Bad Request`. */
  @ApiProperty({ example: 'Bad Request' })
  error!: string;
  /** What went wrong, in one sentence. */
  @ApiProperty({ example: 'The request has invalid fields: see errors.' })
  message!: string;
  /** Per-field problems, for validation errors. */
  errors?: FieldErrorDto[];
  /** Request id of the failed upstream OpenStack call, when one was involved. */
  @ApiPropertyOptional({ example: 'req-6b1e0c4a-2f3d-4e5a-9b8c-7d6e5f4a3b2c' })
  openstackRequestId?: string;
}
