import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, computed } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideRouter, Router } from '@angular/router';
import { BROWSER_TIME_ZONE, CURRENT_USER_ID, DisplayZone, displayZoneStorageKey } from '@peak/web/util';
import { AuthSession } from '../auth-session';
import { authInterceptor } from '../auth.interceptor';
import { issuedToken } from '../testing';
import { UserMenu } from './user-menu';

@Component({ template: '' })
class Blank {}

describe(UserMenu.name, () => {
  let http: HttpTestingController;

  async function render() {
    sessionStorage.clear();
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', component: Blank }]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        { provide: BROWSER_TIME_ZONE, useValue: 'Asia/Tokyo' },
        {
          provide: CURRENT_USER_ID,
          useFactory: () => {
            const session = TestBed.inject(AuthSession);
            return computed(() => session.session()?.user.id ?? null);
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(UserMenu);
    await fixture.whenStable();
    return fixture;
  }

  afterEach(() => http.verify());

  it('shows nothing without a login', async () => {
    const fixture = await render();
    expect((fixture.nativeElement as HTMLElement).textContent?.trim()).toBe('');
  });

  it('shows who is logged in on which project, with the details on hover, and marks a reader read-only', async () => {
    const fixture = await render();
    TestBed.inject(AuthSession).start(
      issuedToken({
        user: { id: 'u', name: 'viewer', domainName: 'Default' },
        roles: ['reader'],
        permissions: { read: true, write: false, cloudAdmin: false },
      }),
    );
    await fixture.whenStable();
    const account = (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>('[role="group"][aria-label^="Logged in"]');
    expect(account?.getAttribute('aria-label')).toBe('Logged in as viewer · admin');
    expect(account?.textContent).toContain('read only');

    account?.dispatchEvent(new MouseEvent('mouseenter'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await fixture.whenStable();
    const tooltip = document.querySelector('.mat-mdc-tooltip')?.textContent ?? '';
    expect(tooltip).toContain('User viewer (Default) · Project admin · Roles reader · May read only · Until');
  });

  it('does not mark a user who may write', async () => {
    const fixture = await render();
    TestBed.inject(AuthSession).start(issuedToken());
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).not.toContain('read only');
  });

  it('logs out: revokes the token through the API and shows the login page', async () => {
    const fixture = await render();
    const session = TestBed.inject(AuthSession);
    session.start(issuedToken());
    await fixture.whenStable();
    (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button[aria-label="Log out"]')?.click();

    const req = http.expectOne('/v1/auth/tokens');
    expect(req.request.method).toBe('DELETE');
    expect(req.request.headers.get('X-Auth-Token')).toBe('gAAAAABtoken-admin');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await new Promise((resolve) => setTimeout(resolve));
    expect(session.loggedIn()).toBe(false);
    expect(TestBed.inject(Router).url).toBe('/login');
  });

  it('offers the zone times are shown in, the schedule’s by default, and keeps the user’s pick', async () => {
    const fixture = await render();
    TestBed.inject(AuthSession).start(issuedToken());
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const toggles = await loader.getAllHarnesses(MatButtonHarness.with({ ancestor: '[role="group"][aria-label="Times in"]' }));
    const pressed = () => Promise.all(toggles.map(async (t) => (await t.host()).getAttribute('aria-pressed')));
    expect(await Promise.all(toggles.map((t) => t.getText()))).toEqual(['My zone', "Schedule's zone"]);
    expect(await pressed()).toEqual(['false', 'true']);

    await toggles[0]?.click();
    expect(await pressed()).toEqual(['true', 'false']);
    expect(TestBed.inject(DisplayZone).zoneFor('Europe/Paris')).toBe('Asia/Tokyo');
    expect(localStorage.getItem(displayZoneStorageKey('u-admin'))).toBe('mine');
  });

  it('switches the zone with one pressed-or-not button too, the one a phone shows', async () => {
    const fixture = await render();
    TestBed.inject(AuthSession).start(issuedToken());
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const toggle = await loader.getHarness(MatButtonHarness.with({ selector: '.zone-toggle' }));
    const host = await toggle.host();
    expect(await host.getAttribute('aria-label')).toBe('Times in my zone');
    expect(await host.getAttribute('aria-pressed')).toBe('false');

    await toggle.click();
    expect(await host.getAttribute('aria-pressed')).toBe('true');
    expect(TestBed.inject(DisplayZone).zoneFor('Europe/Paris')).toBe('Asia/Tokyo');
    await toggle.click();
    expect(await host.getAttribute('aria-pressed')).toBe('false');
    expect(TestBed.inject(DisplayZone).zoneFor('Europe/Paris')).toBe('Europe/Paris');
  });
});
