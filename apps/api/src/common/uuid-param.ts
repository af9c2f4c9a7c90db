import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';
import type { ApiErrorDto } from './api-error.dto';

/** A UUID path parameter; anything else is a 400 naming the parameter, in the `{ field, reason }` shape. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: `Validation failed: ${name} must be a UUID`,
          errors: [{ field: name, reason: 'must be a UUID', constraint: 'isUuid' }],
        } satisfies ApiErrorDto),
    }),
  );
}
