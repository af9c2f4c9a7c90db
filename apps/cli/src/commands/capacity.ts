import type { Command } from 'commander';
import type { CapacityResourceDto } from '@peak/sdk';
import { act, addOutputOptions, type Io } from '../context';
import { listing } from '../output';

export function registerCapacity(program: Command, io: Io): void {
  act(
    addOutputOptions(
      program
        .command('capacity')
        .description("will it fit? the project's planned demand per resource against its quota (a row per resource)")
        .option('--from <time>', 'start of the range (RFC 3339; default now)')
        .option('--to <time>', "end of the range (RFC 3339; default the API's CAPACITY_HORIZON_DAYS after --from)")
        .option('--project <id>', "another project than the token's (cloud admins)"),
    ),
    io,
    async (ctx) => {
      const { data } = await ctx.client().getCapacity({
        query: {
          from: ctx.options['from'] as string | undefined,
          to: ctx.options['to'] as string | undefined,
          projectId: ctx.options['project'] as string | undefined,
        },
      });
      // One row per resource: the quota line, the highest demand and where it does not fit.
      const conflictsOf = (r: CapacityResourceDto) => data.conflicts.filter((c) => c.resource === r.resource);
      ctx.print(
        listing(data.resources, [
          { header: 'Resource', get: (r) => r.resource },
          { header: 'Limit', get: (r) => r.limit },
          { header: 'Used by others', get: (r) => r.usageNotOurs },
          { header: 'Available', get: (r) => r.available },
          { header: 'Peak demand', get: (r) => Math.max(0, ...r.steps.map((s) => s.value)) },
          { header: 'Fits', get: (r) => (data.fits === null ? null : conflictsOf(r).length === 0) },
          { header: 'First conflict', get: (r) => conflictsOf(r)[0]?.from ?? null },
        ]),
      );
    },
  );
}
