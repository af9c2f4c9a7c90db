import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';

/** Transient messages at the bottom of the screen; errors stay longer, and can be dismissed. */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private readonly snackBar = inject(MatSnackBar);

  success(message: string): void {
    this.snackBar.open(message, undefined, { duration: 4000, panelClass: 'peak-snack-success' });
  }

  error(message: string): void {
    this.snackBar.open(message, 'Dismiss', { duration: 10_000, panelClass: 'peak-snack-error', politeness: 'assertive' });
  }
}
