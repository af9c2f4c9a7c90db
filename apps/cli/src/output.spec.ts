import { parse as parseYaml } from 'yaml';
import { CliError, ExitCode } from './errors';
import { cell, listing, record, render, wrap, type OutputOptions } from './output';

const schedules = listing(
  [
    { id: 'a1', name: 'exams', state: 'upcoming', enabled: true, count: 12, next: '2026-12-24T08:00:00Z' },
    { id: 'b2', name: 'lab "B"', state: 'disabled', enabled: false, count: 3, next: null },
  ],
  [
    { header: 'ID', get: (s) => s.id },
    { header: 'Name', get: (s) => s.name },
    { header: 'State', get: (s) => s.state },
    { header: 'Enabled', get: (s) => s.enabled },
    { header: 'Instances', get: (s) => s.count },
    { header: 'Next window', get: (s) => s.next },
  ],
);

const options = (more: Partial<OutputOptions> = {}): OutputOptions => ({ format: 'table', columns: [], fitWidth: false, ...more });

describe('output formats', () => {
  it('draws a list as a prettytable, numbers right-aligned', () => {
    expect(render(schedules, options())).toBe(
      `+----+---------+----------+---------+-----------+----------------------+
| ID | Name    | State    | Enabled | Instances | Next window          |
+----+---------+----------+---------+-----------+----------------------+
| a1 | exams   | upcoming | true    |        12 | 2026-12-24T08:00:00Z |
| b2 | lab "B" | disabled | false   |         3 |                      |
+----+---------+----------+---------+-----------+----------------------+
`,
    );
  });

  it('draws one item as a Field | Value table, nested objects as key=value', () => {
    const shown = record({
      id: 'a1',
      window: { type: 'once', startAt: '2026-12-24T08:00:00Z' },
      networkIds: ['n1', 'n2'],
      latestRun: null,
    });
    expect(render(shown, options())).toBe(
      `+------------+---------------------------------------------+
| Field      | Value                                       |
+------------+---------------------------------------------+
| id         | a1                                          |
| window     | type='once', startAt='2026-12-24T08:00:00Z' |
| networkIds | n1, n2                                      |
| latestRun  |                                             |
+------------+---------------------------------------------+
`,
    );
  });

  it('prints nothing for an empty list in a table, and [] in JSON', () => {
    const empty = listing([], [{ header: 'ID', get: () => '' }]);
    expect(render(empty, options())).toBe('');
    expect(JSON.parse(render(empty, options({ format: 'json' })))).toEqual([]);
  });

  it('writes JSON and YAML with the column names as keys and the values as they are', () => {
    const expected = [
      { ID: 'a1', Name: 'exams', State: 'upcoming', Enabled: true, Instances: 12, 'Next window': '2026-12-24T08:00:00Z' },
      { ID: 'b2', Name: 'lab "B"', State: 'disabled', Enabled: false, Instances: 3, 'Next window': null },
    ];
    expect(JSON.parse(render(schedules, options({ format: 'json' })))).toEqual(expected);
    expect(parseYaml(render(schedules, options({ format: 'yaml' })))).toEqual(expected);
    expect(JSON.parse(render(record({ id: 'a1', n: 2 }), options({ format: 'json' })))).toEqual({ id: 'a1', n: 2 });
  });

  it('writes values space-separated, one row (or field) a line', () => {
    expect(render(schedules, options({ format: 'value', columns: ['ID', 'Name'] }))).toBe('a1 exams\nb2 lab "B"\n');
    expect(render(record({ id: 'a1', name: 'exams' }), options({ format: 'value' }))).toBe('a1\nexams\n');
  });

  it('writes CSV like cliff: texts quoted (quotes doubled), numbers and booleans bare', () => {
    expect(render(schedules, options({ format: 'csv' }))).toBe(
      '"ID","Name","State","Enabled","Instances","Next window"\n' +
        '"a1","exams","upcoming",true,12,"2026-12-24T08:00:00Z"\n' +
        '"b2","lab ""B""","disabled",false,3,""\n',
    );
  });

  it('-c picks and orders columns, case-insensitively, in every format', () => {
    expect(render(schedules, options({ columns: ['name', 'ID'] }))).toBe(
      `+---------+----+
| Name    | ID |
+---------+----+
| exams   | a1 |
| lab "B" | b2 |
+---------+----+
`,
    );
    expect(JSON.parse(render(schedules, options({ format: 'json', columns: ['Instances'] })))).toEqual([
      { Instances: 12 },
      { Instances: 3 },
    ]);
    expect(render(record({ id: 'a1', name: 'exams' }), options({ format: 'value', columns: ['name'] }))).toBe('exams\n');
  });

  it('-c with an unknown column is a usage error naming the columns there are', () => {
    expect(() => render(schedules, options({ columns: ['Nope'] }))).toThrow(CliError);
    try {
      render(schedules, options({ columns: ['Nope'] }));
    } catch (error) {
      expect((error as CliError).exitCode).toBe(ExitCode.Usage);
      expect((error as CliError).message).toContain('ID, Name, State');
    }
  });

  it('--fit-width wraps the widest column so that every line fits the width', () => {
    const long = record({ id: 'a1', description: 'Extra capacity for the winter exams in the main hall, every weekday' });
    const text = render(long, options({ fitWidth: true, width: 40 }));
    const lines = text.trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(lines.every((l) => l.length === lines[0]?.length)).toBe(true);
    expect(text).toBe(
      `+-------------+------------------------+
| Field       | Value                  |
+-------------+------------------------+
| id          | a1                     |
| description | Extra capacity for the |
|             | winter exams in the    |
|             | main hall, every       |
|             | weekday                |
+-------------+------------------------+
`,
    );
  });

  it('without --fit-width, the table keeps its natural width', () => {
    const long = record({ description: 'x'.repeat(100) });
    expect(render(long, options({ width: 40 })).split('\n')[0]?.length).toBeGreaterThan(100);
  });
});

describe('cell', () => {
  it('shows scalars, lists and objects the way the openstack client does', () => {
    expect(cell(null)).toBe('');
    expect(cell(3)).toBe('3');
    expect(cell(false)).toBe('false');
    expect(cell(['a', 'b'])).toBe('a, b');
    expect(cell([{ a: 1 }])).toBe('[{"a":1}]');
    expect(cell({ a: 'x', b: 2, c: { d: 1 }, e: null })).toBe(`a='x', b='2', c={"d":1}`);
  });
});

describe('wrap', () => {
  it('wraps at spaces, cuts longer words, and keeps line breaks', () => {
    expect(wrap('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('a\nb', 10)).toEqual(['a', 'b']);
  });
});
