/** What replaces a secret in a log line. */
export const REDACTED = '[Redacted]';

/**
 * Names of fields and headers whose values are secrets: Keystone tokens (`X-Auth-Token`, `X-Subject-Token`),
 * `Authorization`, cookies, passwords, and application credential secrets, in any spelling or case.
 */
const SECRET_NAME = /pass(?:word|wd|phrase)|secret|token|authorization|cookie|api[-_]?key|private[-_]?key/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Past this depth a logged object is cut off rather than walked: logs are no place for deep graphs. */
const MAX_DEPTH = 12;

/**
 * Copy of a logged value with every secret-named field replaced by {@link REDACTED}, at any depth. Only plain
 * objects and arrays are walked (errors, dates and class instances go to pino's serializers as they are); a
 * secret-named field is redacted whatever its value, so an object under `password` does not leak either.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => redactDeep(item, depth + 1, seen));
  }
  if (!isPlainObject(value)) return value;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretName(key) ? REDACTED : redactDeep(item, depth + 1, seen);
  }
  return out;
}

/** Headers with secret values replaced; the header names stay, so a log still shows that a token was sent. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSecretName(name) ? REDACTED : value;
  return out;
}

/** A request URL with the values of secret-named query parameters replaced (`?token=...` happens). */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  let changed = false;
  for (const key of new Set(params.keys())) {
    if (isSecretName(key)) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, queryStart)}?${params.toString()}` : url;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
