import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { EmptyState } from '@peak/web/ui';
import { internalRoutes } from '@peak/web/util';

@Component({
  selector: 'app-not-found',
  imports: [EmptyState, MatButtonModule, RouterLink],
  template: `
    <peak-empty-state icon="explore_off" heading="Page not found" message="There is nothing at this address.">
      <a matButton="filled" [routerLink]="schedulesLink">Go to schedules</a>
    </peak-empty-state>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFound {
  protected readonly schedulesLink = internalRoutes.schedules.routerLink;
}
