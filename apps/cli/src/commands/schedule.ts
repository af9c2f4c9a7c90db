import { Command, Option } from 'commander';
import {
  isPeakApiError,
  type CreateScheduleDto,
  type PeakClient,
  type PreviewScheduleDto,
  type ScheduleDto,
  ScheduleSort,
  ScheduleState,
  type UpdateScheduleDto,
} from '@peak/sdk';
import { act, addOutputOptions, nonNegativeInteger, positiveInteger, type Context, type Io } from '../context';
import { CliError, ExitCode } from '../errors';
import { readBodyFile } from '../input';
import { listing, record, type Column } from '../output';

const STATES = Object.values(ScheduleState);
const SORTS = Object.values(ScheduleSort);

export const SCHEDULE_COLUMNS: readonly Column<ScheduleDto>[] = [
  { header: 'ID', get: (s) => s.id },
  { header: 'Name', get: (s) => s.name },
  { header: 'State', get: (s) => s.state },
  { header: 'Enabled', get: (s) => s.enabled },
  { header: 'Instances', get: (s) => s.instanceCount },
  { header: 'Next window', get: (s) => s.nextOccurrence?.start ?? null },
];

/** `--long` adds these, as `openstack server list --long` does its extra columns. */
export const SCHEDULE_LONG_COLUMNS: readonly Column<ScheduleDto>[] = [
  ...SCHEDULE_COLUMNS,
  { header: 'Project', get: (s) => s.projectName },
  { header: 'Time zone', get: (s) => s.timeZone },
  { header: 'Window', get: (s) => (s.window.type === 'once' ? 'once' : s.window.cron) },
  { header: 'Latest run', get: (s) => s.latestRun?.state ?? null },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A schedule by id, or else by its exact name (the list's `q` filter narrows by substring, so the exact match is
 * picked here). No match is a 4, two schedules of that name a 1, as `openstack server show` does.
 */
export async function findSchedule(peak: PeakClient, idOrName: string): Promise<ScheduleDto> {
  if (UUID.test(idOrName)) {
    try {
      return (await peak.getSchedule({ path: { id: idOrName } })).data;
    } catch (error) {
      // A name may look like a UUID too: fall through to the name lookup.
      if (!isPeakApiError(error, 404)) throw error;
    }
  }
  const matches: ScheduleDto[] = [];
  for await (const schedule of peak.schedules({ q: idOrName })) if (schedule.name === idOrName) matches.push(schedule);
  const [only, ...more] = matches;
  if (!only) throw new CliError(`no schedule with a name or id of '${idOrName}' exists`, ExitCode.NotFound);
  if (more.length > 0) throw new CliError(`more than one schedule is named '${idOrName}': use its id`, ExitCode.Error);
  return only;
}

export function registerSchedule(program: Command, io: Io): void {
  const schedule = program.command('schedule').description('schedules: when, how many and which VMs');

  act(
    addOutputOptions(
      schedule
        .command('list')
        .description('list schedules (every page, unless --limit)')
        .addOption(
          new Option('--state <state>', 'only schedules in this state (repeat, or separate with commas)')
            .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',')])
            .helpGroup('Filters:'),
        )
        .addOption(new Option('--enabled', 'only enabled schedules').conflicts('disabled').helpGroup('Filters:'))
        .addOption(new Option('--disabled', 'only disabled schedules').helpGroup('Filters:'))
        .addOption(new Option('--search <text>', 'only schedules whose name contains this').helpGroup('Filters:'))
        .addOption(new Option('--project <id>', "only this project's schedules (cloud admins)").helpGroup('Filters:'))
        .addOption(new Option('--sort <key>', 'order; a leading - reverses').choices(SORTS).helpGroup('Filters:'))
        .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).helpGroup('Filters:'))
        .addOption(new Option('--long', 'more columns: project, time zone, window, latest run').helpGroup('Output:')),
    ),
    io,
    async (ctx) => {
      const o = ctx.options;
      const states = o['state'] as string[] | undefined;
      const unknown = states?.filter((s) => !(STATES as readonly string[]).includes(s));
      if (unknown?.length) {
        throw new CliError(`unknown state '${unknown.join("', '")}': use one of ${STATES.join(', ')}`, ExitCode.Usage);
      }
      const query = {
        state: states as ScheduleState[] | undefined,
        enabled: o['enabled'] === true ? true : o['disabled'] === true ? false : undefined,
        q: o['search'] as string | undefined,
        projectId: o['project'] as string | undefined,
        sort: o['sort'] as ScheduleSort | undefined,
      };
      const limit = o['limit'] as number | undefined;
      const items: ScheduleDto[] = [];
      for await (const s of ctx.client().schedules(query, limit === undefined ? undefined : Math.min(limit, 100))) {
        items.push(s);
        if (items.length === limit) break;
      }
      ctx.print(listing(items, o['long'] === true ? SCHEDULE_LONG_COLUMNS : SCHEDULE_COLUMNS));
    },
  );

  act(
    addOutputOptions(schedule.command('show').description('show a schedule').argument('<schedule>', 'id or name')),
    io,
    async (ctx, [id]) => {
      ctx.print(record(await findSchedule(ctx.client(), id as string)));
    },
  );

  act(
    addOutputOptions(
      schedule
        .command('create')
        .description('create a schedule from a YAML or JSON file (the API\'s CreateScheduleDto; "-" reads stdin)')
        .requiredOption('--file <path>', 'the schedule, e.g. peak.yaml')
        .option('--idempotency-key <key>', 'a retry with the same key gets the first answer instead of a second schedule'),
    ),
    io,
    async (ctx) => {
      const body = readBodyFile(ctx.options['file'] as string) as unknown as CreateScheduleDto;
      const key = ctx.options['idempotencyKey'] as string | undefined;
      const { data } = await ctx.client().createSchedule({ body, headers: key ? { 'Idempotency-Key': key } : undefined });
      ctx.print(record(data));
    },
  );

  act(
    schedule
      .command('set')
      .description("change a schedule's fields (reads its current version first)")
      .argument('<schedule>', 'id or name')
      .option('--name <name>', 'new name')
      .option('--description <text>', 'new description')
      .option('--instances <n>', 'number of VMs in each window', nonNegativeInteger)
      .addOption(new Option('--enable', 'enable it').conflicts('disable'))
      .option('--disable', 'disable it')
      .option('--file <path>', 'more fields to change, as YAML or JSON (UpdateScheduleDto without version)'),
    io,
    async (ctx, [id]) => {
      const o = ctx.options;
      const patch: Record<string, unknown> = o['file'] ? readBodyFile(o['file'] as string) : {};
      if (o['name'] !== undefined) patch['name'] = o['name'];
      if (o['description'] !== undefined) patch['description'] = o['description'];
      if (o['instances'] !== undefined) patch['instanceCount'] = o['instances'];
      if (o['enable'] === true) patch['enabled'] = true;
      if (o['disable'] === true) patch['enabled'] = false;
      if (Object.keys(patch).length === 0)
        throw new CliError('nothing to change: give --name, --instances, --enable... or --file', ExitCode.Usage);
      await update(ctx, id as string, patch);
    },
  );

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    act(schedule.command(name).description(`${name} a schedule`).argument('<schedule>', 'id or name'), io, async (ctx, [id]) =>
      update(ctx, id as string, { enabled }),
    );
  }

  act(
    schedule.command('delete').description('delete schedules (their VMs are torn down first)').argument('<schedule...>', 'ids or names'),
    io,
    async (ctx, ids) => {
      const failures: unknown[] = [];
      for (const id of ids) {
        try {
          const found = await findSchedule(ctx.client(), id);
          const { data } = await ctx.client().deleteSchedule({ path: { id: found.id } });
          if (data) ctx.warn(`schedule ${found.id}: ${data.message}`);
        } catch (error) {
          failures.push(error);
          if (ids.length > 1) ctx.warn(`failed to delete schedule '${id}': ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const [first] = failures;
      if (failures.length === 1 && ids.length === 1) throw first;
      if (failures.length > 0) throw new CliError(`${failures.length} of ${ids.length} schedules failed to delete`, ExitCode.Error);
    },
  );

  act(
    addOutputOptions(
      schedule
        .command('preview')
        .description('list the next windows a schedule file would have, without creating it')
        .requiredOption('--file <path>', 'the schedule (its timeZone, window and leadTimeMinutes are used)')
        .option('--count <n>', 'number of windows (default 10)', positiveInteger)
        .option('--from <time>', 'windows not ended at this instant (RFC 3339; default now)'),
    ),
    io,
    async (ctx) => {
      const file = readBodyFile(ctx.options['file'] as string);
      // A create file can be previewed as it is: only the timing fields are sent.
      const body = Object.fromEntries(
        Object.entries(file).filter(([key]) => ['timeZone', 'window', 'leadTimeMinutes'].includes(key)),
      ) as unknown as PreviewScheduleDto;
      const { data } = await ctx.client().previewSchedule({
        body,
        query: { count: ctx.options['count'] as number | undefined, from: ctx.options['from'] as string | undefined },
      });
      ctx.print(
        listing(data.occurrences, [
          { header: 'Start', get: (o) => o.start },
          { header: 'End', get: (o) => o.end },
          { header: 'Provision at', get: (o) => o.provisionAt },
          { header: 'Local start', get: (o) => o.localStart },
          { header: 'Local end', get: (o) => o.localEnd },
          { header: 'Status', get: (o) => o.status },
        ]),
      );
    },
  );
}

async function update(ctx: Context, idOrName: string, patch: Record<string, unknown>): Promise<void> {
  const peak = ctx.client();
  const current = await findSchedule(peak, idOrName);
  const body = { ...patch, version: current.version } as UpdateScheduleDto;
  await peak.updateSchedule({ path: { id: current.id }, body });
}
