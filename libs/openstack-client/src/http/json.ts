/**
 * Small readers for OpenStack's JSON bodies. They turn a wrong shape into a {@link MalformedResponse}
 * naming the field, which the service clients wrap into an `OpenStackError` (fault `BadResponse`).
 */
export class MalformedResponse extends Error {
  override readonly name = 'MalformedResponse';
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asObject(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new MalformedResponse(`${what} is not an object`);
  return value;
}

export function field(body: unknown, key: string, what: string): JsonObject {
  return asObject(asObject(body, what)[key], `${what}.${key}`);
}

export function arrayField(o: JsonObject, key: string, what: string): unknown[] {
  const value = o[key];
  if (!Array.isArray(value)) throw new MalformedResponse(`${what}.${key} is not an array`);
  return value;
}

export function str(o: JsonObject, key: string, what: string): string {
  const value = o[key];
  if (typeof value === 'string') return value;
  // Nova returns flavor ids as strings, but some deployments hand out integers.
  if (typeof value === 'number') return String(value);
  throw new MalformedResponse(`${what}.${key} is not a string`);
}

export function optStr(o: JsonObject, key: string): string | undefined {
  const value = o[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function num(o: JsonObject, key: string, what: string): number {
  const value = o[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new MalformedResponse(`${what}.${key} is not a number`);
}

export function optNum(o: JsonObject, key: string): number | undefined {
  const value = o[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function optBool(o: JsonObject, key: string): boolean | undefined {
  const value = o[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  return undefined;
}

export function stringArray(o: JsonObject, key: string): string[] {
  const value = o[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function stringMap(o: JsonObject, key: string): Record<string, string> {
  const value = o[key];
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * OpenStack timestamps come as `2019-04-23T15:19:14Z`, `2015-11-07T02:58:43.578887Z` or without zone
 * (`2016-03-08T20:19:41`, Neutron and Nova's usage fields): all are UTC.
 */
export function parseTimestamp(value: string, what: string): Date {
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const date = new Date(withZone);
  if (Number.isNaN(date.getTime())) throw new MalformedResponse(`${what} is not a timestamp: ${value}`);
  return date;
}

export function date(o: JsonObject, key: string, what: string): Date {
  return parseTimestamp(str(o, key, what), `${what}.${key}`);
}

export function optDate(o: JsonObject, key: string, what: string): Date | undefined {
  const value = o[key];
  return typeof value === 'string' && value !== '' ? parseTimestamp(value, `${what}.${key}`) : undefined;
}
