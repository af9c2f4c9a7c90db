import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

export type ScheduleChangeKind = 'created' | 'updated' | 'deleting' | 'deleted';

/** A committed change to a schedule. */
export interface ScheduleChange {
  readonly scheduleId: string;
  readonly kind: ScheduleChangeKind;
  /** The schedule's version after the change (absent for `deleted`). */
  readonly version?: number;
}

/**
 * Schedule changes made through this API instance, emitted after they are committed, so the engine can
 * re-plan at once instead of waiting for its next pass. Changes made by other replicas are not seen here:
 * the engine's periodic pass covers them.
 */
@Injectable()
export class ScheduleEvents implements OnModuleDestroy {
  private readonly subject = new Subject<ScheduleChange>();

  readonly changes$: Observable<ScheduleChange> = this.subject.asObservable();

  emit(change: ScheduleChange): void {
    this.subject.next(change);
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
