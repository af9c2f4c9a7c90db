import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, computed, inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideNativeDateAdapter } from '@angular/material/core';
import { MAT_FORM_FIELD_DEFAULT_OPTIONS, MatFormFieldDefaultOptions } from '@angular/material/form-field';
import { MatIconRegistry } from '@angular/material/icon';
import { provideRouter, TitleStrategy, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { AuthSession, authInterceptor } from '@peak/web/feature-auth';
import { CURRENT_USER_ID, PageTitleStrategy, PROJECT_SCOPE, WRITE_ACCESS } from '@peak/web/util';
import { appRoutes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(appRoutes, withComponentInputBinding(), withInMemoryScrolling({ scrollPositionRestoration: 'top' })),
    { provide: TitleStrategy, useClass: PageTitleStrategy },
    // Pages offer writes only to users the API lets write (it refuses the others with 403 anyway).
    { provide: WRITE_ACCESS, useFactory: () => inject(AuthSession).canWrite },
    // Cloud admins see every project's schedules (with a project column and filter); others see their project's.
    {
      provide: PROJECT_SCOPE,
      useFactory: () => {
        const session = inject(AuthSession);
        return computed(() => ({ cloudAdmin: session.cloudAdmin(), projectName: session.projectName() }));
      },
    },
    // Preferences (the zone times are shown in) are kept per user.
    {
      provide: CURRENT_USER_ID,
      useFactory: () => {
        const session = inject(AuthSession);
        return computed(() => session.session()?.user.id ?? null);
      },
    },
    // Every generated API service goes through this HttpClient, so the interceptor sets X-Auth-Token on every
    // API call and sends the user back to the login page when the API refuses the token.
    provideHttpClient(withInterceptors([authInterceptor])),
    provideNativeDateAdapter(),
    {
      provide: MAT_FORM_FIELD_DEFAULT_OPTIONS,
      useValue: { appearance: 'outline', subscriptSizing: 'dynamic' } satisfies MatFormFieldDefaultOptions,
    },
    // Icons come from the self-hosted Material Symbols font (styles.scss), not from a CDN.
    provideAppInitializer(() => {
      inject(MatIconRegistry).setDefaultFontSetClass('material-symbols-outlined');
    }),
    // A login kept across a reload is checked again (roles may have changed); the page does not wait for it.
    provideAppInitializer(() => {
      void inject(AuthSession).revalidate();
    }),
  ],
};
