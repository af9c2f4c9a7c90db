import type { Command } from 'commander';
import type { RunDto } from '@peak/sdk';
import { act, addOutputOptions, positiveInteger, type Io } from '../context';
import { CliError, ExitCode } from '../errors';
import { listing, record, type Column } from '../output';
import { findSchedule } from './schedule';

const RUN_COLUMNS: readonly Column<RunDto>[] = [
  { header: 'ID', get: (r) => r.id },
  { header: 'State', get: (r) => r.state },
  { header: 'Window start', get: (r) => r.windowStart },
  { header: 'Window end', get: (r) => r.windowEnd },
  { header: 'Instances', get: (r) => r.desiredCount },
  { header: 'Shortfall', get: (r) => r.shortfallReason ?? null },
];

export function registerRun(program: Command, io: Io): void {
  const run = program.command('run').description("a schedule's runs: one per window, with its VMs");

  act(
    addOutputOptions(
      run
        .command('list')
        .description("list a schedule's runs, newest first (every page, unless --limit)")
        .argument('<schedule>', 'id or name')
        .option('--limit <n>', 'at most this many', positiveInteger),
    ),
    io,
    async (ctx, [schedule]) => {
      const peak = ctx.client();
      const { id } = await findSchedule(peak, schedule as string);
      const limit = ctx.options['limit'] as number | undefined;
      const items: RunDto[] = [];
      for await (const r of peak.runs(id, {}, limit === undefined ? undefined : Math.min(limit, 100))) {
        items.push(r);
        if (items.length === limit) break;
      }
      ctx.print(listing(items, RUN_COLUMNS));
    },
  );

  act(
    addOutputOptions(
      run.command('show').description('show a run and its VMs').argument('<schedule>', 'id or name').argument('<run>', "the run's id"),
    ),
    io,
    async (ctx, [schedule, runId]) => {
      const peak = ctx.client();
      const { id } = await findSchedule(peak, schedule as string);
      // The API has no GET for one run: it is found in the schedule's list.
      for await (const r of peak.runs(id)) {
        if (r.id === runId) return ctx.print(record(r));
      }
      throw new CliError(`schedule ${id} has no run ${runId}`, ExitCode.NotFound);
    },
  );
}
