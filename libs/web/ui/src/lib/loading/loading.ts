import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';

/** A centred spinner with a label that screen readers announce. */
@Component({
  selector: 'peak-loading',
  imports: [MatProgressSpinnerModule],
  template: `
    <mat-spinner diameter="40" [attr.aria-label]="label()" />
    <span class="label">{{ label() }}</span>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 12px;
      padding: 48px 16px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  host: { role: 'status', 'aria-live': 'polite' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Loading {
  readonly label = input('Loading…');
}
