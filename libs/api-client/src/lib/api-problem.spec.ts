import { HttpErrorResponse } from '@angular/common/http';
import { toApiProblem } from './api-problem';

describe(toApiProblem.name, () => {
  it('keeps the message and the field rows of an API error body', () => {
    const error = new HttpErrorResponse({
      status: 400,
      statusText: 'Bad Request',
      error: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed: count must not be greater than 50',
        errors: [
          { field: 'count', reason: 'must not be greater than 50', constraint: 'max' },
          { field: 'timeZone', reason: 'must be a valid IANA time zone' },
          { field: 42, reason: 'ignored: not a field path' },
        ],
      },
    });

    expect(toApiProblem(error)).toEqual({
      status: 400,
      message: 'Validation failed: count must not be greater than 50',
      fieldProblems: [
        { field: 'count', reason: 'must not be greater than 50', constraint: 'max' },
        { field: 'timeZone', reason: 'must be a valid IANA time zone' },
      ],
    });
  });

  it('describes a body that is not the API error shape by its status', () => {
    const error = new HttpErrorResponse({ status: 502, statusText: 'Bad Gateway', error: '<html>nginx</html>' });

    expect(toApiProblem(error)).toEqual({ status: 502, message: 'The API answered 502 Bad Gateway.', fieldProblems: [] });
  });

  it('says the API is unreachable on a network failure', () => {
    const sut = toApiProblem(new HttpErrorResponse({ status: 0, error: new ProgressEvent('error') }));

    expect(sut.status).toBe(0);
    expect(sut.message).toMatch(/could not be reached/);
  });

  it('keeps the message of a non-HTTP error', () => {
    expect(toApiProblem(new Error('boom'))).toEqual({ status: 0, message: 'boom', fieldProblems: [] });
  });
});
