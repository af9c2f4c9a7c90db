import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { internalRoutes, WRITE_ACCESS } from '@peak/web/util';

/**
 * The new and edit pages, for users who may change schedules. Anyone else (a link, a bookmark, a typed address)
 * lands on what they may see instead: the schedule's detail from its edit page, the list from the new page.
 */
export const writeAccessGuard: CanActivateFn = (route) => {
  if (inject(WRITE_ACCESS)()) return true;
  const { routerLink, subRoutes } = internalRoutes.schedules;
  const id = route.paramMap.get('id');
  return inject(Router).createUrlTree(id ? subRoutes.detail.link(id) : routerLink);
};
