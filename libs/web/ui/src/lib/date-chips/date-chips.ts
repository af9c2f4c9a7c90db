import { ChangeDetectionStrategy, Component, input, signal, viewChild } from '@angular/core';
import { MatChipGrid, MatChipInputEvent, MatChipsModule } from '@angular/material/chips';
import { MatDatepickerInput, MatDatepickerInputEvent, MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { localDateString } from '@peak/web/util';
import { FormFieldControl } from '../form-field-control/form-field-control';

/**
 * A set of calendar dates (`YYYY-MM-DD`, sorted), picked one by one from a date picker or typed (added on Enter
 * or when leaving the field), shown as removable chips. Used for a schedule's excluded dates (holidays).
 */
@Component({
  selector: 'peak-date-chips',
  imports: [MatChipsModule, MatDatepickerModule, MatFormFieldModule, MatIconModule, MatInputModule],
  template: `
    <mat-form-field class="field">
      <mat-label>{{ label() }}</mat-label>
      <div class="chip-line">
        <mat-chip-grid #grid [disabled]="disabled()" [errorStateMatcher]="errorState" [attr.aria-label]="label()">
          @for (date of value(); track date) {
            <mat-chip-row (removed)="remove(date)">
              {{ date }}
              <button matChipRemove type="button" [attr.aria-label]="'Remove ' + date">
                <mat-icon>cancel</mat-icon>
              </button>
            </mat-chip-row>
          }
        </mat-chip-grid>
        <input
          #field
          placeholder="Add a date"
          [matDatepicker]="picker"
          [matChipInputFor]="grid"
          [attr.aria-label]="'Add ' + label().toLowerCase()"
          (dateChange)="add($event, field)"
          (matChipInputTokenEnd)="addTyped($event)"
          (blur)="onTouched()"
        />
      </div>
      <mat-datepicker-toggle matIconSuffix [for]="picker" />
      <mat-datepicker #picker />
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
export class DateChips extends FormFieldControl<readonly string[]> {
  readonly label = input('Dates');
  readonly hint = input<string>();
  readonly error = input<string | null>(null);

  protected readonly errorStateHost = viewChild(MatChipGrid);
  protected readonly value = signal<readonly string[]>([]);
  private readonly dateInput = viewChild.required(MatDatepickerInput<Date>);

  protected add(event: MatDatepickerInputEvent<Date>, field: HTMLInputElement): void {
    const picked = event.value;
    field.value = '';
    if (!picked) return;
    this.addDate(picked);
  }

  /** Enter in the field: the typed date is added and the text cleared; text that is no date stays to be corrected. */
  protected addTyped(event: MatChipInputEvent): void {
    const typed = this.dateInput().value;
    if (!event.value.trim() || !typed || Number.isNaN(typed.getTime())) return;
    this.addDate(typed);
    this.dateInput().value = null;
    event.chipInput.clear();
  }

  private addDate(picked: Date): void {
    const date = localDateString(picked);
    if (!this.value().includes(date)) this.update([...this.value(), date].sort());
  }

  protected remove(date: string): void {
    this.update(this.value().filter((d) => d !== date));
    this.onTouched();
  }

  private update(value: string[]): void {
    this.commit(value);
  }

  protected fromForm(value: readonly string[] | null): readonly string[] {
    return [...(value ?? [])].sort();
  }
}
