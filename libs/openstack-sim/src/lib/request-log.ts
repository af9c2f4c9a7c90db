import { type SimService, compilePathPattern } from './behaviour';

/** One OpenStack request the simulator received (control calls to `/_sim` are not logged). */
export interface RequestLogEntry {
  /** Increasing sequence number, never reused (survives log clearing, not a reset). */
  seq: number;
  /** Wall-clock time the request arrived, epoch milliseconds with sub-millisecond fraction. */
  receivedAt: number;
  /** `receivedAt` as ISO 8601 (millisecond precision). */
  time: string;
  method: string;
  /** Path as sent, without the query. */
  path: string;
  /** Query string without `?`, empty when none. */
  query: string;
  service: SimService | null;
  /** Status answered; `null` while still in flight, `0` when the connection was dropped on purpose or by the client. */
  status: number | null;
  /** From arrival to the last byte answered (injected latency included). */
  durationMs: number | null;
  /** The `x-openstack-request-id` answered. */
  requestId: string;
  /** Compute only: the microversion the request was served at. */
  microversion?: string;
  /** Set when an injected fault answered this request (the fault rule's id). */
  faultId?: string;
}

export interface RequestLogFilter {
  method?: string;
  /** Exact path or a pattern (`*` one segment, `**` any). */
  path?: string;
  service?: SimService;
  status?: number;
  /** Only entries received at or after this epoch ms. */
  since?: number;
  /** Only entries with a sequence number above this (to poll for new entries). */
  afterSeq?: number;
  /** At most this many entries, the most recent ones. */
  limit?: number;
}

/** A bounded, in-order log of requests; the oldest entries go first when full. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = limit;
    this.trim();
  }

  start(entry: Omit<RequestLogEntry, 'seq' | 'time' | 'status' | 'durationMs'>): RequestLogEntry {
    const full: RequestLogEntry = {
      seq: this.nextSeq++,
      time: new Date(entry.receivedAt).toISOString(),
      status: null,
      durationMs: null,
      ...entry,
    };
    this.entries.push(full);
    this.trim();
    return full;
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }

  query(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const pattern = filter.path !== undefined ? compilePathPattern(filter.path) : undefined;
    const method = filter.method?.toUpperCase();
    const result = this.entries.filter(
      (e) =>
        (method === undefined || e.method === method) &&
        (pattern === undefined || pattern.test(e.path.length > 1 ? e.path.replace(/\/$/, '') : e.path)) &&
        (filter.service === undefined || e.service === filter.service) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.since === undefined || e.receivedAt >= filter.since) &&
        (filter.afterSeq === undefined || e.seq > filter.afterSeq),
    );
    return filter.limit !== undefined ? result.slice(Math.max(0, result.length - filter.limit)) : result;
  }

  private trim(): void {
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }
}
