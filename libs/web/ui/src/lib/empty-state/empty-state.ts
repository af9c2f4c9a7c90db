import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

/** What a page shows when it has nothing to list yet; actions (e.g. "Create") go in its content. */
@Component({
  selector: 'peak-empty-state',
  imports: [MatIconModule],
  template: `
    <mat-icon class="icon" aria-hidden="true">{{ icon() }}</mat-icon>
    <h2 class="heading">{{ heading() }}</h2>
    @if (message(); as message) {
      <p class="message">{{ message }}</p>
    }
    <div class="actions"><ng-content /></div>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 8px;
      padding: 48px 16px;
      text-align: center;
      color: var(--mat-sys-on-surface-variant);
    }
    .icon {
      width: 48px;
      height: 48px;
      font-size: 48px;
      color: var(--mat-sys-outline);
    }
    .heading {
      margin: 8px 0 0;
      font: var(--mat-sys-title-large);
      color: var(--mat-sys-on-surface);
    }
    .message {
      margin: 0;
      max-width: 48ch;
    }
    .actions:not(:empty) {
      margin-top: 16px;
    }
  `,
  host: { role: 'status' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmptyState {
  readonly icon = input('inbox');
  readonly heading = input.required<string>();
  readonly message = input<string>();
}
