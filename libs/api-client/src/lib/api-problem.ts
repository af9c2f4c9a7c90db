import { HttpErrorResponse } from '@angular/common/http';
import type { FieldErrorDto } from '../generated/models';

/** One rejected field of a request, as the API reports it (`errors[]` of its error body). */
export type FieldProblem = Readonly<FieldErrorDto>;

/** What the console needs from a failed API call: a sentence for a snackbar and per-field reasons for forms. */
export interface ApiProblem {
  /** HTTP status; 0 when the API could not be reached at all. */
  readonly status: number;
  readonly message: string;
  readonly fieldProblems: readonly FieldProblem[];
}

/**
 * Reads any error thrown by a generated service call. The body is untrusted JSON (a proxy or a crash may
 * answer with HTML or nothing), so every field is checked before use.
 */
export function toApiProblem(error: unknown): ApiProblem {
  if (!(error instanceof HttpErrorResponse)) {
    return { status: 0, message: error instanceof Error ? error.message : String(error), fieldProblems: [] };
  }
  if (error.status === 0) {
    return { status: 0, message: 'The API could not be reached. Check your connection and try again.', fieldProblems: [] };
  }
  const body: unknown = error.error;
  const message = isRecord(body) && typeof body['message'] === 'string' ? body['message'] : undefined;
  const rows = isRecord(body) && Array.isArray(body['errors']) ? (body['errors'] as unknown[]) : [];
  const fieldProblems = rows.filter(isFieldProblem).map(({ field, reason, constraint }) => ({
    field,
    reason,
    ...(typeof constraint === 'string' ? { constraint } : {}),
  }));
  return {
    status: error.status,
    message: message ?? `The API answered ${error.status} ${error.statusText || 'Error'}.`,
    fieldProblems,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return isRecord(value) && typeof value['field'] === 'string' && typeof value['reason'] === 'string';
}
