import { ApiProblem, LoadState, loadState, toApiProblem } from '@peak/api-client';
import {
  catchError,
  defer,
  EMPTY,
  exhaustMap,
  map,
  merge,
  MonoTypeOperatorFunction,
  Observable,
  of,
  OperatorFunction,
  scan,
  Subscription,
  tap,
  timer,
} from 'rxjs';

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

/**
 * Reads with `call` on each value of the source, as LoadStates. Like a poll, a read is never overtaken; unlike
 * `exhaustMap`, a value that comes while a read runs is not dropped: one more read follows once it answers, so what
 * changed meanwhile is read too.
 */
export function readOnEach<T>(call: () => Observable<T>): OperatorFunction<unknown, LoadState<T>> {
  return (source) =>
    new Observable<LoadState<T>>((subscriber) => {
      let reading: Subscription | null = null;
      let again = false;
      const read = (): void => {
        again = false;
        reading = loadState(call()).subscribe({
          next: (state) => subscriber.next(state),
          complete: () => {
            if (again) read();
          },
        });
      };
      const triggers = source.subscribe({
        next: () => {
          if (reading && !reading.closed) again = true;
          else read();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        triggers.unsubscribe();
        reading?.unsubscribe();
      };
    });
}
