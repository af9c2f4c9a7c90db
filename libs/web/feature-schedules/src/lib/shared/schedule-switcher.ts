import { inject, Injectable } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { ScheduleDto, ScheduleState, SchedulesService, toApiProblem, UpdateScheduleDto } from '@peak/api-client';
import { ChoiceDialog, ChoiceDialogData } from '@peak/web/ui';
import { formatInZone, Notifier, offsetLabel } from '@peak/web/util';
import { catchError, map, Observable, of, switchMap } from 'rxjs';

/** When the VMs of a window in progress go, as the disable question offers. */
export type DisableChoice = 'after-window' | 'stop-now';

/** Schedule states with a window in progress whose VMs are (being) made: disabling then asks first. */
const IN_WINDOW: readonly ScheduleState[] = ['provisioning', 'active', 'degraded'];

/**
 * The Enabled switch. Enabling, or disabling outside a window, is one call. Disabling during a window asks first
 * whether to stop now (its VMs are deleted, the run is recorded as stopped by the user) or after this window (they stay
 * until it ends). A schedule still keeping its window can be stopped now later (`stopKeptWindow`).
 */
@Injectable()
export class ScheduleSwitcher {
  private readonly dialog = inject(MatDialog);
  private readonly api = inject(SchedulesService);
  private readonly notifier = inject(Notifier);

  /** Emits the updated schedule, or null when cancelled or refused (the switch should then show the old value). */
  switch(schedule: ScheduleDto, enabled: boolean): Observable<ScheduleDto | null> {
    const change$: Observable<Partial<UpdateScheduleDto> | null> =
      enabled || !IN_WINDOW.includes(schedule.state)
        ? of({ enabled })
        : this.ask<DisableChoice>(disableQuestion(schedule)).pipe(
            map((choice) => (choice ? { enabled: false, disableAfterCurrentWindow: choice === 'after-window' } : null)),
          );
    return change$.pipe(
      switchMap((change) => (change ? this.update(schedule, change, enabled ? 'enable' : 'disable') : of(null))),
      map((updated) => {
        if (updated) this.notifier.success(switchedText(updated));
        return updated;
      }),
    );
  }

  /** For a schedule disabled "after this window": asks, then deletes the kept window's VMs now. */
  stopKeptWindow(schedule: ScheduleDto): Observable<ScheduleDto | null> {
    return this.ask<'stop-now'>(stopQuestion(schedule)).pipe(
      switchMap((choice) => (choice ? this.update(schedule, { enabled: false, disableAfterCurrentWindow: false }, 'stop') : of(null))),
      map((updated) => {
        if (updated) this.notifier.success(`The VMs of “${updated.name}” are being deleted; its run is recorded as stopped.`);
        return updated;
      }),
    );
  }

  private ask<T>(data: ChoiceDialogData<T>): Observable<T | undefined> {
    return this.dialog.open<ChoiceDialog<T>, ChoiceDialogData<T>, T>(ChoiceDialog, { data, width: '520px' }).afterClosed();
  }

  private update(schedule: ScheduleDto, change: Partial<UpdateScheduleDto>, verb: string): Observable<ScheduleDto | null> {
    return this.api.updateSchedule({ id: schedule.id, body: { ...change, version: schedule.version } }).pipe(
      catchError((error: unknown) => {
        this.notifier.error(`Could not ${verb} “${schedule.name}”: ${toApiProblem(error).message}`);
        return of(null);
      }),
    );
  }
}

function endOfWindow(schedule: ScheduleDto, end: string | null | undefined): string {
  return end ? `${formatInZone(end, schedule.timeZone)} ${offsetLabel(end, schedule.timeZone)}` : 'the end of the window';
}

function vmsText(schedule: ScheduleDto): string {
  const run = schedule.latestRun;
  if (!run) return 'its VMs';
  return `${run.activeCount} of ${run.desiredCount} VM${run.desiredCount === 1 ? '' : 's'}`;
}

/** What stopping now does to the VMs: deleted at once, or first drained from their load balancer's pool. */
function stopText(schedule: ScheduleDto): string {
  const pool = schedule.launch?.loadBalancer;
  if (!pool) return 'the VMs are deleted at once';
  const drain = pool.drainSeconds ?? 30;
  return drain > 0
    ? `the VMs leave their load balancer's pool (drained for ${drain} s first), then are deleted`
    : `the VMs leave their load balancer's pool, then are deleted`;
}

/** The question asked before disabling during a window. */
export function disableQuestion(schedule: ScheduleDto): ChoiceDialogData<DisableChoice> {
  const end = endOfWindow(schedule, schedule.latestRun?.windowEnd);
  return {
    title: `Disable “${schedule.name}” during its window?`,
    paragraphs: [
      `A peak window is in progress until ${end}, with ${vmsText(schedule)} up.`,
      `After this window: the VMs keep serving until ${end}, then go; no later window starts until you enable it again.`,
      `Stop now: ${stopText(schedule)}, and the run is recorded as stopped by you.`,
    ],
    choices: [
      { label: 'After this window', value: 'after-window', primary: true },
      { label: 'Stop now', value: 'stop-now', destructive: true },
    ],
  };
}

function stopQuestion(schedule: ScheduleDto): ChoiceDialogData<'stop-now'> {
  return {
    title: `Stop the window of “${schedule.name}” now?`,
    paragraphs: [
      `Its VMs were to stay until ${endOfWindow(schedule, schedule.vmsKeptUntil)}. Stop now: ${stopText(schedule)}, and the run is recorded as stopped by you.`,
    ],
    choices: [{ label: 'Stop now', value: 'stop-now', primary: true, destructive: true }],
  };
}

function switchedText(schedule: ScheduleDto): string {
  if (schedule.enabled) return `“${schedule.name}” enabled.`;
  if (schedule.vmsKeptUntil) return `“${schedule.name}” disabled: its VMs stay until ${endOfWindow(schedule, schedule.vmsKeptUntil)}.`;
  return `“${schedule.name}” disabled.`;
}
