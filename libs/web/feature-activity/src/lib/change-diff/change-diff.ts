import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** One changed field of a write: its value before and after, as text; `null` where the side has none. */
export interface FieldChange {
  readonly field: string;
  readonly before: string | null;
  readonly after: string | null;
}

/**
 * The fields a write changed, in the order the API recorded them (the before's fields first). A create has no
 * before and a delete no after: that side is null for every field. Secrets arrive masked (`***`) already.
 */
export function fieldChanges(before: Record<string, unknown> | null, after: Record<string, unknown> | null): FieldChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return fields.map((field) => ({
    field,
    before: before && field in before ? valueText(before[field]) : null,
    after: after && field in after ? valueText(after[field]) : null,
  }));
}

/** A recorded value as a person reads it: strings as they are, anything else as compact JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** The before and after of one write, a row per changed field. */
@Component({
  selector: 'peak-change-diff',
  template: `
    @if (changes().length) {
      <table class="diff" [attr.aria-label]="label()">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          @for (c of changes(); track c.field) {
            <tr [attr.data-field]="c.field">
              <th scope="row">{{ c.field }}</th>
              <td class="before">
                @if (c.before === null) {
                  <span class="none">(none)</span>
                } @else {
                  <code>{{ c.before }}</code>
                }
              </td>
              <td class="after">
                @if (c.after === null) {
                  <span class="none">(none)</span>
                } @else {
                  <code>{{ c.after }}</code>
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
    } @else {
      <p class="none">No fields changed.</p>
    }
  `,
  styles: `
    .diff {
      border-collapse: collapse;
      width: 100%;
      font: var(--mat-sys-body-medium);
    }
    th,
    td {
      text-align: left;
      vertical-align: top;
      padding: 4px 12px 4px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    thead th {
      color: var(--mat-sys-on-surface-variant);
      font-weight: 500;
    }
    tbody th {
      font-weight: 500;
      white-space: nowrap;
    }
    code {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .none {
      color: var(--mat-sys-on-surface-variant);
      font-style: italic;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChangeDiff {
  readonly before = input.required<Record<string, unknown> | null>();
  readonly after = input.required<Record<string, unknown> | null>();
  /** The table's accessible name. */
  readonly label = input('Changed fields');
  protected readonly changes = computed(() => fieldChanges(this.before(), this.after()));
}
