import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { QuotaDto, QuotaResource } from '@peak/api-client';
import { formatMiB } from '../sizes';

/** At or above this share of a limit a quota is shown in the warning colour. */
export const QUOTA_WARNING_PERCENT = 90;

const LABELS: Record<QuotaResource, string> = {
  instances: 'Instances',
  cores: 'vCPUs',
  ramMiB: 'RAM',
  keyPairs: 'Key pairs',
  serverGroups: 'Server groups',
};

/** One quota as shown: its words and, when it has a limit and a known usage, how full it is. */
export interface QuotaRow {
  resource: QuotaResource;
  label: string;
  /** e.g. `3 of 10 used`, `3 used, unlimited`. */
  text: string;
  /** 0..100, null when there is no bar (unlimited, or usage not reported). */
  percent: number | null;
  warning: boolean;
}

export function quotaRow(quota: QuotaDto): QuotaRow {
  const label = LABELS[quota.resource] ?? quota.resource;
  const amount = (n: number) => (quota.resource === 'ramMiB' ? formatMiB(n) : String(n));
  const used = quota.used === null ? null : amount(quota.used);
  if (quota.limit === null) {
    return {
      resource: quota.resource,
      label,
      text: used === null ? 'unlimited' : `${used} used, unlimited`,
      percent: null,
      warning: false,
    };
  }
  if (quota.used === null) {
    return { resource: quota.resource, label, text: `limit ${amount(quota.limit)}, usage not reported`, percent: null, warning: false };
  }
  const percent = quota.limit === 0 ? 100 : Math.min(100, Math.round((quota.used / quota.limit) * 100));
  return {
    resource: quota.resource,
    label,
    text: `${used} of ${amount(quota.limit)} used`,
    percent,
    warning: percent >= QUOTA_WARNING_PERCENT,
  };
}

/** A project's compute quotas, each with a bar of how much is used. */
@Component({
  selector: 'peak-quota-list',
  imports: [MatProgressBarModule],
  template: `
    <ul class="quotas">
      @for (row of rows(); track row.resource) {
        <li class="quota" [class.warning]="row.warning" [attr.data-resource]="row.resource">
          <div class="line">
            <span class="label">{{ row.label }}</span>
            <span class="text">{{ row.text }}</span>
          </div>
          @if (row.percent !== null) {
            <mat-progress-bar mode="determinate" [value]="row.percent" [attr.aria-label]="row.label + ': ' + row.text" />
          }
        </li>
      }
    </ul>
  `,
  styles: `
    .quotas {
      list-style: none;
      margin: 0;
      padding: 0 16px 16px;
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
      gap: 16px 24px;
    }
    .line {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      margin-bottom: 6px;
    }
    .label {
      font: var(--mat-sys-title-small);
    }
    .text {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-medium);
      font-variant-numeric: tabular-nums;
    }
    .warning {
      .text {
        color: var(--mat-sys-error);
      }
      mat-progress-bar {
        --mat-progress-bar-active-indicator-color: var(--mat-sys-error);
        --mat-progress-bar-track-color: var(--mat-sys-error-container);
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QuotaList {
  readonly quotas = input.required<readonly QuotaDto[]>();
  protected readonly rows = computed(() => this.quotas().map(quotaRow));
}
