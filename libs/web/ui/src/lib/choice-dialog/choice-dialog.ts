import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { map, Observable } from 'rxjs';

export interface DialogChoice<T> {
  readonly label: string;
  /** What the dialog closes with when this choice is taken. */
  readonly value: T;
  /** The suggested choice: filled, and focused when the dialog opens. */
  readonly primary?: boolean;
  /** A choice that deletes or loses something: in the error colour. */
  readonly destructive?: boolean;
}

export interface ChoiceDialogData<T> {
  readonly title: string;
  /** One paragraph per entry: say what each choice does, including to anything running. */
  readonly paragraphs: readonly string[];
  /** The choices besides Cancel, in the order shown (Cancel comes first). */
  readonly choices: readonly DialogChoice<T>[];
}

/**
 * A question with one or more answers besides Cancel (e.g. "stop now" or "after this window"). It closes with the
 * chosen value, or `undefined` when cancelled. Open it with `MatDialog.open(ChoiceDialog, { data })`, or `askToConfirm`
 * for a yes/no question.
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
        @if (choice.primary) {
          <button
            matButton="filled"
            type="button"
            cdkFocusInitial
            [class.destructive]="choice.destructive"
            [mat-dialog-close]="choice.value"
          >
            {{ choice.label }}
          </button>
        } @else {
          <button matButton="outlined" type="button" [class.destructive]="choice.destructive" [mat-dialog-close]="choice.value">
            {{ choice.label }}
          </button>
        }
      }
    </mat-dialog-actions>
  `,
  styles: `
    .destructive {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
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

export interface ConfirmDialogData {
  readonly title: string;
  /** One paragraph per entry: say what will happen, including to anything running. */
  readonly paragraphs: readonly string[];
  readonly confirmLabel: string;
  /** Styles the confirm button as a destructive action. */
  readonly destructive?: boolean;
}

/** A yes/no question (Cancel or `confirmLabel`, the latter focused): emits once, true when confirmed. */
export function askToConfirm(dialog: MatDialog, data: ConfirmDialogData, width?: string): Observable<boolean> {
  const choices: DialogChoice<true>[] = [{ label: data.confirmLabel, value: true, primary: true, destructive: data.destructive }];
  return dialog
    .open<ChoiceDialog<true>, ChoiceDialogData<true>, true>(ChoiceDialog, {
      data: { title: data.title, paragraphs: data.paragraphs, choices },
      width,
    })
    .afterClosed()
    .pipe(map((answer) => answer === true));
}
