import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';

/** VMs ACTIVE out of the desired count, as a bar and in words. */
@Component({
  selector: 'peak-vm-progress',
  imports: [MatProgressBarModule],
  template: `
    <mat-progress-bar mode="determinate" [value]="percent()" [attr.aria-label]="label()" />
    <span class="label">{{ label() }}</span>
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 12px;
    }
    mat-progress-bar {
      flex: 1;
      min-width: 80px;
    }
    .label {
      font: var(--mat-sys-label-large);
      white-space: nowrap;
      font-variant-numeric: tabular-nums;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmProgress {
  readonly active = input.required<number>();
  readonly desired = input.required<number>();
  protected readonly percent = computed(() => (this.desired() > 0 ? Math.min(100, Math.round((this.active() / this.desired()) * 100)) : 0));
  protected readonly label = computed(() => `${this.active()} / ${this.desired()} VMs active`);
}
