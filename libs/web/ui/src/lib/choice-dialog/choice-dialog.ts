import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

export interface DialogChoice<T> {
  readonly label: string;
  /** What the dialog closes with when this choice is taken. */
  readonly value: T;
  /** `destructive` for a choice that deletes something; `primary` for the suggested one (focused first). */
  readonly tone?: 'primary' | 'destructive';
}

export interface ChoiceDialogData<T> {
  readonly title: string;
  /** One paragraph per entry: say what each choice does, including to anything running. */
  readonly paragraphs: readonly string[];
  /** The choices besides Cancel, in the order shown (Cancel comes first). */
  readonly choices: readonly DialogChoice<T>[];
}

/**
 * A question with several answers besides Cancel (e.g. "stop now" or "after this window"). It closes with the chosen
 * value, or `undefined` when cancelled. Open it with `MatDialog.open(ChoiceDialog, { data })`.
 */
@Component({
  selector: 'peak-choice-dialog',
  imports: [MatButtonModule, MatDialogModule],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      @for (paragraph of data.paragraphs; track $index) {
        <p>{{ paragraph }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button matButton type="button" [mat-dialog-close]="undefined">Cancel</button>
      @for (choice of data.choices; track $index) {
        @if (choice.tone === 'primary') {
          <button matButton="filled" type="button" cdkFocusInitial [mat-dialog-close]="choice.value">{{ choice.label }}</button>
        } @else {
          <button matButton="outlined" type="button" [class.destructive]="choice.tone === 'destructive'" [mat-dialog-close]="choice.value">
            {{ choice.label }}
          </button>
        }
      }
    </mat-dialog-actions>
  `,
  styles: `
    .destructive {
      --mat-button-outlined-label-text-color: var(--mat-sys-error);
      --mat-button-outlined-outline-color: var(--mat-sys-error);
    }
    mat-dialog-actions {
      flex-wrap: wrap;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChoiceDialog<T> {
  protected readonly data = inject<ChoiceDialogData<T>>(MAT_DIALOG_DATA);
}
