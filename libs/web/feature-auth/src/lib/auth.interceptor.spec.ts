import { HttpClient, HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { AuthSession } from './auth-session';
import { authInterceptor } from './auth.interceptor';
import { issuedToken } from './testing';

@Component({ template: '' })
class Blank {}

describe('authInterceptor', () => {
  let http: HttpTestingController;
  let client: HttpClient;
  let session: AuthSession;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'login', component: Blank },
          { path: 'catalog', component: Blank },
        ]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    client = TestBed.inject(HttpClient);
    session = TestBed.inject(AuthSession);
  });

  afterEach(() => http.verify());

  it('sends the token to the API only: own-origin /v1 calls, never other hosts', () => {
    session.start(issuedToken());
    client.get('/v1/schedules').subscribe();
    client.get(`${window.location.origin}/v1/images`).subscribe();
    client.get('https://elsewhere.example/v1/schedules').subscribe();
    client.get('/assets/logo.svg').subscribe();

    expect(http.expectOne('/v1/schedules').request.headers.get('X-Auth-Token')).toBe('gAAAAABtoken-admin');
    expect(http.expectOne(`${window.location.origin}/v1/images`).request.headers.get('X-Auth-Token')).toBe('gAAAAABtoken-admin');
    expect(http.expectOne('https://elsewhere.example/v1/schedules').request.headers.has('X-Auth-Token')).toBe(false);
    expect(http.expectOne('/assets/logo.svg').request.headers.has('X-Auth-Token')).toBe(false);
  });

  it('sends nothing without a session (the login call)', () => {
    client.post('/v1/auth/tokens', {}).subscribe({ error: () => undefined });
    expect(http.expectOne('/v1/auth/tokens').request.headers.has('X-Auth-Token')).toBe(false);
  });

  it('ends the session on a 401 and goes to the login page, back to the current page afterwards', async () => {
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/catalog');
    session.start(issuedToken());
    const call = firstValueFrom(client.get('/v1/flavors'));
    http
      .expectOne('/v1/flavors')
      .flush({ statusCode: 401, message: 'The token is invalid, expired or revoked' }, { status: 401, statusText: 'Unauthorized' });

    await expect(call).rejects.toBeInstanceOf(HttpErrorResponse);
    expect(session.loggedIn()).toBe(false);
    expect(session.endReason()).toBe('rejected');
    await new Promise((resolve) => setTimeout(resolve));
    expect(router.url).toBe('/login?returnUrl=%2Fcatalog');
  });

  it('keeps the session on a 403 (a role is missing, the token is fine)', async () => {
    session.start(issuedToken({ permissions: { read: true, write: false, cloudAdmin: false } }));
    const call = firstValueFrom(client.post('/v1/schedules', {}));
    http.expectOne('/v1/schedules').flush({ statusCode: 403, message: 'needs admin' }, { status: 403, statusText: 'Forbidden' });
    await expect(call).rejects.toBeInstanceOf(HttpErrorResponse);
    expect(session.loggedIn()).toBe(true);
  });

  it('does not end a new session for the 401 of a call sent with the previous token', async () => {
    session.start(issuedToken({ token: 'gAAAAABold' }));
    const stale = firstValueFrom(client.get('/v1/schedules'));
    session.start(issuedToken({ token: 'gAAAAABnew' }));
    http.expectOne('/v1/schedules').flush({}, { status: 401, statusText: 'Unauthorized' });
    await expect(stale).rejects.toBeInstanceOf(HttpErrorResponse);
    expect(session.token()).toBe('gAAAAABnew');
  });
});
