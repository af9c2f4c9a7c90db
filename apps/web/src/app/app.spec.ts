import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, TitleStrategy } from '@angular/router';
import { SESSION_STORAGE_KEY } from '@peak/web/feature-auth';
import { PageTitleStrategy, PROJECT_SCOPE, WRITE_ACCESS } from '@peak/web/util';
import { App } from './app';
import { appConfig } from './app.config';
import { appRoutes } from './app.routes';

/**
 * A login kept in the tab, as the login page leaves it: an admin's, or a reader's who may not change schedules;
 * a cloud admin's only when asked.
 */
function loggedIn(write = true, cloudAdmin = false): void {
  sessionStorage.setItem(
    SESSION_STORAGE_KEY,
    JSON.stringify({
      token: 'gAAAAABtoken',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { id: 'u', name: 'admin' },
      project: { id: 'p', name: 'admin' },
      roles: write ? ['admin'] : ['reader'],
      methods: ['password'],
      permissions: { read: true, write, cloudAdmin },
    }),
  );
}

describe(App.name, () => {
  beforeEach(() => sessionStorage.clear());

  async function render(url: string) {
    TestBed.configureTestingModule({
      imports: [App],
      providers: [
        provideRouter(appRoutes),
        { provide: TitleStrategy, useClass: PageTitleStrategy },
        // Lazy pages may ask the API for data; nothing answers here, the shell is what is under test.
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    const fixture = TestBed.createComponent(App);
    await TestBed.inject(Router).navigateByUrl(url);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows the login page alone, without navigation, to a visitor who is not logged in', async () => {
    const sut = await render('/catalog');

    expect(TestBed.inject(Router).url).toBe('/login?returnUrl=%2Fcatalog');
    expect(sut.querySelector('peak-login-page')).not.toBeNull();
    expect(sut.querySelectorAll('mat-nav-list a')).toHaveLength(0);
    expect(sut.querySelector('peak-user-menu [role="group"]')).toBeNull();
    expect(document.title).toBe('Log in · Peak Scheduler');
  });

  it('renders the toolbar with who is logged in, and the side navigation', async () => {
    loggedIn();
    const sut = await render('/');

    expect(sut.querySelector('mat-toolbar')?.textContent).toContain('Peak Scheduler');
    expect(sut.querySelector('peak-user-menu [role="group"][aria-label^="Logged in"]')?.getAttribute('aria-label')).toBe(
      'Logged in as admin · admin',
    );
    const links = [...sut.querySelectorAll<HTMLAnchorElement>('mat-nav-list a')];
    expect(links.map((a) => [a.querySelector('[matListItemTitle]')?.textContent?.trim(), a.getAttribute('href')])).toEqual([
      ['Schedules', '/schedules'],
      ['Timeline', '/timeline'],
      ['Catalog', '/catalog'],
      ['Activity', '/activity'],
      ['Webhooks', '/webhooks'],
    ]);
  });

  it('redirects the root to the schedules page and marks it current', async () => {
    loggedIn();
    const sut = await render('/');

    expect(TestBed.inject(Router).url).toBe('/schedules');
    expect(sut.querySelector('[aria-current="page"]')?.getAttribute('href')).toBe('/schedules');
    expect(sut.querySelector('peak-schedule-list-page')).not.toBeNull();
    expect(document.title).toBe('Schedules · Peak Scheduler');
  });

  it('lazily loads the catalog page', async () => {
    loggedIn();
    const sut = await render('/catalog');

    expect(sut.querySelector('peak-catalog-page')).not.toBeNull();
    expect(sut.querySelector('[aria-current="page"]')?.getAttribute('href')).toBe('/catalog');
    expect(document.title).toBe('Catalog · Peak Scheduler');
  });

  it('shows a not-found page for unknown addresses', async () => {
    const sut = await render('/no/such/page');

    expect(sut.querySelector('app-not-found')?.textContent).toContain('Page not found');
  });
});

describe('appConfig', () => {
  beforeEach(() => sessionStorage.clear());

  /** The app's own providers; only the HTTP backend is the testing one (nothing answers). */
  async function navigate(url: string): Promise<string> {
    TestBed.configureTestingModule({ imports: [App], providers: [...appConfig.providers, provideHttpClientTesting()] });
    const fixture = TestBed.createComponent(App);
    const router = TestBed.inject(Router);
    await router.navigateByUrl(url);
    await fixture.whenStable();
    return router.url;
  }

  it('offers writes to a user whose roles allow them', async () => {
    loggedIn(true);
    expect(await navigate('/schedules/new')).toBe('/schedules/new');
    expect(TestBed.inject(WRITE_ACCESS)()).toBe(true);
  });

  it('keeps a reader off the new and edit pages (write access comes from the session)', async () => {
    loggedIn(false);
    expect(await navigate('/schedules/new')).toBe('/schedules');
    expect(TestBed.inject(WRITE_ACCESS)()).toBe(false);
    await TestBed.inject(Router).navigateByUrl('/schedules/s-1/edit');
    expect(TestBed.inject(Router).url).toBe('/schedules/s-1');
  });

  it('tells pages whether the user is a cloud admin, and their project (from the session)', async () => {
    loggedIn(true, true);
    await navigate('/schedules');
    expect(TestBed.inject(PROJECT_SCOPE)()).toEqual({ cloudAdmin: true, projectName: 'admin' });
  });

  it('tells pages a member is no cloud admin', async () => {
    loggedIn(false);
    await navigate('/schedules');
    expect(TestBed.inject(PROJECT_SCOPE)()).toEqual({ cloudAdmin: false, projectName: 'admin' });
  });
});
