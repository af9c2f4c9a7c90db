import { ChangeDetectionStrategy, Component, computed, input, signal, viewChild } from '@angular/core';
import { MatAutocompleteModule, MatAutocompleteSelectedEvent } from '@angular/material/autocomplete';
import { MatChipGrid, MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { FormFieldControl } from '../form-field-control/form-field-control';
import { SelectOption } from '../search-select/search-select';

/**
 * Several options chosen by searching (e.g. the networks of a VM, in order): chips for the chosen ones,
 * an input that searches the rest. A form control holding the chosen values in the order picked.
 */
@Component({
  selector: 'peak-chip-search-select',
  imports: [MatAutocompleteModule, MatChipsModule, MatFormFieldModule, MatIconModule],
  template: `
    <mat-form-field class="field">
      <mat-label>{{ label() }}</mat-label>
      <div class="chip-line">
        <mat-chip-grid #grid [disabled]="disabled()" [errorStateMatcher]="errorState" [attr.aria-label]="label()">
          @for (value of value(); track value) {
            <mat-chip-row (removed)="remove(value)">
              {{ labelOf(value) }}
              <button matChipRemove type="button" [attr.aria-label]="'Remove ' + labelOf(value)">
                <mat-icon>cancel</mat-icon>
              </button>
            </mat-chip-row>
          }
        </mat-chip-grid>
        <input
          #field
          autocomplete="off"
          [placeholder]="placeholder()"
          [value]="query()"
          [matChipInputFor]="grid"
          [matAutocomplete]="auto"
          [attr.aria-label]="label()"
          (input)="query.set(field.value)"
          (blur)="onTouched()"
        />
      </div>
      <mat-autocomplete #auto="matAutocomplete" autoActiveFirstOption (optionSelected)="add($event, field)">
        @for (option of shown(); track option.value) {
          <mat-option [value]="option.value" [disabled]="option.disabled">
            <span>{{ option.label }}</span>
            @if (option.hint) {
              <span class="hint">{{ option.hint }}</span>
            }
          </mat-option>
        } @empty {
          <mat-option disabled>{{ loading() ? 'Loading…' : 'No match' }}</mat-option>
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
    /* The input follows the chips rather than sitting inside their grid, whose rows must all be chips. */
    .chip-line {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px;
    }
    .chip-line input {
      flex: 1 0 120px;
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
export class ChipSearchSelect extends FormFieldControl<readonly string[]> {
  readonly label = input.required<string>();
  readonly options = input.required<readonly SelectOption[]>();
  readonly placeholder = input('Type to search');
  readonly hint = input<string>();
  readonly error = input<string | null>(null);
  readonly loading = input(false);

  /** See FormFieldControl: the chip grid has no form control of its own. */
  protected readonly errorStateHost = viewChild(MatChipGrid);
  protected readonly value = signal<readonly string[]>([]);
  protected readonly query = signal('');

  private readonly byValue = computed(() => new Map(this.options().map((o) => [o.value, o])));
  protected readonly shown = computed(() => {
    const chosen = new Set(this.value());
    const q = this.query().trim().toLowerCase();
    return this.options().filter(
      (o) => !chosen.has(o.value) && (!q || o.label.toLowerCase().includes(q) || !!o.hint?.toLowerCase().includes(q)),
    );
  });

  protected labelOf(value: string): string {
    return this.byValue().get(value)?.label ?? value;
  }

  protected add(event: MatAutocompleteSelectedEvent, field: HTMLInputElement): void {
    const value = event.option.value as string;
    event.option.deselect();
    field.value = '';
    this.query.set('');
    if (!this.value().includes(value)) this.update([...this.value(), value]);
  }

  protected remove(value: string): void {
    this.update(this.value().filter((v) => v !== value));
    this.onTouched();
  }

  private update(value: string[]): void {
    this.commit(value);
  }

  protected fromForm(value: readonly string[] | null): readonly string[] {
    return value ?? [];
  }
}
