import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';

/** A page's heading, an optional way back, and its main actions (projected) on the right. */
@Component({
  selector: 'peak-page-header',
  imports: [MatButtonModule, MatIconModule, RouterLink],
  template: `
    @if (backLink(); as link) {
      <a matIconButton [routerLink]="link" [attr.aria-label]="backLabel()">
        <mat-icon>arrow_back</mat-icon>
      </a>
    }
    <div class="titles">
      <h1 class="heading">{{ heading() }}</h1>
      @if (subheading(); as subheading) {
        <p class="subheading">{{ subheading }}</p>
      }
    </div>
    <div class="actions"><ng-content /></div>
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 8px;
      margin-bottom: 24px;
      flex-wrap: wrap;
    }
    .titles {
      flex: 1;
      min-width: 0;
    }
    .heading {
      margin: 0;
      font: var(--mat-sys-headline-small);
      overflow-wrap: anywhere;
    }
    .subheading {
      margin: 4px 0 0;
      color: var(--mat-sys-on-surface-variant);
    }
    .actions {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PageHeader {
  readonly heading = input.required<string>();
  readonly subheading = input<string>();
  readonly backLink = input<readonly unknown[] | string>();
  readonly backLabel = input('Back');
}
