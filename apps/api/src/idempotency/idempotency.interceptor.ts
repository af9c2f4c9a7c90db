import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UnprocessableEntityException,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/access.decorators';
import type { ApiErrorDto } from '../common/api-error.dto';
import { Clock } from '../common/clock';
import { IdempotencyStore } from './idempotency.store';

const IDEMPOTENT = 'peak:idempotent';
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Printable ASCII without spaces, as an opaque key (a UUID is the usual choice). */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The POST may be sent with an `Idempotency-Key`: a retry with the same key and request gets the first answer again
 * (for 24 hours, marked `Idempotent-Replayed: true`) instead of doing it twice. Its 409 and 422 are documented by
 * `buildOpenApiDocument`, next to the operation's own.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        'Makes a retry safe: within 24 hours the same key (per user) with the same request gets the first answer again, ' +
        'marked `Idempotent-Replayed: true`, and changes nothing more. 1 to 255 printable ASCII characters, e.g. a UUID. ' +
        'A failed request keeps no answer: its retry runs again.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    }),
  );
}

/** Serves `@Idempotent()` routes: claims the key before the handler runs, keeps its answer after. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    const userId = request.auth?.identity.user.id;
    if (key === undefined || userId === undefined) return next.handle();
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `The ${IDEMPOTENCY_KEY_HEADER} header is invalid`,
        errors: [{ field: IDEMPOTENCY_KEY_HEADER, reason: 'must be 1 to 255 printable ASCII characters without spaces' }],
      } satisfies ApiErrorDto);
    }
    const response = context.switchToHttp().getResponse<Response>();
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const status: number = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    return from(this.store.claim(userId, key, requestHash, this.clock.now())).pipe(
      mergeMap((claim) => {
        switch (claim.kind) {
          case 'mismatch':
            throw new UnprocessableEntityException({
              statusCode: 422,
              error: 'Unprocessable Entity',
              message: `This ${IDEMPOTENCY_KEY_HEADER} was used with a different request in the last 24 hours: use a new key for a new request`,
            } satisfies ApiErrorDto);
          case 'in-progress':
            response.setHeader('Retry-After', '1');
            throw new ConflictException({
              statusCode: 409,
              error: 'Conflict',
              message: `The first request with this ${IDEMPOTENCY_KEY_HEADER} is still running: ask again shortly for its answer`,
            } satisfies ApiErrorDto);
          case 'replay':
            response.setHeader('Idempotent-Replayed', 'true');
            if (claim.location) response.setHeader('Location', claim.location);
            return of(claim.body);
          case 'new':
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                const location = response.getHeader('Location');
                await this.store.complete(userId, key, { status, body, location: typeof location === 'string' ? location : null });
                return body;
              }),
              catchError((error: unknown) => from(this.store.release(userId, key)).pipe(mergeMap(() => throwError(() => error)))),
            );
        }
      }),
    );
  }
}
