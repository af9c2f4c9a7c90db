import { BadRequestException, ForbiddenException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { ApiErrorDto } from '../common/api-error.dto';

export function webhookNotFound(id: string): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', message: `No webhook with id ${id}` } satisfies ApiErrorDto);
}

/** A URL that cannot be parsed (400), as the validation pipe would say it. */
export function malformedUrl(reason: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `Validation failed: url ${reason}`,
    errors: [{ field: 'url', reason, constraint: 'isUrl' }],
  } satisfies ApiErrorDto);
}

/** A well-formed URL the policy refuses: plain http, credentials, or an internal address (SSRF). */
export function refusedUrl(reason: string): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: `url ${reason}`,
    errors: [{ field: 'url', reason, constraint: 'webhookUrl' }],
  } satisfies ApiErrorDto);
}

export function cloudWideNeedsAdmin(): ForbiddenException {
  return new ForbiddenException({
    statusCode: 403,
    error: 'Forbidden',
    message: 'Only a cloud admin may create a cloud-wide webhook',
  } satisfies ApiErrorDto);
}

export function webhookProjectNeeded(): ForbiddenException {
  return new ForbiddenException({
    statusCode: 403,
    error: 'Forbidden',
    message: 'Webhooks belong to projects: use a token scoped to a project (or, as a cloud admin, create a cloud-wide one)',
  } satisfies ApiErrorDto);
}
