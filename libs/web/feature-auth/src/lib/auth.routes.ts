import { Routes } from '@angular/router';
import { internalRoutes } from '@peak/web/util';
import { guestGuard } from './auth.guards';

export const authRoutes: Routes = [
  {
    path: '',
    title: internalRoutes.login.title,
    canActivate: [guestGuard],
    loadComponent: () => import('./login-page/login-page').then((m) => m.LoginPage),
  },
];
