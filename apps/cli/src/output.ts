import { stringify as toYaml } from 'yaml';
import { CliError, ExitCode } from './errors';

export const FORMATS = ['table', 'json', 'yaml', 'value', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputOptions {
  format: Format;
  /** `-c`: the columns (or fields) to print, in this order; empty means all. */
  columns: readonly string[];
  /** `--fit-width`: wrap table cells so that the table fits in `width`. */
  fitWidth: boolean;
  /** The terminal's width, for `--fit-width`. */
  width?: number;
}

/** What a list command prints: one row per item. */
export interface Listing {
  kind: 'list';
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
}

/** What a show command prints: one item, as fields and their values. */
export interface Fields {
  kind: 'show';
  fields: readonly string[];
  values: readonly unknown[];
}

export type Printable = Listing | Fields;

export function listing<T>(items: Iterable<T>, columns: readonly Column<T>[]): Listing {
  return { kind: 'list', columns: columns.map((c) => c.header), rows: [...items].map((item) => columns.map((c) => c.get(item))) };
}

export function record(fields: Readonly<Record<string, unknown>>): Fields {
  return { kind: 'show', fields: Object.keys(fields), values: Object.values(fields) };
}

export interface Column<T> {
  header: string;
  get(item: T): unknown;
}

/** Renders `data` as `options` ask; the text ends with a newline unless it is empty. */
export function render(data: Printable, options: OutputOptions): string {
  const selected = select(data, options.columns);
  switch (options.format) {
    case 'table':
      return renderTable(selected, options);
    case 'json':
      return `${JSON.stringify(asObjects(selected), null, 2)}\n`;
    case 'yaml':
      return toYaml(asObjects(selected), { lineWidth: 0 });
    case 'value':
      return renderValue(selected);
    case 'csv':
      return renderCsv(selected);
  }
}

/** `-c`: keeps the named columns in the order given. Names match case-insensitively; an unknown one is a usage error. */
export function select(data: Printable, wanted: readonly string[]): Printable {
  if (wanted.length === 0) return data;
  const names = data.kind === 'list' ? data.columns : data.fields;
  const indexes = wanted.map((name) => {
    const exact = names.indexOf(name);
    const index = exact >= 0 ? exact : names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (index < 0) throw new CliError(`no column named '${name}'; the columns are: ${names.join(', ')}`, ExitCode.Usage);
    return index;
  });
  const pick = <V>(row: readonly V[]) => indexes.map((i) => row[i] as V);
  return data.kind === 'list'
    ? { kind: 'list', columns: pick(data.columns), rows: data.rows.map(pick) }
    : { kind: 'show', fields: pick(data.fields), values: pick(data.values) };
}

function asObjects(data: Printable): unknown {
  const toObject = (keys: readonly string[], values: readonly unknown[]) => Object.fromEntries(keys.map((k, i) => [k, values[i] ?? null]));
  return data.kind === 'list' ? data.rows.map((row) => toObject(data.columns, row)) : toObject(data.fields, data.values);
}

/**
 * A value as one table or `value` cell, the way the openstack client shows them: objects as `key='value', ...`
 * (unset keys left out), lists of scalars comma-separated, anything deeper as compact JSON, null as nothing.
 */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.every(isScalar) ? value.map(cell).join(', ') : JSON.stringify(value);
  if (typeof value === 'object') {
    // Unset keys are left out: the openstack client's `key='None'` says nothing more.
    return Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([key, v]) => `${key}=${isScalar(v) ? `'${cell(v)}'` : JSON.stringify(v)}`)
      .join(', ');
  }
  return String(value);
}

function isScalar(value: unknown): boolean {
  return value === null || value === undefined || ['string', 'number', 'boolean', 'bigint'].includes(typeof value);
}

function renderValue(data: Printable): string {
  const lines = data.kind === 'list' ? data.rows.map((row) => row.map(cell).join(' ')) : data.values.map(cell);
  return lines.map((line) => `${line}\n`).join('');
}

/** Like Python's csv.QUOTE_NONNUMERIC, which cliff uses: every text quoted, numbers and booleans bare. */
function renderCsv(data: Printable): string {
  const [header, rows] = data.kind === 'list' ? [data.columns, data.rows] : [data.fields, [data.values]];
  const field = (value: unknown) =>
    typeof value === 'number' || typeof value === 'boolean' ? String(value) : `"${cell(value).replace(/"/g, '""')}"`;
  return [header, ...rows].map((row) => `${row.map(field).join(',')}\n`).join('');
}

/**
 * A prettytable-style table (`+----+` borders, the openstack client's look). Numeric columns are right-aligned.
 * With `fitWidth`, the widest columns give way until the table fits, and their cells are wrapped at spaces.
 */
export function renderTable(data: Printable, options: Pick<OutputOptions, 'fitWidth' | 'width'>): string {
  const [header, rows] =
    data.kind === 'list' ? [data.columns, data.rows] : [['Field', 'Value'], data.fields.map((f, i) => [f, data.values[i]])];
  if (data.kind === 'list' && rows.length === 0) return '';
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number' || row[i] == null));
  const texts = rows.map((row) => header.map((_, i) => cell(row[i])));
  const widths = header.map((h, i) => Math.max(...[h, ...texts.map((row) => row[i] ?? '')].flatMap((t) => t.split('\n').map(width))));
  if (options.fitWidth && options.width) shrink(widths, options.width, header);

  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const line = (cells: readonly string[], alignRight: readonly boolean[]) => {
    const wrapped = cells.map((text, i) => wrap(text, widths[i] ?? 0));
    const height = Math.max(1, ...wrapped.map((lines) => lines.length));
    let out = '';
    for (let l = 0; l < height; l++) {
      const parts = wrapped.map((lines, i) => {
        const text = lines[l] ?? '';
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(text)));
        return alignRight[i] ? pad + text : text + pad;
      });
      out += `| ${parts.join(' | ')} |\n`;
    }
    return out;
  };
  const alignLeft = header.map(() => false);
  return rule + line(header, alignLeft) + rule + texts.map((row) => line(row, numeric)).join('') + rule;
}

/** Narrows the widest column by one until the table (borders included) fits, keeping every header whole. */
function shrink(widths: number[], total: number, header: readonly string[]): void {
  const borders = 3 * widths.length + 1;
  const floor = (i: number) => Math.max(width(header[i] ?? ''), 1);
  while (widths.reduce((a, b) => a + b, 0) + borders > total) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > floor(i) && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
    });
    if (widest < 0) return;
    widths[widest] = (widths[widest] ?? 1) - 1;
  }
}

/** Splits at newlines, then wraps each line at spaces to `max` columns, cutting words longer than that. */
export function wrap(text: string, max: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let current = '';
    for (const word of paragraph.split(' ')) {
      let rest = word;
      const candidate = current ? `${current} ${rest}` : rest;
      if (width(candidate) <= max) {
        current = candidate;
        continue;
      }
      if (current) out.push(current);
      while (width(rest) > max && max > 0) {
        out.push(rest.slice(0, max));
        rest = rest.slice(max);
      }
      current = rest;
    }
    out.push(current);
  }
  return out;
}

function width(text: string): number {
  return [...text].length;
}
