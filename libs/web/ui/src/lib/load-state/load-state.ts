import { NgTemplateOutlet } from '@angular/common';
import {
  booleanAttribute,
  ChangeDetectionStrategy,
  Component,
  computed,
  contentChild,
  Directive,
  inject,
  input,
  output,
  TemplateRef,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { EmptyState } from '../empty-state/empty-state';

/**
 * A read from the API as `peak-load-state` needs it: `LoadState` of `@peak/api-client` is one (this library does not
 * reach the API, so it names only what it shows).
 */
export type LoadStateLike =
  | { readonly status: 'loading'; readonly value?: unknown }
  | { readonly status: 'ok'; readonly value: unknown }
  | { readonly status: 'error'; readonly problem: { readonly message: string }; readonly value?: unknown };

/**
 * What `peak-load-state` shows once there is something to show: an `<ng-template peakLoaded>` in its content. A
 * template, so that nothing of it is made before the first answer arrives.
 */
@Directive({ selector: 'ng-template[peakLoaded]' })
export class LoadedContent {
  readonly template = inject<TemplateRef<unknown>>(TemplateRef);
}

/**
 * A read from the API around what it shows: a progress bar while it loads, why it failed with "Try again" (over the
 * last value when there is one, in its place when not), what to say when it answered with nothing (the content marked
 * `empty`), or the `peakLoaded` template.
 *
 * `noun` names what is read, as the messages use it: "Loading webhooks", "Could not refresh the webhooks: …",
 * "Webhooks could not be loaded". An `inline` one (a section of a card) says a first failure in a line, "The webhooks
 * could not be loaded: …", instead of as the whole card's empty state.
 */
@Component({
  selector: 'peak-load-state',
  imports: [EmptyState, MatButtonModule, MatProgressBarModule, NgTemplateOutlet],
  template: `
    @let load = state();
    @if (load.status === 'loading') {
      <mat-progress-bar mode="indeterminate" [attr.aria-label]="'Loading ' + noun()" />
    }
    @if (load.status === 'error') {
      @if (load.value !== undefined) {
        <p class="load-error" role="alert">
          <span>Could not refresh the {{ noun() }}: {{ load.problem.message }}</span>
          <button matButton type="button" class="retry" (click)="retry.emit()">Try again</button>
        </p>
      } @else if (inline()) {
        <p class="load-error" role="alert">
          <span>The {{ noun() }} could not be loaded: {{ load.problem.message }}</span>
          <button matButton type="button" class="retry" (click)="retry.emit()">Try again</button>
        </p>
      } @else {
        <peak-empty-state icon="cloud_off" [heading]="failedHeading()" [message]="load.problem.message">
          <button matButton type="button" class="retry" (click)="retry.emit()">Try again</button>
        </peak-empty-state>
      }
    }
    @if (load.value !== undefined) {
      @if (empty()) {
        <ng-content select="[empty]" />
      } @else if (loaded(); as content) {
        <ng-container [ngTemplateOutlet]="content.template" />
      }
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .load-error {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin: 0;
      padding: 4px 16px;
      color: var(--mat-sys-error);
    }
    :host(.inline) .load-error {
      margin: 0 0 12px;
      padding: 0;
    }
  `,
  host: { '[class.inline]': 'inline()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadStateView {
  readonly state = input.required<LoadStateLike>();
  /** What is read, in the plural or as a mass noun: `webhooks`, `activity`. */
  readonly noun = input.required<string>();
  /** The answer has nothing to show: the content marked `empty` is shown instead of the `peakLoaded` template. */
  readonly empty = input(false, { transform: booleanAttribute });
  /** A section of a card: a first failure is said in a line rather than as an empty state. */
  readonly inline = input(false, { transform: booleanAttribute });
  /** "Try again" after a failure. */
  readonly retry = output<void>();

  protected readonly loaded = contentChild(LoadedContent);
  protected readonly failedHeading = computed(() => {
    const noun = this.noun();
    return `${noun.charAt(0).toUpperCase()}${noun.slice(1)} could not be loaded`;
  });
}
