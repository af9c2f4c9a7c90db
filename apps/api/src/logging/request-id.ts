import { randomUUID } from 'node:crypto';

/**
 * An incoming id is honoured only when it looks like an id: a caller must not be able to write arbitrary text
 * (newlines, quotes, kilobytes) into every log line of its request.
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of a request: the caller's `X-Request-Id` when it is a sane id, a new UUID otherwise. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTED_REQUEST_ID.test(header) ? header : randomUUID();
}
