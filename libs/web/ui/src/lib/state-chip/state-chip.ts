import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';

export type ChipTone = 'neutral' | 'info' | 'progress' | 'success' | 'warning' | 'error';

export interface StateLook {
  readonly label: string;
  readonly icon: string;
  readonly tone: ChipTone;
  /** What the state means, for the tooltip. */
  readonly hint: string;
}

/**
 * How each derived schedule or run state looks. Keyed by the API's values; a value the console does not
 * know yet (a newer API) still shows, neutrally, with its raw name.
 */
export const STATE_LOOKS: Readonly<Record<string, StateLook>> = {
  // Schedule states (derived by the API).
  disabled: { label: 'Disabled', icon: 'pause_circle', tone: 'neutral', hint: 'No VMs are created until it is enabled' },
  idle: { label: 'Idle', icon: 'schedule', tone: 'neutral', hint: 'Waiting for a later window, or none is left' },
  upcoming: { label: 'Upcoming', icon: 'alarm', tone: 'info', hint: 'The next window starts provisioning soon' },
  deleting: { label: 'Deleting', icon: 'delete_sweep', tone: 'progress', hint: 'Its VMs are being deleted, then the schedule goes' },
  // Run states (also the schedule's state while a run has VMs).
  pending: { label: 'Pending', icon: 'hourglass_empty', tone: 'info', hint: 'Waiting to start provisioning' },
  provisioning: { label: 'Provisioning', icon: 'sync', tone: 'progress', hint: 'Creating the window’s VMs' },
  active: { label: 'Active', icon: 'check_circle', tone: 'success', hint: 'Every VM of the window is ACTIVE' },
  degraded: { label: 'Degraded', icon: 'warning', tone: 'warning', hint: 'Below its VM count for a recorded reason (quota, cloud error…)' },
  'tearing-down': { label: 'Tearing down', icon: 'sync', tone: 'progress', hint: 'The window ended: its VMs are being deleted' },
  completed: { label: 'Completed', icon: 'task_alt', tone: 'neutral', hint: 'The window ended and its VMs are gone' },
  partial: { label: 'Partial', icon: 'rule', tone: 'warning', hint: 'The window ended with fewer VMs than it wanted' },
  failed: { label: 'Failed', icon: 'error', tone: 'error', hint: 'The window could not get its VMs' },
  stopped: { label: 'Stopped', icon: 'stop_circle', tone: 'neutral', hint: 'Someone ended the window early: its VMs were deleted' },
  missed: { label: 'Missed', icon: 'event_busy', tone: 'warning', hint: 'The window passed without the engine acting on it' },
};

function fallbackLook(state: string): StateLook {
  const label = state ? state.charAt(0).toUpperCase() + state.slice(1).replace(/[-_]/g, ' ') : 'Unknown';
  return { label, icon: 'help', tone: 'neutral', hint: label };
}

/**
 * A schedule's or run's state as a small coloured chip with an icon (colour is never the only signal). Another kind
 * of state (a webhook delivery's) brings its own `looks`.
 */
@Component({
  selector: 'peak-state-chip',
  imports: [MatIconModule, MatTooltipModule],
  template: `
    <span class="chip" [attr.data-tone]="look().tone" [matTooltip]="look().hint">
      <mat-icon class="icon" aria-hidden="true">{{ look().icon }}</mat-icon>
      <span class="label">{{ look().label }}</span>
    </span>
  `,
  styles: `
    :host {
      display: inline-flex;
      --tone-bg: var(--mat-sys-surface-container-high);
      --tone-fg: var(--mat-sys-on-surface-variant);
    }
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      height: 24px;
      padding: 0 10px 0 6px;
      border-radius: 12px;
      background: var(--tone-bg);
      color: var(--tone-fg);
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
    }
    .icon {
      width: 16px;
      height: 16px;
      font-size: 16px;
    }
    [data-tone='info'],
    [data-tone='progress'] {
      --tone-bg: var(--mat-sys-secondary-container);
      --tone-fg: var(--mat-sys-on-secondary-container);
    }
    [data-tone='success'] {
      --tone-bg: light-dark(#c8efcf, #1f4d2a);
      --tone-fg: light-dark(#0f3d1b, #b9f0c3);
    }
    [data-tone='warning'] {
      --tone-bg: light-dark(#ffe0b2, #5a3d00);
      --tone-fg: light-dark(#4a2c00, #ffddb0);
    }
    [data-tone='error'] {
      --tone-bg: var(--mat-sys-error-container);
      --tone-fg: var(--mat-sys-on-error-container);
    }
    [data-tone='progress'] .icon {
      animation: spin 1.6s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      [data-tone='progress'] .icon {
        animation: none;
      }
    }
  `,
  host: { '[attr.data-state]': 'state()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StateChip {
  readonly state = input.required<string>();
  readonly looks = input<Readonly<Record<string, StateLook>>>(STATE_LOOKS);
  protected readonly look = computed(() => this.looks()[this.state()] ?? fallbackLook(this.state()));
}
