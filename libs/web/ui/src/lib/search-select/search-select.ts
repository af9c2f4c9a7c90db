import { ChangeDetectionStrategy, Component, computed, input, signal, viewChild } from '@angular/core';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInput, MatInputModule } from '@angular/material/input';
import { FormFieldControl } from '../form-field-control/form-field-control';

export interface SelectOption {
  /** What the form control holds, e.g. an image id. */
  readonly value: string;
  /** What people search and read, e.g. the image name. */
  readonly label: string;
  /** A second line, e.g. a flavor's size; searched too. */
  readonly hint?: string;
  readonly disabled?: boolean;
}

/**
 * A select whose options can be searched by typing (images, flavors, networks, 400+ time zones). It is a
 * form control holding the chosen option's `value`; typed text that matches no option is never a value.
 * Errors are the parent's to word (`error` input), shown once the control is touched and invalid.
 */
@Component({
  selector: 'peak-search-select',
  imports: [MatAutocompleteModule, MatFormFieldModule, MatInputModule],
  template: `
    <mat-form-field class="field">
      <mat-label>{{ label() }}</mat-label>
      <input
        #field
        matInput
        type="text"
        autocomplete="off"
        [value]="text()"
        [placeholder]="placeholder()"
        [disabled]="disabled()"
        [matAutocomplete]="auto"
        [errorStateMatcher]="errorState"
        (input)="typed.set(field.value)"
        (blur)="settle()"
      />
      <mat-autocomplete
        #auto="matAutocomplete"
        autoActiveFirstOption
        [displayWith]="labelOf"
        (optionSelected)="choose($event.option.value)"
      >
        @for (option of shown(); track option.value) {
          <mat-option [value]="option.value" [disabled]="option.disabled">
            <span class="label">{{ option.label }}</span>
            @if (option.hint) {
              <span class="hint">{{ option.hint }}</span>
            }
          </mat-option>
        } @empty {
          <mat-option disabled>{{ loading() ? 'Loading…' : 'No match' }}</mat-option>
        }
        @if (hiddenCount() > 0) {
          <mat-option disabled>{{ hiddenCount() }} more: type to narrow down</mat-option>
        }
      </mat-autocomplete>
      @if (hint(); as hint) {
        <mat-hint>{{ hint }}</mat-hint>
      }
      <mat-error>{{ error() }}</mat-error>
    </mat-form-field>
  `,
  styles: `
    :host {
      display: block;
    }
    .field {
      width: 100%;
    }
    .hint {
      margin-left: 8px;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchSelect extends FormFieldControl<string | null> {
  readonly label = input.required<string>();
  readonly options = input.required<readonly SelectOption[]>();
  readonly placeholder = input('Type to search');
  readonly hint = input<string>();
  /** The message under the field while the control is invalid and touched. */
  readonly error = input<string | null>(null);
  readonly loading = input(false);
  /** Long lists show this many matches at most; typing narrows them. */
  readonly maxShown = input(100);

  /** What the person is typing; null when the field just shows the chosen option. */
  protected readonly typed = signal<string | null>(null);

  private readonly byValue = computed(() => new Map(this.options().map((o) => [o.value, o])));
  protected readonly text = computed(() => this.typed() ?? this.labelOf(this.value()));
  private readonly matches = computed(() => {
    const query = (this.typed() ?? '').trim().toLowerCase();
    const options = this.options();
    return query ? options.filter((o) => o.label.toLowerCase().includes(query) || !!o.hint?.toLowerCase().includes(query)) : options;
  });
  protected readonly shown = computed(() => this.matches().slice(0, this.maxShown()));
  protected readonly hiddenCount = computed(() => this.matches().length - this.shown().length);

  /** See FormFieldControl: the inner input has no form control of its own. */
  protected readonly errorStateHost = viewChild(MatInput);
  protected readonly value = signal<string | null>(null);

  /** Arrow function: the autocomplete calls it unbound. */
  protected readonly labelOf = (value: string | null): string => (value === null ? '' : (this.byValue().get(value)?.label ?? value));

  protected choose(value: string): void {
    this.typed.set(null);
    this.set(value);
  }

  /** Leaving the field: an exact label match counts as a choice, an empty field clears it, anything else reverts. */
  protected settle(): void {
    const typed = this.typed();
    if (typed !== null) {
      const query = typed.trim().toLowerCase();
      if (query === '') {
        this.set(null);
      } else {
        const exact = this.options().find((o) => !o.disabled && o.label.toLowerCase() === query);
        if (exact) this.set(exact.value);
      }
      this.typed.set(null);
    }
    this.onTouched();
  }

  private set(value: string | null): void {
    if (value !== this.value()) this.commit(value);
  }

  protected fromForm(value: string | null): string | null {
    // A value written by the form replaces whatever was being typed.
    this.typed.set(null);
    return value ?? null;
  }
}
