/** The outbox row fields an event body is made of. */
export interface EventRecord {
  readonly id: string;
  readonly type: string;
  readonly subject: string | null;
  readonly time: Date;
  readonly data: object;
}

/** Where events come from (the CloudEvents `source`). */
export const EVENT_SOURCE = '/peak-scheduler';

/**
 * The body of a delivery: the event as a CloudEvents 1.0 JSON document (structured mode). The same text on every
 * attempt, so a receiver that saw it once can recognise it (by `id`).
 */
export function cloudEventBody(event: EventRecord): string {
  return JSON.stringify({
    specversion: '1.0',
    id: event.id,
    source: EVENT_SOURCE,
    type: event.type,
    ...(event.subject === null ? {} : { subject: event.subject }),
    time: event.time.toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  });
}
