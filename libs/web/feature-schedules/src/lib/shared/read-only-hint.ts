import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

/** A quiet line for users who may look but not change: why the pages offer no way to create or edit. */
@Component({
  selector: 'peak-read-only-hint',
  imports: [MatIconModule],
  template: `
    <mat-icon aria-hidden="true">visibility</mat-icon>
    <span>Read-only: your role can view schedules but not change them.</span>
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 8px;
      margin: -12px 0 16px;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-medium);
    }
    mat-icon {
      flex: none;
      width: 18px;
      height: 18px;
      font-size: 18px;
    }
  `,
  host: { role: 'note' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReadOnlyHint {}
