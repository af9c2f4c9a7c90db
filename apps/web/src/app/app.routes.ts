import { Route } from '@angular/router';
import { authGuard, authRoutes } from '@peak/web/feature-auth';
import { internalRoutes } from '@peak/web/util';

/**
 * Each feature is its own lazily loaded chunk; paths and titles come from `internalRoutes`. Every page but the
 * login needs a login (the API would refuse its calls anyway; the guard saves a round of 401s).
 */
export const appRoutes: Route[] = [
  { path: '', pathMatch: 'full', redirectTo: internalRoutes.schedules.path },
  // The auth library is in the main bundle anyway (interceptor, guard, toolbar); its page still loads lazily.
  { path: internalRoutes.login.path, children: authRoutes },
  {
    path: internalRoutes.schedules.path,
    canActivate: [authGuard],
    loadChildren: () => import('@peak/web/feature-schedules').then((m) => m.scheduleRoutes),
  },
  {
    path: internalRoutes.timeline.path,
    canActivate: [authGuard],
    loadChildren: () => import('@peak/web/feature-timeline').then((m) => m.timelineRoutes),
  },
  {
    path: internalRoutes.catalog.path,
    canActivate: [authGuard],
    loadChildren: () => import('@peak/web/feature-catalog').then((m) => m.catalogRoutes),
  },
  {
    path: internalRoutes.activity.path,
    canActivate: [authGuard],
    loadChildren: () => import('@peak/web/feature-activity').then((m) => m.activityRoutes),
  },
  {
    path: internalRoutes.webhooks.path,
    canActivate: [authGuard],
    loadChildren: () => import('@peak/web/feature-webhooks').then((m) => m.webhookRoutes),
  },
  {
    path: internalRoutes.notFound.path,
    title: internalRoutes.notFound.title,
    loadComponent: () => import('./not-found').then((m) => m.NotFound),
  },
];
