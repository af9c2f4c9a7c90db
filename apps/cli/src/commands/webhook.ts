import { InvalidArgumentError, Option, type Command } from 'commander';
import { WebhookEventType, type UpdateWebhookDto, type WebhookDeliveryDto, type WebhookDto } from '@peak/sdk';
import { act, addOutputOptions, positiveInteger, type Io } from '../context';
import { CliError, ExitCode } from '../errors';
import { listing, record, type Column } from '../output';

const EVENT_TYPES: readonly string[] = Object.values(WebhookEventType);

const WEBHOOK_COLUMNS: readonly Column<WebhookDto>[] = [
  { header: 'ID', get: (w) => w.id },
  { header: 'URL', get: (w) => w.url },
  { header: 'Enabled', get: (w) => w.enabled },
  { header: 'Events', get: (w) => (w.eventTypes.length ? w.eventTypes.join(',') : 'all') },
  { header: 'Project', get: (w) => w.projectId ?? 'cloud-wide' },
  { header: 'Failing since', get: (w) => w.failingSince },
];

const DELIVERY_COLUMNS: readonly Column<WebhookDeliveryDto>[] = [
  { header: 'ID', get: (d) => d.id },
  { header: 'Event', get: (d) => d.eventType },
  { header: 'Schedule', get: (d) => d.scheduleId },
  { header: 'Status', get: (d) => d.status },
  { header: 'Attempts', get: (d) => d.attempts.length },
  { header: 'Last code', get: (d) => d.attempts[d.attempts.length - 1]?.statusCode ?? null },
  { header: 'Last latency ms', get: (d) => d.attempts[d.attempts.length - 1]?.latencyMs ?? null },
  { header: 'Next attempt', get: (d) => d.nextAttemptAt },
  { header: 'Created', get: (d) => d.createdAt },
];

/** `--event a,b --event c`: each checked against the API's event types, so a typo is a usage error naming it. */
function eventTypes(value: string, previous: string[] | undefined): string[] {
  const types = value.split(',').filter((t) => t !== '');
  const unknown = types.find((t) => !EVENT_TYPES.includes(t));
  if (unknown) throw new InvalidArgumentError(`unknown event type '${unknown}' (one of ${EVENT_TYPES.join(', ')})`);
  return [...(previous ?? []), ...types];
}

function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}

export function registerWebhook(program: Command, io: Io): void {
  const webhook = program.command('webhook').description('webhooks: schedule and run events sent to your HTTPS endpoint, signed');

  act(
    addOutputOptions(
      webhook
        .command('list')
        .description("list webhooks (your project's; a cloud admin's: all), newest first")
        .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger)),
    ),
    io,
    async (ctx) => {
      const limit = ctx.options['limit'] as number | undefined;
      const items: WebhookDto[] = [];
      for await (const w of ctx.client().webhooks(limit === undefined ? undefined : Math.min(limit, 100))) {
        items.push(w);
        if (items.length === limit) break;
      }
      ctx.print(listing(items, WEBHOOK_COLUMNS));
    },
  );

  act(addOutputOptions(webhook.command('show').description('show a webhook').argument('<id>', 'webhook id')), io, async (ctx, [id]) => {
    ctx.print(record((await ctx.client().getWebhook({ path: { id: id as string } })).data));
  });

  act(
    addOutputOptions(
      webhook
        .command('create')
        .description('create a webhook; its signing secret is printed this once')
        .requiredOption('--url <url>', 'https URL the events are POSTed to')
        .option('--description <text>', 'what it is for')
        .option('--event <type>', 'only these event types (repeat, or separate with commas; default: all)', eventTypes)
        .option('--schedule <id>', "only these schedules' events (repeat, or separate with commas; default: all)", list)
        .option('--disabled', 'create it disabled')
        .option('--cloud-wide', "every project's events (cloud admins)")
        .option('--idempotency-key <key>', 'send this Idempotency-Key: a retry with the same key creates nothing more'),
    ),
    io,
    async (ctx) => {
      const o = ctx.options;
      const key = o['idempotencyKey'] as string | undefined;
      const { data } = await ctx.client().createWebhook({
        body: {
          url: o['url'] as string,
          description: o['description'] as string | undefined,
          eventTypes: o['event'] as WebhookEventType[] | undefined,
          scheduleIds: o['schedule'] as string[] | undefined,
          enabled: o['disabled'] === true ? false : undefined,
          cloudWide: o['cloudWide'] === true ? true : undefined,
        },
        headers: key ? { 'Idempotency-Key': key } : undefined,
      });
      ctx.print(record(data));
    },
  );

  act(
    addOutputOptions(
      webhook
        .command('set')
        .description("change a webhook's fields")
        .argument('<id>', 'webhook id')
        .option('--url <url>', 'new URL')
        .option('--description <text>', 'new description')
        .addOption(new Option('--event <type>', 'only these event types (repeat, or commas)').argParser(eventTypes).conflicts('allEvents'))
        .option('--all-events', 'every event type')
        .addOption(
          new Option('--schedule <id>', "only these schedules' events (repeat, or commas)").argParser(list).conflicts('allSchedules'),
        )
        .option('--all-schedules', "every schedule's events")
        .addOption(new Option('--enable', 'enable it (a webhook the product disabled starts afresh)').conflicts('disable'))
        .option('--disable', 'disable it'),
    ),
    io,
    async (ctx, [id]) => {
      const o = ctx.options;
      const body: UpdateWebhookDto = {};
      if (o['url'] !== undefined) body.url = o['url'] as string;
      if (o['description'] !== undefined) body.description = o['description'] as string;
      if (o['event'] !== undefined) body.eventTypes = o['event'] as WebhookEventType[];
      if (o['allEvents'] === true) body.eventTypes = [];
      if (o['schedule'] !== undefined) body.scheduleIds = o['schedule'] as string[];
      if (o['allSchedules'] === true) body.scheduleIds = [];
      if (o['enable'] === true) body.enabled = true;
      if (o['disable'] === true) body.enabled = false;
      if (Object.keys(body).length === 0)
        throw new CliError('nothing to change: give --url, --event, --schedule, --enable... ', ExitCode.Usage);
      ctx.print(record((await ctx.client().updateWebhook({ path: { id: id as string }, body })).data));
    },
  );

  act(
    addOutputOptions(
      webhook
        .command('rotate-secret')
        .description('replace the signing secret; the new one is printed this once')
        .argument('<id>', 'webhook id'),
    ),
    io,
    async (ctx, [id]) => {
      ctx.print(record((await ctx.client().rotateWebhookSecret({ path: { id: id as string } })).data));
    },
  );

  act(webhook.command('delete').description('delete webhooks').argument('<id...>', 'webhook ids'), io, async (ctx, ids) => {
    const failures: unknown[] = [];
    for (const id of ids) {
      try {
        await ctx.client().deleteWebhook({ path: { id } });
      } catch (error) {
        failures.push(error);
        if (ids.length > 1) ctx.warn(`failed to delete webhook '${id}': ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const [first] = failures;
    if (failures.length === 1 && ids.length === 1) throw first;
    if (failures.length > 0) throw new CliError(`${failures.length} of ${ids.length} webhooks failed to delete`, ExitCode.Error);
  });

  act(
    addOutputOptions(
      webhook.command('test').description('send a peak.webhook.ping now and show its delivery').argument('<id>', 'webhook id'),
    ),
    io,
    async (ctx, [id]) => {
      const { data } = await ctx.client().testWebhook({ path: { id: id as string } });
      const last = data.attempts[data.attempts.length - 1];
      ctx.print(
        record({
          id: data.id,
          eventId: data.eventId,
          status: data.status,
          statusCode: last?.statusCode ?? null,
          latencyMs: last?.latencyMs ?? null,
          error: last?.error ?? null,
          nextAttemptAt: data.nextAttemptAt,
        }),
      );
    },
  );

  act(
    addOutputOptions(
      webhook
        .command('deliveries')
        .description("a webhook's deliveries, newest first: status, attempts, last response code and latency, next attempt")
        .argument('<id>', 'webhook id')
        .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger)),
    ),
    io,
    async (ctx, [id]) => {
      const limit = ctx.options['limit'] as number | undefined;
      const items: WebhookDeliveryDto[] = [];
      for await (const d of ctx.client().webhookDeliveries(id as string, limit === undefined ? undefined : Math.min(limit, 100))) {
        items.push(d);
        if (items.length === limit) break;
      }
      ctx.print(listing(items, DELIVERY_COLUMNS));
    },
  );
}
