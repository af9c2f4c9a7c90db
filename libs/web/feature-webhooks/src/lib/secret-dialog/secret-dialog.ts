import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { Observable } from 'rxjs';

export interface SecretDialogData {
  readonly title: string;
  /** The webhook's address, to say which one the secret signs for. */
  readonly url: string;
  readonly secret: string;
}

/**
 * A webhook's signing secret, the one time the API shows it (on creation or rotation): a copy button and a warning
 * that it will not be shown again. It closes only through its button, not by a stray click beside it.
 */
@Component({
  selector: 'peak-secret-dialog',
  imports: [MatButtonModule, MatDialogModule, MatIconModule],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      <p>
        Deliveries to <code class="url">{{ data.url }}</code> are signed with this secret (<code>webhook-signature</code>).
      </p>
      <div class="warning" role="note">
        <mat-icon aria-hidden="true">warning</mat-icon>
        <p><strong>Copy it now: it will not be shown again.</strong> If it is lost, rotate the secret to get a new one.</p>
      </div>
      <div class="secret-row">
        <label class="secret-label" for="webhook-secret">Signing secret</label>
        <input
          id="webhook-secret"
          class="secret"
          readonly
          [value]="data.secret"
          spellcheck="false"
          autocomplete="off"
          (focus)="selectAll($event)"
        />
        <button matButton="outlined" type="button" (click)="copy()">
          <mat-icon>{{ copied() ? 'check' : 'content_copy' }}</mat-icon>
          {{ copied() ? 'Copied' : 'Copy secret' }}
        </button>
      </div>
      <p class="status" role="status">{{ copyStatus() }}</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button matButton="filled" type="button" mat-dialog-close>I have stored it</button>
    </mat-dialog-actions>
  `,
  styles: `
    .url {
      overflow-wrap: anywhere;
    }
    .warning {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      padding: 8px 12px;
      border-radius: 8px;
      background: light-dark(#ffe0b2, #5a3d00);
      color: light-dark(#4a2c00, #ffddb0);
      p {
        margin: 0;
      }
    }
    .secret-row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin-top: 16px;
    }
    .secret-label {
      flex-basis: 100%;
      font: var(--mat-sys-label-large);
    }
    .secret {
      flex: 1 1 24ch;
      min-width: 0;
      padding: 8px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      background: var(--mat-sys-surface-container);
      color: var(--mat-sys-on-surface);
      font:
        14px/1.4 ui-monospace,
        monospace;
    }
    .status {
      min-height: 1.4em;
      margin: 4px 0 0;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SecretDialog {
  protected readonly data = inject<SecretDialogData>(MAT_DIALOG_DATA);
  private readonly clipboard = inject(Clipboard);
  protected readonly copied = signal(false);
  protected readonly copyStatus = signal('');

  protected copy(): void {
    const ok = this.clipboard.copy(this.data.secret);
    this.copied.set(ok);
    this.copyStatus.set(ok ? 'The secret is on the clipboard.' : 'The browser did not allow copying: select the secret and copy it.');
  }

  protected selectAll(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }
}

/**
 * Shows a secret once; emits when the dialog is closed. The field gets the focus (and selects the secret), so a
 * keyboard user copies before reaching the button that closes it.
 */
export function showSecret(dialog: MatDialog, data: SecretDialogData): Observable<unknown> {
  return dialog.open(SecretDialog, { data, width: '560px', maxWidth: '95vw', disableClose: true }).afterClosed();
}
