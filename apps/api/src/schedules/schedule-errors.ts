import {
  BadRequestException,
  ConflictException,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { ApiErrorDto, FieldErrorDto } from '../common/api-error.dto';

/** A 400 in the same shape as the global validation pipe's, for checks that need more than one field or the clock. */
export function invalidSchedule(errors: FieldErrorDto[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `Validation failed: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`,
    errors,
  } satisfies ApiErrorDto);
}

export function scheduleNotFound(id: string): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', message: `No schedule with id ${id}` } satisfies ApiErrorDto);
}

export function nameTaken(name: string, ownerId: string | null): ConflictException {
  return new ConflictException({
    statusCode: 409,
    error: 'Conflict',
    message: `A schedule named "${name}" already exists`,
    errors: [
      {
        field: 'name',
        reason: `is already used${ownerId ? ` by schedule ${ownerId}` : ''} (names are unique regardless of case)`,
        constraint: 'unique',
      },
    ],
  } satisfies ApiErrorDto);
}

export function staleVersion(sent: number, current: number): ConflictException {
  return new ConflictException({
    statusCode: 409,
    error: 'Conflict',
    message: `The schedule was changed since version ${sent} was read (now version ${current}): read it again and re-apply the change`,
    errors: [{ field: 'version', reason: `is stale: the current version is ${current}`, constraint: 'currentVersion' }],
  } satisfies ApiErrorDto);
}

export function beingDeleted(id: string): ConflictException {
  return new ConflictException({
    statusCode: 409,
    error: 'Conflict',
    message: `Schedule ${id} is being deleted: its VMs are being torn down and it can no longer change`,
  } satisfies ApiErrorDto);
}

export function missingReferences(errors: FieldErrorDto[]): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: `The cloud cannot provide what the schedule names: ${errors.map((e) => `${e.field} (${e.reason})`).join('; ')}`,
    errors,
  } satisfies ApiErrorDto);
}

export function delegationFromOtherProject(project: string): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: `A delegation is given in the schedule's own project: use a token scoped to project ${project}`,
  } satisfies ApiErrorDto);
}

export function cloudUnavailable(message: string, requestId?: string): ServiceUnavailableException {
  return new ServiceUnavailableException({
    statusCode: 503,
    error: 'Service Unavailable',
    message,
    ...(requestId && { openstackRequestId: requestId }),
  } satisfies ApiErrorDto);
}
