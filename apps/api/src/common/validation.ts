import { type ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldErrorDto } from './api-error.dto';

/** Flattens class-validator's tree into `{ field, reason }` rows with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      constraint,
      reason: constraint === 'whitelistValidation' ? 'is not an allowed field' : stripProperty(message, error.property),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** class-validator messages start with the property name; the field is reported separately. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Distinct query strings remembered per query DTO; past it the memory starts over (searches can vary without end). */
export const QUERY_MEMO_SIZE = 500;
/** Longer queries (as JSON) are validated every time: the memory stays small whatever a client sends (500 × 1 KB). */
export const QUERY_MEMO_KEY_LIMIT = 1024;

/**
 * The global pipe: class-transformer and class-validator on every body, query and parameter with a DTO type.
 *
 * A query is a small bag of strings from the URL, and its DTO's rules are pure functions of it, so the hot GETs (a
 * console polling a list asks the same thing over and over) validate each distinct query once: the result is
 * remembered per DTO and each request gets its own copy, which it may change. A query that fails is not
 * remembered; it is validated, and refused, each time.
 */
export class PeakValidationPipe extends ValidationPipe {
  private readonly queries = new Map<ArgumentMetadata['metatype'], Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'query' || !metadata.metatype || !this.toValidate(metadata)) return super.transform(value, metadata);
    let memo = this.queries.get(metadata.metatype);
    if (!memo) this.queries.set(metadata.metatype, (memo = new Map()));
    const key = JSON.stringify(value ?? null);
    const known = memo.get(key);
    if (known) return copyOf(known);
    const validated: unknown = await super.transform(value, metadata);
    if (key.length <= QUERY_MEMO_KEY_LIMIT && isFlat(validated)) {
      if (memo.size >= QUERY_MEMO_SIZE) memo.clear();
      memo.set(key, copyOf(validated));
    }
    return validated;
  }
}

/** A DTO whose fields are primitives or arrays of them: what a query DTO holds, and all a shallow copy can keep apart. */
function isFlat(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value)
    .flat()
    .every((item) => (typeof item !== 'object' || item === null) && typeof item !== 'function');
}

function copyOf<T extends object>(dto: T): T {
  const copy = Object.create(Object.getPrototypeOf(dto) as object | null) as Record<string, unknown>;
  for (const [field, value] of Object.entries(dto)) copy[field] = Array.isArray(value) ? [...(value as unknown[])] : value;
  return copy as T;
}

export function createValidationPipe(): ValidationPipe {
  return new PeakValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      const summary = fieldErrors.map((e) => `${e.field} ${e.reason}`).join('; ');
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `Validation failed: ${summary}`,
        errors: fieldErrors,
      });
    },
  });
}
