import type { ApiErrorDto, FieldErrorDto } from './generated';

/**
 * The API answered with an error status. `status` is the HTTP status; `body` is the API's error JSON when it sent one
 * (`{ statusCode, error, message, errors: [{ field, reason }] }`), and `requestId` finds the request in the service's
 * log. A 304 (an unchanged list asked with `If-None-Match`) arrives here too, with no body.
 */
export class PeakApiError extends Error {
  override readonly name = 'PeakApiError';

  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly body: ApiErrorDto | undefined,
    readonly requestId: string | undefined,
    /** Seconds to wait before asking again (`Retry-After` on 429, 503 and an idempotency 409). */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${method} ${new URL(url).pathname}: ${status} ${body?.message ?? body?.error ?? statusText(status)}`);
  }

  /** The fields the API refused, with its reasons (400, 422); empty for other errors. */
  get fieldErrors(): readonly FieldErrorDto[] {
    return this.body?.errors ?? [];
  }
}

/** No answer: the API could not be reached, the connection broke, or the call timed out. */
export class PeakConnectionError extends Error {
  override readonly name = 'PeakConnectionError';

  constructor(
    readonly method: string,
    readonly url: string,
    cause: unknown,
  ) {
    super(`${method} ${url}: ${describeCause(cause)}`, { cause });
  }
}

export function isPeakApiError(error: unknown, status?: number): error is PeakApiError {
  return error instanceof PeakApiError && (status === undefined || error.status === status);
}

function statusText(status: number): string {
  return status === 304 ? 'Not Modified' : 'error';
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === 'TimeoutError') return 'timed out';
    const code = (cause.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/** The error body if it has the API's error shape (a proxy may answer with HTML or nothing). */
export function asApiError(body: unknown): ApiErrorDto | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const candidate = body as Partial<ApiErrorDto>;
  return typeof candidate.statusCode === 'number' && typeof candidate.message === 'string' ? (body as ApiErrorDto) : undefined;
}
