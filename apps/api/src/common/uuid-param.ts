import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { ApiErrorDto } from './api-error.dto';

/**
 * A UUID path parameter; anything else is a 400 naming the parameter, in the `{ field, reason }` shape. The OpenAPI
 * document says so (`format: uuid`), so generated clients know it too.
 */
export function UuidParam(name: string, description: string): ParameterDecorator {
  const param = uuidParam(name);
  return (target, key, index) => {
    param(target, key, index);
    const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key !== undefined && descriptor) ApiParam({ name, type: String, format: 'uuid', description })(target, key, descriptor);
  };
}

function uuidParam(name: string): ParameterDecorator {
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
