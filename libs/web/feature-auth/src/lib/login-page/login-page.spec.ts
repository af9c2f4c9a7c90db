import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { schemaLimits } from '@peak/api-client';
import { AuthSession } from '../auth-session';
import { authInterceptor } from '../auth.interceptor';
import { issuedToken } from '../testing';
import { LoginPage } from './login-page';

@Component({ template: '' })
class Blank {}

describe(LoginPage.name, () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<LoginPage>;
  let root: HTMLElement;

  async function render(returnUrl?: string) {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', component: Blank }]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(LoginPage);
    if (returnUrl !== undefined) fixture.componentRef.setInput('returnUrl', returnUrl);
    root = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  function type(label: string, value: string): void {
    const field = [...root.querySelectorAll('mat-form-field')].find((f) => f.querySelector('mat-label')?.textContent?.trim() === label);
    const input = field?.querySelector('input');
    if (!input) throw new Error(`no field ${label}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  async function submit(): Promise<void> {
    root.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
    await fixture.whenStable();
  }

  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  afterEach(() => http.verify());

  it('puts the cursor in the user name', async () => {
    await render();

    expect(document.activeElement).toBe(root.querySelector('input[formcontrolname="username"]'));
  });

  it('sends the credentials to the API, starts the session and goes back where the user was headed', async () => {
    await render('/schedules/42');
    type('User name', ' admin ');
    type('Password', 'secret');
    type('Project', 'admin');
    await submit();

    const req = http.expectOne('/v1/auth/tokens');
    expect(req.request.method).toBe('POST');
    expect(req.request.headers.has('X-Auth-Token')).toBe(false);
    expect(req.request.body).toEqual({ username: 'admin', password: 'secret', userDomainName: 'Default', projectName: 'admin' });
    req.flush(issuedToken());
    await settle();

    expect(TestBed.inject(AuthSession).session()?.user.name).toBe('admin');
    expect(TestBed.inject(Router).url).toBe('/schedules/42');
    // The password does not stay in the form once it has been sent.
    expect(root.querySelector<HTMLInputElement>('input[type="password"]')?.value).toBe('');
  });

  it('sends the domains when given, and goes to the schedules when there is nowhere safe to return to', async () => {
    await render('https://evil.example/');
    type('User name', 'alice');
    type('Password', 'pw');
    type('User domain', 'Corp');
    type('Project domain', 'Projects');
    await submit();
    http.expectOne('/v1/auth/tokens').flush(issuedToken());
    await settle();
    expect(TestBed.inject(Router).url).toBe('/schedules');
  });

  it('says wrong credentials plainly, and empties the password', async () => {
    await render();
    type('User name', 'admin');
    type('Password', 'wrong');
    await submit();
    http
      .expectOne('/v1/auth/tokens')
      .flush(
        { statusCode: 401, error: 'Unauthorized', message: 'Keystone refused these credentials' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await settle();

    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Wrong user name or password');
    expect(root.querySelector<HTMLInputElement>('input[type="password"]')?.value).toBe('');
    expect(TestBed.inject(AuthSession).loggedIn()).toBe(false);
  });

  it.each([
    [403, 'Reading needs one of the roles admin; this token has reader on project admin'],
    [429, 'Too many login attempts from this address: try again in 42 s'],
  ])("shows the API's reason for a %i", async (status, message) => {
    await render();
    type('User name', 'viewer');
    type('Password', 'secret');
    await submit();
    http.expectOne('/v1/auth/tokens').flush({ statusCode: status, message }, { status, statusText: 'Refused' });
    await settle();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain(message);
  });

  it('asks for the required fields without calling the API', async () => {
    await render();
    await submit();
    http.expectNone('/v1/auth/tokens');
    expect([...root.querySelectorAll('mat-error')].map((e) => e.textContent?.trim())).toEqual(['Required', 'Required']);
  });

  it('refuses a user name longer than the API accepts, without calling the API', async () => {
    await render();
    type('User name', 'u'.repeat(schemaLimits.LoginDto.username.maxLength + 1));
    type('Password', 'secret');
    await submit();
    http.expectNone('/v1/auth/tokens');
  });

  it('says why the previous session ended', async () => {
    await render();
    TestBed.inject(AuthSession).start(issuedToken());
    TestBed.inject(AuthSession).end('expired');
    await settle();
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Your session expired');
  });
});
