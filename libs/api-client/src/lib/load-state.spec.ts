import { HttpErrorResponse } from '@angular/common/http';
import { of, throwError, toArray, firstValueFrom } from 'rxjs';
import { loadState } from './load-state';

describe(loadState.name, () => {
  it('emits loading, then the value', async () => {
    await expect(firstValueFrom(loadState(of([1, 2])).pipe(toArray()))).resolves.toEqual([
      { status: 'loading' },
      { status: 'ok', value: [1, 2] },
    ]);
  });

  it('turns an API failure into an error state with the API message, and completes', async () => {
    const failure = new HttpErrorResponse({
      status: 503,
      error: { statusCode: 503, error: 'Service Unavailable', message: 'The cloud could not be reached.' },
    });

    const sut = await firstValueFrom(loadState(throwError(() => failure)).pipe(toArray()));

    expect(sut).toEqual([
      { status: 'loading' },
      { status: 'error', problem: { status: 503, message: 'The cloud could not be reached.', fieldProblems: [] } },
    ]);
  });
});
