import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import {
  NavigationCancel,
  NavigationEnd,
  NavigationError,
  NavigationStart,
  Router,
  RouterLink,
  RouterLinkActive,
  RouterOutlet,
} from '@angular/router';
import { AuthSession, UserMenu } from '@peak/web/feature-auth';
import { navigationRoutes, PRODUCT_NAME } from '@peak/web/util';
import { filter, map } from 'rxjs';

/** The console's frame: a toolbar, the side navigation and the routed page. */
@Component({
  selector: 'app-root',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatListModule,
    MatProgressBarModule,
    MatSidenavModule,
    MatToolbarModule,
    MatTooltipModule,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
    UserMenu,
  ],
  templateUrl: './app.html',
  styleUrl: './app.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly productName = PRODUCT_NAME;
  protected readonly navigation = navigationRoutes;
  /** Without a login there is nothing to navigate to: the login page stands alone. */
  protected readonly loggedIn = inject(AuthSession).loggedIn;

  /** Below this width the navigation overlays the page instead of taking a column. */
  protected readonly compact = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 839.98px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  private readonly menuToggled = signal<boolean | undefined>(undefined);
  protected readonly navOpened = computed(() => this.loggedIn() && (this.menuToggled() ?? !this.compact()));

  /** Feature pages load lazily; the bar shows that a click was taken while their code arrives. */
  protected readonly navigating = toSignal(
    inject(Router).events.pipe(
      filter(
        (e) => e instanceof NavigationStart || e instanceof NavigationEnd || e instanceof NavigationCancel || e instanceof NavigationError,
      ),
      map((e) => e instanceof NavigationStart),
    ),
    { initialValue: false },
  );

  protected toggleNav(): void {
    this.menuToggled.set(!this.navOpened());
  }

  protected navClosed(): void {
    this.menuToggled.set(false);
  }

  protected afterNavigate(): void {
    if (this.compact()) this.menuToggled.set(false);
  }
}
