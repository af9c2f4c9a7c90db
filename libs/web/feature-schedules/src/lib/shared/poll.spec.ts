import { HttpErrorResponse } from '@angular/common/http';
import { LoadState } from '@peak/api-client';
import { firstValueFrom, Observable, of, Subject, take, throwError, toArray } from 'rxjs';
import { pollState, readOnEach, reportFailures } from './poll';

describe(pollState.name, () => {
  it('keeps the last good value through a failed poll', async () => {
    const answers: Observable<number>[] = [of(1), throwError(() => new HttpErrorResponse({ status: 503 })), of(3)];
    const refresh$ = new Subject<void>();
    const states = firstValueFrom(pollState(() => answers.shift() ?? of(0), 60_000, refresh$).pipe(take(3), toArray()));
    await new Promise((resolve) => setTimeout(resolve, 5));
    refresh$.next();
    refresh$.next();

    const [first, second, third] = await states;
    expect(first).toEqual({ status: 'ok', value: 1 });
    expect(second).toMatchObject({ status: 'error', value: 1, problem: { status: 503 } });
    expect(third).toEqual({ status: 'ok', value: 3 });
  });
});

describe(reportFailures.name, () => {
  const error = (status: number): LoadState<number> => ({
    status: 'error',
    problem: { status, message: `failed ${status}`, fieldProblems: [] },
  });

  it('notifies once per failure streak, and not for ignored problems', async () => {
    const notices: string[] = [];
    const states: LoadState<number>[] = [
      { status: 'ok', value: 1 },
      error(503),
      error(503),
      { status: 'ok', value: 2 },
      error(502),
      { status: 'ok', value: 3 },
      error(404),
    ];

    await firstValueFrom(
      of(...states).pipe(
        reportFailures(
          (m) => notices.push(m),
          'schedules',
          (p) => p.status === 404,
        ),
        toArray(),
      ),
    );

    expect(notices).toEqual(['Could not load schedules: failed 503', 'Could not load schedules: failed 502']);
  });
});

describe(readOnEach.name, () => {
  it('reads on each trigger; triggers during a read make one more read after it, not one each', () => {
    const answers: Subject<number>[] = [];
    const triggers$ = new Subject<void>();
    const states: LoadState<number>[] = [];
    const subscription = triggers$
      .pipe(
        readOnEach(() => {
          const answer = new Subject<number>();
          answers.push(answer);
          return answer;
        }),
      )
      .subscribe((state) => states.push(state));

    triggers$.next();
    expect(answers).toHaveLength(1);
    triggers$.next();
    triggers$.next();
    expect(answers).toHaveLength(1);

    answers[0]?.next(1);
    answers[0]?.complete();
    expect(answers).toHaveLength(2);
    answers[1]?.next(2);
    answers[1]?.complete();
    expect(answers).toHaveLength(2);

    triggers$.next();
    expect(answers).toHaveLength(3);
    expect(states).toEqual([
      { status: 'loading' },
      { status: 'ok', value: 1 },
      { status: 'loading' },
      { status: 'ok', value: 2 },
      { status: 'loading' },
    ]);
    subscription.unsubscribe();
  });

  it('says a failed read and reads again on the next trigger', () => {
    const answers: Observable<number>[] = [throwError(() => new HttpErrorResponse({ status: 503 })), of(2)];
    const triggers$ = new Subject<void>();
    const states: LoadState<number>[] = [];
    triggers$.pipe(readOnEach(() => answers.shift() ?? of(0))).subscribe((state) => states.push(state));

    triggers$.next();
    triggers$.next();

    expect(states).toEqual([
      { status: 'loading' },
      expect.objectContaining({ status: 'error', problem: expect.objectContaining({ status: 503 }) }),
      { status: 'loading' },
      { status: 'ok', value: 2 },
    ]);
  });
});
