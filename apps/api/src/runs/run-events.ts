import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

/** What the engine tells the rest of the API about runs: their rows changed, or a deleting schedule is gone. */
export type RunChange = { readonly kind: 'runs-changed' } | { readonly kind: 'schedule-removed'; readonly scheduleId: string };

/**
 * The engine's port towards schedules: it announces run changes here and never calls into the schedules
 * service or its caches; the schedules module listens (its list cache, its own change events).
 */
@Injectable()
export class RunEvents {
  private readonly subject = new Subject<RunChange>();

  get changes$(): Observable<RunChange> {
    return this.subject.asObservable();
  }

  emit(change: RunChange): void {
    this.subject.next(change);
  }
}
