import { ApiProblem, LoadState, toApiProblem } from '@peak/api-client';
import { catchError, defer, EMPTY, exhaustMap, map, merge, MonoTypeOperatorFunction, Observable, of, scan, tap, timer } from 'rxjs';

/**
 * Reads from the API now and every `intervalMs` (and on each `refresh$`), as a LoadState that keeps the last
 * good value through later loads and failures, so a page never blanks while it updates. A slow answer is
 * never overtaken: the next poll waits for it.
 */
export function pollState<T>(
  call: () => Observable<T>,
  intervalMs: number,
  refresh$: Observable<unknown> = EMPTY,
): Observable<LoadState<T>> {
  return merge(timer(0, intervalMs), refresh$).pipe(
    exhaustMap(() =>
      call().pipe(
        map((value): LoadState<T> => ({ status: 'ok', value })),
        catchError((error: unknown) => of<LoadState<T>>({ status: 'error', problem: toApiProblem(error) })),
      ),
    ),
    scan<LoadState<T>, LoadState<T>>((previous, next) => (next.status === 'error' ? { ...next, value: previous.value } : next), {
      status: 'loading',
    }),
  );
}

/**
 * Calls `notify` when a stream of states starts failing: once per failure streak, not once per poll.
 * `ignore` skips failures the page shows by itself (e.g. a 404 once the schedule is deleted).
 */
export function reportFailures<T>(
  notify: (message: string) => void,
  what: string,
  ignore: (problem: ApiProblem) => boolean = () => false,
): MonoTypeOperatorFunction<LoadState<T>> {
  return (source) =>
    defer(() => {
      let failing = false;
      return source.pipe(
        tap((state) => {
          if (state.status === 'error' && !failing && !ignore(state.problem)) notify(`Could not load ${what}: ${state.problem.message}`);
          if (state.status !== 'loading') failing = state.status === 'error';
        }),
      );
    });
}
