import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { scheduleRoutes } from '../schedules.routes';
import { provideWriteAccess } from '../testing/fixtures';

describe('writeAccessGuard on the schedules routes', () => {
  /** The feature's own routes, under `/schedules` as the app mounts them. */
  function router(canWrite?: boolean): Router {
    TestBed.configureTestingModule({
      providers: [
        ...(canWrite === undefined ? [] : [provideWriteAccess(canWrite)]),
        provideRouter([{ path: 'schedules', children: scheduleRoutes }]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    return TestBed.inject(Router);
  }

  it.each([
    ['/schedules/new', '/schedules'],
    ['/schedules/s-1/edit', '/schedules/s-1'],
  ])('sends a reader who opens %s to %s', async (url, expected) => {
    const sut = router(false);
    await sut.navigateByUrl(url);
    expect(sut.url).toBe(expected);
  });

  it.each([
    [true, '/schedules/new'],
    [true, '/schedules/s-1/edit'],
    [undefined, '/schedules/new'],
    [undefined, '/schedules/s-1/edit'],
  ])('lets a user who may write (%p) open %s', async (canWrite, url) => {
    const sut = router(canWrite);
    await sut.navigateByUrl(url);
    expect(sut.url).toBe(url);
  });

  it('keeps the list and the detail open to readers', async () => {
    const sut = router(false);
    await sut.navigateByUrl('/schedules');
    expect(sut.url).toBe('/schedules');
    await sut.navigateByUrl('/schedules/s-1');
    expect(sut.url).toBe('/schedules/s-1');
  });
});
