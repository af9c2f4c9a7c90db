import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** How many bytes `text` takes once UTF-8 encoded and then base64-encoded, as Nova receives it. */
export function encodedUserDataBytes(text: string): number {
  return 4 * Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}

/** User data that fits Nova's limit once the API has base64-encoded it; the message says how big it is. */
export function IsEncodedUserData(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEncodedUserData',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) =>
          `$property is ${encodedUserDataBytes(String(args.value))} bytes once base64-encoded; Nova takes at most ${maxBytes}`,
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value !== 'string' || encodedUserDataBytes(value) <= maxBytes },
    });
}

/** Nova's schema for metadata keys. */
const METADATA_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;

/** Why a metadata map does not fit Nova's rules, or null when it does. */
export function metadataProblem(value: unknown, maxItems: number, reservedPrefix: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > maxItems) return `has ${entries.length} keys; at most ${maxItems}`;
  for (const [key, item] of entries) {
    if (key.length < 1 || key.length > 255) return `key "${key.slice(0, 40)}" must be 1-255 characters`;
    if (!METADATA_KEY.test(key)) return `key "${key}" may hold only letters, digits, spaces and - _ : . (as Nova requires)`;
    if (key.startsWith(reservedPrefix)) return `key "${key}" starts with "${reservedPrefix}", which the engine keeps for its own keys`;
    if (typeof item !== 'string') return `value of "${key}" must be a string`;
    if (item.length > 255) return `value of "${key}" is ${item.length} characters; at most 255`;
  }
  return null;
}

/** Nova server metadata: string keys and values within Nova's lengths, no key of the engine's own. */
export function IsServerMetadata(maxItems: number, reservedPrefix: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isServerMetadata',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) => `$property ${metadataProblem(args.value, maxItems, reservedPrefix) ?? ''}`,
        ...options,
      },
      validator: { validate: (value: unknown) => metadataProblem(value, maxItems, reservedPrefix) === null },
    });
}

/** A string that does not start with a prefix the engine keeps for itself. */
export function NotReserved(prefix: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notReserved',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must not start with "${prefix}": the engine's own tags do`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || !value.startsWith(prefix) },
    });
}
