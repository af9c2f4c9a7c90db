/**
 * Every console route: its path segment, its page title and how to link to it. The app's lazy routes, the
 * feature routes and every `routerLink` read from here, so a path or a title changes in one place.
 */
export const internalRoutes = {
  schedules: {
    path: 'schedules',
    title: 'Schedules',
    icon: 'event_repeat',
    routerLink: ['/schedules'],
    subRoutes: {
      new: { path: 'new', title: 'New schedule', routerLink: ['/schedules', 'new'] },
      detail: { path: ':id', title: 'Schedule', link: (id: string) => ['/schedules', id] },
      edit: { path: ':id/edit', title: 'Edit schedule', link: (id: string) => ['/schedules', id, 'edit'] },
      run: { path: ':id/runs/:runId', title: 'Run', link: (id: string, runId: string) => ['/schedules', id, 'runs', runId] },
    },
  },
  catalog: {
    path: 'catalog',
    title: 'Catalog',
    icon: 'inventory_2',
    routerLink: ['/catalog'],
  },
  timeline: {
    path: 'timeline',
    title: 'Timeline',
    icon: 'view_timeline',
    routerLink: ['/timeline'],
  },
  activity: {
    path: 'activity',
    title: 'Activity',
    icon: 'history',
    routerLink: ['/activity'],
    /** The activity page filtered to one target (a schedule's id). */
    forTarget: (targetId: string) => ({ routerLink: ['/activity'], queryParams: { target: targetId } }),
  },
  webhooks: {
    path: 'webhooks',
    title: 'Webhooks',
    icon: 'webhook',
    routerLink: ['/webhooks'],
    subRoutes: {
      detail: { path: ':id', title: 'Webhook', link: (id: string) => ['/webhooks', id] },
    },
  },
  login: { path: 'login', title: 'Log in', routerLink: ['/login'] },
  notFound: { path: '**', title: 'Page not found' },
} as const;

/** The top-level pages shown in the side navigation, in order. */
export const navigationRoutes = [
  internalRoutes.schedules,
  internalRoutes.timeline,
  internalRoutes.catalog,
  internalRoutes.activity,
  internalRoutes.webhooks,
] as const;

export const PRODUCT_NAME = 'Peak Scheduler';
