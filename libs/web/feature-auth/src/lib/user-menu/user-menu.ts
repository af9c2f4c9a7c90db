import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { DisplayZone, DisplayZoneChoice } from '@peak/web/util';
import { AuthSession } from '../auth-session';

/**
 * The toolbar's account corner: the zone window times are shown in (the user's own or each schedule's), who is
 * logged in on which project (details on hover and focus), a read-only badge for users who may not change
 * schedules, and logout. Plain elements and the tooltip the shell already
 * loads: a menu panel would cost the console's first load more than it gives.
 */
@Component({
  selector: 'peak-user-menu',
  imports: [MatButtonModule, MatIconModule, MatTooltipModule],
  providers: [DatePipe],
  template: `
    @if (session.session(); as s) {
      <!-- Two pressed-or-not buttons rather than a button-toggle group: the shell's first load stays as it was. -->
      <span class="zones" role="group" aria-label="Times in">
        <button
          type="button"
          [matButton]="zone() === 'mine' ? 'tonal' : 'text'"
          [attr.aria-pressed]="zone() === 'mine'"
          [matTooltip]="'Show window times in your zone, ' + displayZone.browserZone"
          (click)="chooseZone('mine')"
        >
          My zone
        </button>
        <button
          type="button"
          [matButton]="zone() === 'schedule' ? 'tonal' : 'text'"
          [attr.aria-pressed]="zone() === 'schedule'"
          matTooltip="Show window times in each schedule's own zone"
          (click)="chooseZone('schedule')"
        >
          Schedule's zone
        </button>
      </span>
      <!-- On a phone the two buttons do not fit beside the account: one button that switches, its state pressed or not. -->
      <button
        class="zone-toggle"
        matIconButton
        type="button"
        aria-label="Times in my zone"
        [attr.aria-pressed]="zone() === 'mine'"
        [matTooltip]="zone() === 'mine' ? 'Times in your zone, ' + displayZone.browserZone : 'Times in each schedule’s zone'"
        (click)="chooseZone(zone() === 'mine' ? 'schedule' : 'mine')"
      >
        <mat-icon>{{ zone() === 'mine' ? 'person_pin_circle' : 'event' }}</mat-icon>
      </button>
      <span class="account" tabindex="0" role="group" [attr.aria-label]="'Logged in as ' + label()" [matTooltip]="details()">
        <mat-icon aria-hidden="true">account_circle</mat-icon>
        <span class="who">{{ label() }}</span>
        @if (!s.permissions.write) {
          <span class="badge">read only</span>
        }
      </span>
      <button matIconButton type="button" aria-label="Log out" matTooltip="Log out" (click)="logout()">
        <mat-icon>logout</mat-icon>
      </button>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      min-width: 0;
    }
    .zones {
      flex: none;
      display: inline-flex;
      gap: 2px;
    }
    .zone-toggle {
      display: none;
    }
    @media (max-width: 599.98px) {
      .zones {
        display: none;
      }
      .zone-toggle {
        display: inline-flex;
      }
    }
    .account {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      min-width: 0;
      max-width: 320px;
      padding: 0 8px;
      font: var(--mat-sys-label-large);
    }
    .account mat-icon {
      flex: none;
      width: 24px;
      height: 24px;
      font-size: 24px;
    }
    .who {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .badge {
      flex: none;
      padding: 0 8px;
      border-radius: 8px;
      font: var(--mat-sys-label-small);
      line-height: 20px;
      color: var(--mat-sys-on-secondary-container);
      background: var(--mat-sys-secondary-container);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserMenu {
  protected readonly session = inject(AuthSession);
  protected readonly displayZone = inject(DisplayZone);
  protected readonly zone = this.displayZone.choice;
  private readonly datePipe = inject(DatePipe);

  /** `user · project`, as OpenStack dashboards show it. */
  protected readonly label = computed(() => {
    const s = this.session.session();
    if (!s) return '';
    return s.project ? `${s.user.name} · ${s.project.name}` : s.user.name;
  });

  /** Everything else about the login, for the tooltip. */
  protected readonly details = computed(() => {
    const s = this.session.session();
    if (!s) return '';
    return [
      `User ${s.user.name}${s.user.domainName ? ` (${s.user.domainName})` : ''}`,
      s.project ? `Project ${s.project.name}` : 'No project',
      `Roles ${s.roles.join(', ') || 'none'}`,
      s.permissions.write ? 'May read and change schedules' : 'May read only',
      `Until ${this.datePipe.transform(s.expiresAt, 'short') ?? s.expiresAt}`,
    ].join(' · ');
  });

  protected chooseZone(choice: DisplayZoneChoice): void {
    this.displayZone.set(choice);
  }

  protected logout(): void {
    void this.session.logout();
  }
}
