import { Routes } from '@angular/router';
import { internalRoutes } from '@peak/web/util';
import { unsavedChangesGuard } from './schedule-form/unsaved-changes.guard';
import { CatalogNames } from './shared/catalog-names';
import { ScheduleDeleter } from './shared/schedule-deleter';
import { ScheduleSwitcher } from './shared/schedule-switcher';
import { writeAccessGuard } from './shared/write-access.guard';

const { subRoutes } = internalRoutes.schedules;

export const scheduleRoutes: Routes = [
  {
    path: '',
    // One catalog load per visit of the schedules pages, shared by the list, the form and the detail.
    providers: [CatalogNames, ScheduleDeleter, ScheduleSwitcher],
    children: [
      {
        path: '',
        title: internalRoutes.schedules.title,
        loadComponent: () => import('./schedule-list/schedule-list-page').then((m) => m.ScheduleListPage),
      },
      {
        path: subRoutes.new.path,
        title: subRoutes.new.title,
        canActivate: [writeAccessGuard],
        canDeactivate: [unsavedChangesGuard],
        loadComponent: () => import('./schedule-form/schedule-form-page').then((m) => m.ScheduleFormPage),
      },
      {
        path: subRoutes.edit.path,
        title: subRoutes.edit.title,
        canActivate: [writeAccessGuard],
        canDeactivate: [unsavedChangesGuard],
        loadComponent: () => import('./schedule-form/schedule-form-page').then((m) => m.ScheduleFormPage),
      },
      {
        path: subRoutes.run.path,
        title: subRoutes.run.title,
        loadComponent: () => import('./run-detail/run-detail-page').then((m) => m.RunDetailPage),
      },
      {
        path: subRoutes.detail.path,
        title: subRoutes.detail.title,
        loadComponent: () => import('./schedule-detail/schedule-detail-page').then((m) => m.ScheduleDetailPage),
      },
    ],
  },
];
