import { isLocalDate, isValidTimeZone, parseCronExpression } from '@peak/schedule-domain';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** An IANA time zone name (`Europe/Rome`, `UTC`); offsets such as `+01:00` are refused. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an IANA time zone such as Europe/Rome or UTC', ...options },
      validator: { validate: (value: unknown) => isValidTimeZone(value) },
    });
}

/** A 5-field cron expression; the message carries the parser's reason. */
export function IsCronExpression(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCronExpression',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) => {
          const parsed = parseCronExpression(args.value);
          return `$property must be a valid 5-field cron expression${parsed.ok ? '' : `: ${parsed.reason}`}`;
        },
        ...options,
      },
      validator: { validate: (value: unknown) => parseCronExpression(value).ok },
    });
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** True for an RFC 3339 date-time with an offset (`2026-03-29T09:00:00Z`, `2026-03-29T09:00+02:00`). */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second = '0'] = match;
  if (!isLocalDate(`${year}-${month}-${day}`)) return false;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return false;
  const time = Date.parse(value);
  // Date's own range, and years an API user can mean.
  return Number.isFinite(time) && Number(year) >= 1970 && Number(year) <= 9999;
}

/** An instant written in RFC 3339 with its offset; a local time without offset would be ambiguous. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an RFC 3339 date-time with an offset, e.g. 2026-03-29T09:00:00Z', ...options },
      validator: { validate: (value: unknown) => isInstant(value) },
    });
}

/** A calendar date `YYYY-MM-DD` (use `{ each: true }` for arrays). */
export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isLocalDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must contain calendar dates written YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => isLocalDate(value) },
    });
}
