/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it throws on any line a Prometheus
 * server would reject (bad names, bad escapes, samples of undeclared families, non-cumulative histogram
 * buckets), and returns the samples so tests can assert on values instead of on substrings.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<PromFamily['type']>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<PromFamily['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, PromFamily>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line)})`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name, rest] = match as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`);
      const family = families.get(name) ?? { name, type: 'untyped' as const, samples: [] };
      if (keyword === 'TYPE') {
        if (!TYPES.has(rest as PromFamily['type'])) throw new Error(`${where}: unknown type`);
        if (family.samples.length > 0) throw new Error(`${where}: TYPE after samples`);
        family.type = rest as PromFamily['type'];
      } else {
        family.help = unescape(rest, where, false);
      }
      families.set(name, family);
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (!family) throw new Error(`${where}: sample of an undeclared metric family`);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The samples of one family whose labels include `labels`. */
export function samplesOf(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): PromSample[] {
  const familyName = name.replace(/_(bucket|sum|count)$/, '');
  const family = families.get(name) ?? families.get(familyName);
  return (family?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function parseSample(line: string, where: string): PromSample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!match) throw new Error(`${where}: not a sample line`);
  const [, name, rawLabels, rawValue] = match as unknown as [string, string, string | undefined, string];
  return { name, labels: rawLabels ? parseLabels(rawLabels, where) : {}, value: parseValue(rawValue, where) };
}

function parseLabels(raw: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 1;
  while (raw[i] !== '}') {
    const nameEnd = raw.indexOf('=', i);
    if (nameEnd < 0) throw new Error(`${where}: label without '='`);
    const name = raw.slice(i, nameEnd);
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name ${name}`);
    if (name in labels) throw new Error(`${where}: duplicate label ${name}`);
    if (raw[nameEnd + 1] !== '"') throw new Error(`${where}: label value must be quoted`);
    let j = nameEnd + 2;
    let value = '';
    while (raw[j] !== '"') {
      if (j >= raw.length) throw new Error(`${where}: unterminated label value`);
      value += raw[j] === '\\' ? raw[j] + (raw[++j] ?? '') : raw[j];
      j++;
    }
    labels[name] = unescape(value, where, true);
    i = j + 1;
    if (raw[i] === ',') i++;
    else if (raw[i] !== '}') throw new Error(`${where}: expected ',' or '}' after a label`);
  }
  if (i !== raw.length - 1) throw new Error(`${where}: text after the labels`);
  return labels;
}

function unescape(text: string, where: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (_all, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    if (c === '"' && quotes) return '"';
    throw new Error(`${where}: bad escape \\${c}`);
  });
}

function parseValue(raw: string, where: string): number {
  // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes `Nan`).
  if (/^\+?inf(inity)?$/i.test(raw)) return Infinity;
  if (/^-inf(inity)?$/i.test(raw)) return -Infinity;
  if (/^nan$/i.test(raw)) return NaN;
  const value = Number(raw);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) || Number.isNaN(value)) throw new Error(`${where}: bad value`);
  return value;
}

function familyOf(sampleName: string, families: Map<string, PromFamily>): PromFamily | undefined {
  for (const family of families.values()) {
    if (SUFFIXES[family.type].some((suffix) => family.name + suffix === sampleName)) return family;
  }
  return undefined;
}

/** Per label set: buckets non-decreasing in `le`, ending at `+Inf`, whose count equals `_count`. */
function checkHistogram(family: PromFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  for (const s of family.samples) {
    const entry = series.get(keyOf(s.labels)) ?? { buckets: [] };
    if (s.name.endsWith('_bucket')) {
      if (s.labels['le'] === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([parseValue(s.labels['le'], family.name), s.value]);
    } else if (s.name.endsWith('_count')) entry.count = s.value;
    series.set(keyOf(s.labels), entry);
  }
  for (const [key, { buckets, count }] of series) {
    const last = buckets[buckets.length - 1];
    if (!last || last[0] !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    for (let i = 1; i < buckets.length; i++) {
      const [le, n] = buckets[i] as [number, number];
      const [prevLe, prevN] = buckets[i - 1] as [number, number];
      if (le <= prevLe || n < prevN) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
    if (count !== last[1]) throw new Error(`${family.name}${key}: +Inf bucket ${last[1]} != _count ${count}`);
  }
}
