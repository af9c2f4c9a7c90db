import { Routes } from '@angular/router';
import { internalRoutes } from '@peak/web/util';

const pages = internalRoutes.webhooks.subRoutes;

export const webhookRoutes: Routes = [
  {
    path: '',
    title: internalRoutes.webhooks.title,
    loadComponent: () => import('./webhook-list/webhook-list-page').then((m) => m.WebhookListPage),
  },
  {
    path: pages.detail.path,
    title: pages.detail.title,
    loadComponent: () => import('./webhook-detail/webhook-detail-page').then((m) => m.WebhookDetailPage),
  },
];
