import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ChartConfiguration, ChartDataset, Scale } from 'chart.js';
import { Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { formatInZone, offsetLabel } from '@peak/web/util';
import { BaseChartDirective, provideCharts } from 'ng2-charts';
import { DemandChart, RESOURCE_LABELS, SCHEDULE_PALETTE, TimelineRange } from '../timeline.model';

const QUOTA_COLOUR = '#c62828';

type Point = { x: number; y: number | null };

/**
 * The planned demand of one resource, stacked per schedule, against the quota line, with the intervals above it
 * shaded. Chart.js draws on a canvas, so the canvas carries a summary as its label and the same figures are in a
 * table below it (the text alternative).
 */
@Component({
  selector: 'peak-demand-chart',
  imports: [BaseChartDirective, DecimalPipe],
  providers: [provideCharts({ registerables: [LineController, LineElement, PointElement, LinearScale, Filler, Legend, Tooltip] })],
  template: `
    <div class="canvas-box">
      <canvas baseChart type="line" role="img" [attr.aria-label]="summary()" [data]="data()" [options]="options()">
        {{ summary() }}
      </canvas>
    </div>
    <p class="summary" data-testid="chart-summary">{{ summary() }}</p>
    <details class="data">
      <summary>The chart's figures as a table</summary>
      <table class="steps">
        <caption>
          Planned
          {{
            labels().label
          }}
          ({{
            labels().unit
          }}) per interval, times in
          {{
            range().zone
          }}
        </caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col" class="number">Planned</th>
            <th scope="col" class="number">Available</th>
          </tr>
        </thead>
        <tbody>
          @for (step of chart().totals; track step.from) {
            <tr [class.over]="chart().available !== null && step.value > (chart().available ?? 0)">
              <td>{{ format(step.from) }}</td>
              <td>{{ format(step.to) }}</td>
              <td class="number">{{ step.value | number }}</td>
              <td class="number">{{ chart().available === null ? 'unlimited or unknown' : (chart().available | number) }}</td>
            </tr>
          }
        </tbody>
      </table>
    </details>
  `,
  styles: `
    :host {
      display: block;
    }
    .canvas-box {
      position: relative;
      height: 280px;
    }
    .summary {
      margin: 8px 0;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-medium);
    }
    table {
      border-collapse: collapse;
      font: var(--mat-sys-body-small);
    }
    caption {
      text-align: start;
      padding: 4px 0;
    }
    th,
    td {
      padding: 2px 12px 2px 0;
      text-align: start;
    }
    .number {
      text-align: end;
    }
    tr.over td {
      color: var(--mat-sys-error);
      font-weight: 500;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DemandChartView {
  readonly chart = input.required<DemandChart>();
  readonly range = input.required<TimelineRange>();
  /** Each schedule's colour by id, as on the rows above the chart. */
  readonly colours = input<Readonly<Record<string, string>>>({});

  protected readonly labels = computed(() => RESOURCE_LABELS[this.chart().resource]);

  protected format(instant: number): string {
    return `${formatInZone(new Date(instant), this.range().zone)} ${offsetLabel(new Date(instant), this.range().zone)}`;
  }

  /** One sentence for screen readers and for everyone: peak, quota line, conflicts. */
  protected readonly summary = computed(() => {
    const chart = this.chart();
    const { noun, unit } = this.labels();
    const peak = chart.totals.reduce((best, step) => (step.value > best.value ? step : best), { from: 0, to: 0, value: 0 });
    const parts = [
      peak.value === 0
        ? `No ${noun} planned in this range.`
        : `Planned ${noun}: at most ${peak.value} ${unit}, from ${this.format(peak.from)}, over ${chart.series.length} schedule${chart.series.length === 1 ? '' : 's'}.`,
      chart.available === null
        ? 'No quota line: the quota is unlimited or could not be read.'
        : `Quota line: ${chart.available} ${unit} available (limit ${chart.limit ?? 'none'}, ${chart.usageNotOurs ?? 0} used by other VMs).`,
      chart.conflicts.length === 0
        ? 'No conflict.'
        : `${chart.conflicts.length} conflict${chart.conflicts.length === 1 ? '' : 's'}: ` +
          chart.conflicts
            .map(
              (c) =>
                `${c.needed} needed, ${c.available} available from ${this.format(Date.parse(c.from))} to ${this.format(Date.parse(c.to))} (${c.schedules.map((s) => s.name).join(', ')})`,
            )
            .join('; ') +
          '.',
    ];
    return parts.join(' ');
  });

  protected readonly data = computed<ChartConfiguration<'line', Point[]>['data']>(() => {
    const chart = this.chart();
    const range = this.range();
    const datasets: ChartDataset<'line', Point[]>[] = chart.series.map((series, i) => {
      const colour = this.colours()[series.scheduleId] ?? SCHEDULE_PALETTE[i % SCHEDULE_PALETTE.length] ?? QUOTA_COLOUR;
      return {
        label: series.name,
        data: series.points.map((p) => ({ x: p.x, y: p.y })),
        stack: 'demand',
        // A value holds from its point to the next one.
        stepped: 'before',
        fill: i === 0 ? 'origin' : '-1',
        borderColor: colour,
        backgroundColor: `${colour}99`,
        borderWidth: 1,
        pointRadius: 0,
      };
    });
    if (chart.available !== null) {
      datasets.push({
        label: 'Quota line (available)',
        data: [
          { x: range.from, y: chart.available },
          { x: range.to, y: chart.available },
        ],
        stack: 'quota',
        // Drawn over the schedules' areas (a lower order is drawn later).
        order: -2,
        borderColor: QUOTA_COLOUR,
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: 0,
        fill: false,
      });
      if (chart.overQuota.length > 0) {
        datasets.push({
          label: 'Over the quota',
          data: chart.overQuota.map((p) => ({ x: p.x, y: p.y })),
          stack: 'conflicts',
          order: -1,
          // A value holds from its point to the next one.
          stepped: 'before',
          spanGaps: false,
          fill: { value: chart.available },
          borderColor: QUOTA_COLOUR,
          backgroundColor: `${QUOTA_COLOUR}aa`,
          borderWidth: 2,
          pointRadius: 0,
        });
      }
    }
    return { datasets };
  });

  protected readonly options = computed<ChartConfiguration<'line', Point[]>['options']>(() => {
    const range = this.range();
    const { unit } = this.labels();
    const dayStarts = range.days.map((d) => d.start);
    const tickLabel = (value: number) =>
      new Intl.DateTimeFormat(undefined, {
        timeZone: range.zone,
        weekday: range.scale === 'week' ? 'short' : undefined,
        day: 'numeric',
        month: 'short',
      }).format(new Date(value));
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: range.from,
          max: range.to,
          // Ticks at each day's midnight in the shown zone, not at round numbers of milliseconds.
          afterBuildTicks: (scale: Scale) => {
            const step = range.scale === 'week' ? 1 : 7;
            scale.ticks = dayStarts.filter((_, i) => i % step === 0).map((value) => ({ value }));
          },
          ticks: { callback: (value) => tickLabel(Number(value)), maxRotation: 0 },
        },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: unit } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? this.format(items[0].parsed.x ?? 0) : ''),
          },
        },
      },
    };
  });
}
