import { inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { CanDeactivateFn } from '@angular/router';
import { askToConfirm, ConfirmDialogData } from '@peak/web/ui';

/** A page that may hold changes not saved yet. */
export interface HoldsUnsavedChanges {
  hasUnsavedChanges(): boolean;
}

export const LEAVE_QUESTION: ConfirmDialogData = {
  title: 'Leave without saving?',
  paragraphs: ['Your changes to this schedule are not saved: leaving the page loses them.'],
  confirmLabel: 'Leave and lose them',
  destructive: true,
};

/** Leaving a form with unsaved changes asks first; its Cancel (or Escape) stays on the form. */
export const unsavedChangesGuard: CanDeactivateFn<HoldsUnsavedChanges> = (page) => {
  if (!page?.hasUnsavedChanges()) return true;
  return askToConfirm(inject(MatDialog), LEAVE_QUESTION);
};
