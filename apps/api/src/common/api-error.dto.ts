import { ApiProperty } from '@nestjs/swagger';

/** One rejected input: which field and why. */
export class FieldErrorDto {
  /** Dotted path of the field in the request, e.g. `window.startAt` or `networkIds.0`. */
  field!: string;
  /** Human-readable reason, e.g. `must be a valid IANA time zone`. */
  reason!: string;
  /** Machine-readable rule that failed, e.g. `isTimeZone`. */
  constraint?: string;
}

/** The body of every error response. */
export class ApiErrorDto {
  /** HTTP status code. */
  @ApiProperty({ type: 'integer' })
  statusCode!: number;
  /** HTTP status text, e.g. `Bad Request`. */
  error!: string;
  /** What went wrong, in one sentence. */
  message!: string;
  /** Per-field problems, for validation errors. */
  errors?: FieldErrorDto[];
  /** Request id of the failed upstream OpenStack call, when one was involved. */
  openstackRequestId?: string;
}
