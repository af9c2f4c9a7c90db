import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter, Router } from '@angular/router';
import { AuthSession } from './auth-session';
import { authGuard, guestGuard, safeReturnUrl } from './auth.guards';
import { issuedToken } from './testing';

@Component({ template: '' })
class Blank {}

describe('auth guards', () => {
  let router: Router;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'login', canActivate: [guestGuard], component: Blank },
          { path: 'schedules', canActivate: [authGuard], children: [{ path: '**', component: Blank }] },
        ]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    router = TestBed.inject(Router);
  });

  it('sends a visitor without a login to the login page, remembering where they were going', async () => {
    await router.navigateByUrl('/schedules/42?tab=runs');
    expect(router.url).toBe('/login?returnUrl=%2Fschedules%2F42%3Ftab%3Druns');
  });

  it('lets a logged-in user in, and past the login page to where they were going', async () => {
    TestBed.inject(AuthSession).start(issuedToken());
    await router.navigateByUrl('/schedules/42');
    expect(router.url).toBe('/schedules/42');
    await router.navigateByUrl('/login?returnUrl=%2Fschedules%2F7');
    expect(router.url).toBe('/schedules/7');
  });

  it.each([
    ['/schedules/42', '/schedules/42'],
    ['/catalog?x=1', '/catalog?x=1'],
    [undefined, '/schedules'],
    ['', '/schedules'],
    ['https://evil.example/phish', '/schedules'],
    ['//evil.example/phish', '/schedules'],
    ['/\\evil.example', '/schedules'],
    ['javascript:alert(1)', '/schedules'],
    ['/login?returnUrl=/login', '/schedules'],
  ])('returns only to console paths: %p -> %p', (candidate, expected) => {
    expect(safeReturnUrl(candidate)).toBe(expected);
  });
});
