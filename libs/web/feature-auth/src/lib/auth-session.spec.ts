import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { AuthSession, SESSION_STORAGE_KEY } from './auth-session';
import { authInterceptor } from './auth.interceptor';
import { issuedToken } from './testing';

@Component({ template: '' })
class Blank {}

describe(AuthSession.name, () => {
  let http: HttpTestingController;

  function setup(): AuthSession {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'login', component: Blank },
          { path: 'schedules', component: Blank },
        ]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    return TestBed.inject(AuthSession);
  }

  beforeEach(() => sessionStorage.clear());
  afterEach(() => {
    http.verify();
    jest.useRealTimers();
  });

  it('keeps a started session in session storage only, and restores it after a reload', () => {
    const sut = setup();
    expect(sut.loggedIn()).toBe(false);
    sut.start(issuedToken());
    expect(sut.loggedIn()).toBe(true);
    expect(JSON.parse(sessionStorage.getItem(SESSION_STORAGE_KEY) ?? '{}').token).toBe('gAAAAABtoken-admin');
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');

    TestBed.resetTestingModule();
    const reloaded = setup();
    expect(reloaded.session()?.user.name).toBe('admin');
    expect(reloaded.canWrite()).toBe(true);
    expect(reloaded.cloudAdmin()).toBe(true);
    expect(reloaded.projectName()).toBe('admin');
  });

  it('ignores a stored session that has expired or is not one', () => {
    sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(issuedToken({ expiresAt: new Date(Date.now() - 1000).toISOString() })));
    expect(setup().loggedIn()).toBe(false);
    expect(sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();

    TestBed.resetTestingModule();
    sessionStorage.setItem(SESSION_STORAGE_KEY, '{"token": 42}');
    expect(setup().loggedIn()).toBe(false);
    TestBed.resetTestingModule();
    sessionStorage.setItem(SESSION_STORAGE_KEY, 'not json');
    expect(setup().loggedIn()).toBe(false);
  });

  it('ends the session when the token expires and shows the login page, coming back afterwards', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-06-01T12:00:00Z') });
    const sut = setup();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/schedules');
    sut.start(issuedToken({ expiresAt: '2026-06-01T12:30:00Z' }));

    jest.advanceTimersByTime(29 * 60_000);
    expect(sut.loggedIn()).toBe(true);
    jest.advanceTimersByTime(60_000);
    expect(sut.loggedIn()).toBe(false);
    expect(sut.endReason()).toBe('expired');
    await jest.runAllTimersAsync();
    expect(router.url).toBe('/login?returnUrl=%2Fschedules');
    expect(sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('asks the API who the stored token is after a reload, and takes its answer', async () => {
    sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(issuedToken()));
    const sut = setup();
    const done = sut.revalidate();
    const req = http.expectOne('/v1/auth/tokens');
    expect(req.request.method).toBe('GET');
    expect(req.request.headers.get('X-Auth-Token')).toBe('gAAAAABtoken-admin');
    const { token: _token, ...info } = issuedToken({ roles: ['reader'], permissions: { read: true, write: false, cloudAdmin: false } });
    req.flush(info);
    await done;
    expect(sut.session()).toMatchObject({ token: 'gAAAAABtoken-admin', roles: ['reader'] });
    expect(sut.canWrite()).toBe(false);
    expect(sut.cloudAdmin()).toBe(false);
  });

  it('is no cloud admin for a member, and for a session stored before the API said who is one', () => {
    const sut = setup();
    expect(sut.cloudAdmin()).toBe(false);
    expect(sut.projectName()).toBeNull();
    sut.start(
      issuedToken({
        project: { id: 'p-demo', name: 'demo', domainId: 'default', domainName: 'Default' },
        permissions: { read: true, write: true, cloudAdmin: false },
      }),
    );
    expect(sut.cloudAdmin()).toBe(false);
    expect(sut.projectName()).toBe('demo');

    TestBed.resetTestingModule();
    const { cloudAdmin: _cloudAdmin, ...older } = issuedToken().permissions;
    sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ ...issuedToken(), permissions: older }));
    const reloaded = setup();
    expect(reloaded.loggedIn()).toBe(true);
    expect(reloaded.cloudAdmin()).toBe(false);
  });

  it('revokes the token through the API on logout, even when the API cannot be reached', async () => {
    const sut = setup();
    sut.start(issuedToken());
    const done = sut.logout();
    const req = http.expectOne('/v1/auth/tokens');
    expect(req.request.method).toBe('DELETE');
    expect(req.request.headers.get('X-Auth-Token')).toBe('gAAAAABtoken-admin');
    req.error(new ProgressEvent('error'));
    await done;
    expect(sut.loggedIn()).toBe(false);
    expect(sut.endReason()).toBe('logout');
    expect(sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve));
    expect(TestBed.inject(Router).url).toBe('/login');
  });
});
