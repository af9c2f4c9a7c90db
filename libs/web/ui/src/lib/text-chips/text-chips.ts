import { ChangeDetectionStrategy, Component, input, signal, viewChild } from '@angular/core';
import { COMMA, ENTER } from '@angular/cdk/keycodes';
import { MatChipGrid, MatChipInputEvent, MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { FormFieldControl } from '../form-field-control/form-field-control';

/**
 * Free-text values typed one by one (e.g. a VM's tags), each ended by Enter or a comma, shown as removable chips in
 * the order added. A form control holding the values; a value already there is not added twice.
 */
@Component({
  selector: 'peak-text-chips',
  imports: [MatChipsModule, MatFormFieldModule, MatIconModule],
  template: `
    <mat-form-field class="field">
      <mat-label>{{ label() }}</mat-label>
      <div class="chip-line">
        <mat-chip-grid #grid [disabled]="disabled()" [errorStateMatcher]="errorState" [attr.aria-label]="label()">
          @for (item of value(); track item) {
            <mat-chip-row (removed)="remove(item)">
              {{ item }}
              <button matChipRemove type="button" [attr.aria-label]="'Remove ' + item">
                <mat-icon>cancel</mat-icon>
              </button>
            </mat-chip-row>
          }
        </mat-chip-grid>
        <input
          autocomplete="off"
          [placeholder]="placeholder()"
          [matChipInputFor]="grid"
          [matChipInputSeparatorKeyCodes]="separators"
          [matChipInputAddOnBlur]="true"
          [attr.aria-label]="'Add ' + label().toLowerCase()"
          (matChipInputTokenEnd)="add($event)"
          (blur)="onTouched()"
        />
      </div>
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
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TextChips extends FormFieldControl<readonly string[]> {
  readonly label = input.required<string>();
  readonly placeholder = input('Type, then Enter');
  readonly hint = input<string>();
  readonly error = input<string | null>(null);

  protected readonly errorStateHost = viewChild(MatChipGrid);
  protected readonly value = signal<readonly string[]>([]);
  protected readonly separators = [ENTER, COMMA] as const;

  protected add(event: MatChipInputEvent): void {
    const text = event.value.trim();
    event.chipInput.clear();
    if (text && !this.value().includes(text)) this.commit([...this.value(), text]);
  }

  protected remove(item: string): void {
    this.commit(this.value().filter((v) => v !== item));
    this.onTouched();
  }

  protected fromForm(value: readonly string[] | null): readonly string[] {
    return value ?? [];
  }
}
