import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { LoadedContent, LoadStateLike, LoadStateView } from '@peak/web/ui';
import { formatInZone, internalRoutes, offsetLabel } from '@peak/web/util';
import { runWindowText } from '../shared/schedule-text';
import { EventLook, eventDetails, eventLook, EventsView, eventWindow } from './schedule-events.model';

/** One line of the timeline, ready to show. */
interface EventEntry {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly when: string;
  readonly look: EventLook;
  readonly details: readonly string[];
  /** The run's page, for a run event. */
  readonly runLink: readonly string[] | null;
  readonly runText: string;
}

/**
 * A schedule's history as a vertical timeline, newest first: each event in words, with when, an icon and colour that
 * repeat the words, and a link to the run a run event is about. The page reads the events; this shows them.
 */
@Component({
  selector: 'peak-schedule-events',
  imports: [LoadedContent, LoadStateView, MatButtonModule, MatIconModule, MatProgressBarModule, RouterLink],
  templateUrl: './schedule-events.html',
  styleUrl: './schedule-events.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ScheduleEvents {
  readonly view = input.required<EventsView>();
  readonly scheduleId = input.required<string>();
  /** The zone times are shown in (the page's "Times in" choice). */
  readonly timeZone = input.required<string>();
  /** The next older page is wanted. */
  readonly showMore = output<void>();
  /** The newest events are wanted again after a failure. */
  readonly retry = output<void>();

  /** The newest events as one read: loading until a first page arrives, failed with or without events shown. */
  protected readonly load = computed((): LoadStateLike => {
    const { loaded, problem, items } = this.view();
    if (problem) return loaded ? { status: 'error', problem, value: items } : { status: 'error', problem };
    return loaded ? { status: 'ok', value: items } : { status: 'loading' };
  });

  protected readonly entries = computed((): readonly EventEntry[] => {
    const zone = this.timeZone();
    const scheduleId = this.scheduleId();
    return this.view().items.map((event) => {
      const window = eventWindow(event);
      return {
        id: event.id,
        type: event.type,
        time: event.time,
        when: `${formatInZone(event.time, zone)} ${offsetLabel(event.time, zone)}`,
        look: eventLook(event),
        details: eventDetails(event),
        runLink: event.runId ? internalRoutes.schedules.subRoutes.run.link(scheduleId, event.runId) : null,
        runText: window ? `Run of ${runWindowText(window, zone)}` : 'Run details',
      };
    });
  });
}
