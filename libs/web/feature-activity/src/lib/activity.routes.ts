import { Routes } from '@angular/router';
import { internalRoutes } from '@peak/web/util';

export const activityRoutes: Routes = [
  {
    path: '',
    title: internalRoutes.activity.title,
    loadComponent: () => import('./activity-page/activity-page').then((m) => m.ActivityPage),
  },
];
