import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { RunErrorDto } from '@peak/api-client';

/**
 * What held a run back: its shortfall (why it has fewer VMs than it wants) and the cloud's last error with its
 * request id, and the time of that error when the page gives it. Shared by the schedule page and the run page.
 */
@Component({
  selector: 'peak-run-problems',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (shortfall(); as short) {
      <p class="shortfall-line" role="status">
        <mat-icon aria-hidden="true">warning</mat-icon>
        {{ short }}
      </p>
    }
    @if (error(); as e) {
      <p class="error-line" role="alert">
        <mat-icon aria-hidden="true">error</mat-icon>
        <span>
          {{ e.message }}
          @if (e.requestId) {
            <span class="request-id">({{ e.requestId }})</span>
          }
          @if (errorTime(); as when) {
            <span class="when">{{ when }}</span>
          }
        </span>
      </p>
    }
  `,
  styles: `
    :host {
      display: contents;
    }

    .error-line,
    .shortfall-line {
      display: flex;
      align-items: center;
      gap: 8px;
    }

    .error-line {
      color: var(--mat-sys-error);
    }

    .shortfall-line {
      font: var(--mat-sys-title-small);
    }

    .request-id {
      color: var(--mat-sys-on-surface-variant);
      font-family: ui-monospace, monospace;
    }

    .when {
      display: block;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
  `,
})
export class RunProblems {
  readonly shortfall = input<string | null>(null);
  readonly error = input<RunErrorDto | null>(null);
  /** The error's time, formatted by the page (in the zone it shows). */
  readonly errorTime = input<string | null>(null);
}
