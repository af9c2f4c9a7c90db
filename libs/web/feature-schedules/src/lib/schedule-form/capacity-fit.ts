import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import type { CapacityCheckDto } from '@peak/api-client';
import { formatInZone, offsetLabel } from '@peak/web/util';
import { CAPACITY_RESOURCE_TEXT } from '../shared/schedule-text';

/**
 * Whether the schedule being edited fits the project's quota beside its other enabled schedules, as the preview
 * answered: yes, no with each conflict (what, how much is needed and available, when, which schedules), or why the
 * check could not be made.
 */
@Component({
  selector: 'peak-capacity-fit',
  imports: [MatIconModule],
  template: `
    @let check = capacity();
    <div class="fit" [attr.data-fits]="check.fits" role="status">
      @if (check.fits === true) {
        <mat-icon aria-hidden="true" class="ok">check_circle</mat-icon>
        <span>Fits the project's quota until {{ format(check.horizonEnd) }}, beside its other enabled schedules.</span>
      } @else if (check.fits === false) {
        <mat-icon aria-hidden="true" class="over">warning</mat-icon>
        <span>Does not fit the project's quota:</span>
      } @else {
        <mat-icon aria-hidden="true">help</mat-icon>
        <span>The quota could not be checked: {{ check.reason ?? 'no reason given' }}</span>
      }
    </div>
    @if (check.fits === false) {
      <ul class="conflicts">
        @for (line of conflicts(); track $index) {
          <li>{{ line }}</li>
        }
      </ul>
    }
  `,
  styles: `
    :host {
      display: block;
      margin-top: 12px;
      font: var(--mat-sys-body-medium);
    }
    .fit {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .ok {
      color: var(--mat-sys-primary);
    }
    .over {
      color: var(--mat-sys-error);
    }
    .conflicts {
      margin: 4px 0 0;
      padding-inline-start: 32px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CapacityFit {
  readonly capacity = input.required<CapacityCheckDto>();
  /** The zone to show times in. */
  readonly timeZone = input.required<string>();

  protected format(instant: string): string {
    return `${formatInZone(instant, this.timeZone())} ${offsetLabel(instant, this.timeZone())}`;
  }

  protected readonly conflicts = computed(() =>
    this.capacity().conflicts.map((c) => {
      const { name, unit } = CAPACITY_RESOURCE_TEXT[c.resource];
      const schedules = c.schedules.map((s) => s.name).join(', ');
      return `${name}: ${c.needed}${unit} needed, ${c.available}${unit} available, from ${this.format(c.from)} to ${this.format(c.to)} (${schedules})`;
    }),
  );
}
