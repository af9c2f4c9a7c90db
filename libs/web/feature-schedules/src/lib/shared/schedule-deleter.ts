import { inject, Injectable } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { ScheduleDto, SchedulesService, toApiProblem } from '@peak/api-client';
import { askToConfirm, ConfirmDialogData } from '@peak/web/ui';
import { Notifier } from '@peak/web/util';
import { catchError, filter, map, Observable, of, switchMap } from 'rxjs';
import { STATES_WITH_VMS } from './schedule-text';

export type DeleteOutcome = 'deleted' | 'deleting';

/** Deleting a schedule: a confirmation that says what happens to its VMs, the call, and the message after. */
@Injectable()
export class ScheduleDeleter {
  private readonly dialog = inject(MatDialog);
  private readonly api = inject(SchedulesService);
  private readonly notifier = inject(Notifier);

  /** Emits once the API accepted the deletion; completes without emitting when cancelled or failed. */
  confirmAndDelete(schedule: ScheduleDto): Observable<DeleteOutcome> {
    return askToConfirm(this.dialog, deletionQuestion(schedule), '480px').pipe(
      filter((confirmed) => confirmed),
      switchMap(() =>
        this.api.deleteSchedule$Response({ id: schedule.id }).pipe(
          map((response): DeleteOutcome => (response.status === 202 ? 'deleting' : 'deleted')),
          catchError((error: unknown) => {
            this.notifier.error(`Could not delete “${schedule.name}”: ${toApiProblem(error).message}`);
            return of(null);
          }),
        ),
      ),
      filter((outcome): outcome is DeleteOutcome => outcome !== null),
      map((outcome) => {
        this.notifier.success(
          outcome === 'deleted' ? `“${schedule.name}” deleted.` : `“${schedule.name}” is being deleted: its VMs are torn down first.`,
        );
        return outcome;
      }),
    );
  }
}

/** The confirmation's words depend on whether VMs exist right now. */
export function deletionQuestion(schedule: ScheduleDto): ConfirmDialogData {
  const run = schedule.latestRun;
  const hasVms = STATES_WITH_VMS.includes(schedule.state);
  const vms = run ? `${run.activeCount} of ${run.desiredCount} VM${run.desiredCount === 1 ? '' : 's'}` : 'VMs';
  return {
    title: `Delete “${schedule.name}”?`,
    paragraphs: hasVms
      ? [
          `A peak window is in progress: its ${vms} running in the cloud will be deleted now, before the window ends.`,
          'The schedule stays listed as “Deleting” until they are gone, then disappears. No future window will run.',
        ]
      : [
          'No VMs of this schedule are running: nothing in the cloud is touched.',
          'The schedule is removed at once and no future window will run.',
        ],
    confirmLabel: hasVms ? 'Delete schedule and its VMs' : 'Delete schedule',
    destructive: true,
  };
}
