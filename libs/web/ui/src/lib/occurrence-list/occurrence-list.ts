import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { offsetLabel } from '@peak/web/util';

/** One peak window as the API previews it; only `start` and `end` are required. */
export interface OccurrenceView {
  /** RFC 3339 instants. */
  readonly start: string;
  readonly end: string;
  /** `skipped` windows (an excluded date) are shown struck through. */
  readonly status?: string;
  /** `none`, `shifted-forward` (the local time fell in a DST gap) or `first-of-repeated` (it happened twice). */
  readonly dstAdjustment?: string;
  /** The local time the schedule asked for (`YYYY-MM-DDTHH:mm`), when a DST rule moved it. */
  readonly requestedLocalStart?: string;
}

interface Row {
  readonly key: string;
  readonly day: string;
  readonly time: string;
  readonly offset: string;
  readonly skipped: boolean;
  /** Human-readable DST notes; empty for an ordinary window. */
  readonly dstNotes: readonly string[];
}

/**
 * The next windows of a schedule in its own time zone, with daylight-saving effects called out: a clock
 * change since the previous window, a start moved out of a DST gap, a repeated hour, a window that spans
 * a change (it lasts as long in elapsed time, but its local end moves).
 */
@Component({
  selector: 'peak-occurrence-list',
  imports: [MatIconModule],
  template: `
    <ol class="rows" [attr.aria-label]="label()">
      @for (row of rows(); track row.key) {
        <li class="row" [class.skipped]="row.skipped" [class.dst]="row.dstNotes.length > 0">
          <span class="day">{{ row.day }}</span>
          <span class="time">{{ row.time }}</span>
          <span class="offset">{{ row.offset }}</span>
          @if (row.skipped) {
            <span class="note">Excluded date: no VMs</span>
          }
          @for (note of row.dstNotes; track note) {
            <span class="note dst-note"><mat-icon aria-hidden="true">schedule</mat-icon>{{ note }}</span>
          }
        </li>
      }
    </ol>
  `,
  styles: `
    .rows {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .row {
      display: grid;
      grid-template-columns: minmax(9em, auto) 1fr auto;
      column-gap: 12px;
      align-items: baseline;
      padding: 8px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      font-variant-numeric: tabular-nums;
    }
    .row:last-child {
      border-bottom: 0;
    }
    .day {
      font: var(--mat-sys-label-large);
    }
    .offset {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-label-small);
    }
    .skipped .day,
    .skipped .time {
      text-decoration: line-through;
      color: var(--mat-sys-on-surface-variant);
    }
    .note {
      grid-column: 1 / -1;
      display: inline-flex;
      align-items: center;
      gap: 4px;
      margin-top: 2px;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .dst-note {
      color: var(--mat-sys-tertiary);
    }
    .dst-note mat-icon {
      width: 16px;
      height: 16px;
      font-size: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OccurrenceList {
  readonly occurrences = input.required<readonly OccurrenceView[]>();
  readonly timeZone = input.required<string>();
  readonly label = input('Next occurrences');
  /** Formatting locale; the browser's when unset. */
  readonly locale = input<string>();

  protected readonly rows = computed<readonly Row[]>(() => {
    const zone = this.timeZone();
    const locale = this.locale();
    const day = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    });
    const time = new Intl.DateTimeFormat(locale, { timeZone: zone, hour: '2-digit', minute: '2-digit' });
    let previousOffset: string | undefined;
    return this.occurrences().map((o) => {
      const start = new Date(o.start);
      const end = new Date(o.end);
      const startOffset = offsetLabel(start, zone);
      const endOffset = offsetLabel(end, zone);
      const notes: string[] = [];
      if (previousOffset !== undefined && previousOffset !== startOffset) {
        notes.push(`Clock change since the previous window: ${previousOffset} → ${startOffset}`);
      }
      if (o.dstAdjustment === 'shifted-forward') {
        const asked = o.requestedLocalStart?.slice(11, 16);
        notes.push(`Starts at ${time.format(start)}${asked ? `, not ${asked}` : ''}: that time does not exist on this day (DST gap)`);
      } else if (o.dstAdjustment === 'first-of-repeated') {
        notes.push(`This local time happens twice on this day (DST); the first one is used`);
      }
      if (startOffset !== endOffset) {
        notes.push(`The clocks change during this window (${startOffset} → ${endOffset})`);
      }
      previousOffset = startOffset;
      return {
        key: o.start,
        day: day.format(start),
        time:
          day.format(start) === day.format(end)
            ? `${time.format(start)} – ${time.format(end)}`
            : `${time.format(start)} – ${day.format(end)}, ${time.format(end)}`,
        offset: startOffset === endOffset ? startOffset : `${startOffset} → ${endOffset}`,
        skipped: o.status === 'skipped',
        dstNotes: notes,
      };
    });
  });
}
