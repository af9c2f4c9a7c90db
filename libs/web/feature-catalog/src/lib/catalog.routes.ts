import { Routes } from '@angular/router';
import { internalRoutes } from '@peak/web/util';

export const catalogRoutes: Routes = [
  {
    path: '',
    title: internalRoutes.catalog.title,
    loadComponent: () => import('./catalog-page/catalog-page').then((m) => m.CatalogPage),
  },
];
