import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AuditRecordDto } from '@peak/sdk';
import { act, addOutputOptions, positiveInteger, type Io } from '../context';
import { listing, type Column } from '../output';

const AUDIT_COLUMNS: readonly Column<AuditRecordDto>[] = [
  { header: 'At', get: (r) => r.at },
  { header: 'Action', get: (r) => r.action },
  { header: 'User', get: (r) => r.userName },
  { header: 'Target', get: (r) => r.targetId },
  { header: 'Outcome', get: (r) => r.outcome },
  { header: 'Error', get: (r) => r.errorMessage },
];

/** An instant for `--from`/`--to`: checked here, so that the mistake is a usage error naming the option. */
function instant(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('expected an RFC 3339 date-time with an offset, e.g. 2026-05-04T08:00:00Z');
  return value;
}

export function registerAudit(program: Command, io: Io): void {
  const audit = program.command('audit').description('the audit log: who changed what through the API');

  act(
    addOutputOptions(
      audit
        .command('list')
        .description('list audit records, newest first (every page, unless --limit)')
        .addOption(new Option('--from <time>', 'records at or after this instant').argParser(instant).helpGroup('Filters:'))
        .addOption(new Option('--to <time>', 'records before this instant').argParser(instant).helpGroup('Filters:'))
        .addOption(new Option('--user <id>', "only this user's records").helpGroup('Filters:'))
        .addOption(new Option('--target <id>', 'only records about this target (a schedule id)').helpGroup('Filters:'))
        .addOption(new Option('--action <action>', 'only this action, e.g. schedule.delete').helpGroup('Filters:'))
        .addOption(new Option('--project <id>', "only this project's records (cloud admins)").helpGroup('Filters:'))
        .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).helpGroup('Filters:')),
    ),
    io,
    async (ctx) => {
      const o = ctx.options;
      const query = {
        from: o['from'] as string | undefined,
        to: o['to'] as string | undefined,
        userId: o['user'] as string | undefined,
        targetId: o['target'] as string | undefined,
        action: o['action'] as string | undefined,
        projectId: o['project'] as string | undefined,
      };
      const limit = o['limit'] as number | undefined;
      const items: AuditRecordDto[] = [];
      for await (const r of ctx.client().auditRecords(query, limit === undefined ? undefined : Math.min(limit, 100))) {
        items.push(r);
        if (items.length === limit) break;
      }
      ctx.print(listing(items, AUDIT_COLUMNS));
    },
  );
}
