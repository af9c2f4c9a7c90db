import { Routes } from '@angular/router';
import { internalRoutes } from '@peak/web/util';

export const timelineRoutes: Routes = [
  {
    path: '',
    title: internalRoutes.timeline.title,
    loadComponent: () => import('./timeline-page/timeline-page').then((m) => m.TimelinePage),
  },
];
