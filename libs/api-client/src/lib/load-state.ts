import { catchError, map, Observable, of, startWith } from 'rxjs';
import { ApiProblem, toApiProblem } from './api-problem';

/** A read from the API as a page shows it: still loading, loaded, or failed with the API's explanation. */
export type LoadState<T> =
  | { readonly status: 'loading'; readonly value?: T }
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'error'; readonly problem: ApiProblem; readonly value?: T };

export const LOADING: LoadState<never> = { status: 'loading' };

/**
 * Wraps one API call: emits `loading` at once, then `ok` or `error`; it never errors itself, so a page can
 * switchMap reloads into it and keep going after a failure.
 */
export function loadState<T>(call: Observable<T>): Observable<LoadState<T>> {
  return call.pipe(
    map((value): LoadState<T> => ({ status: 'ok', value })),
    catchError((error: unknown) => of<LoadState<T>>({ status: 'error', problem: toApiProblem(error) })),
    startWith<LoadState<T>>(LOADING),
  );
}
