import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ScheduleListDto } from './dto/schedule.dto';

/** A response body ready to send: UTF-8 JSON (encoded once, not per response) and its strong ETag. */
export interface SerializedPage {
  readonly body: Buffer;
  readonly etag: string;
}

export function serialize(page: ScheduleListDto): SerializedPage {
  const body = Buffer.from(JSON.stringify(page), 'utf8');
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** A page kept for identical list queries; `ready` once its read succeeded. */
interface KeptPage {
  readonly at: number;
  readonly page: Promise<SerializedPage>;
  ready?: SerializedPage;
  refreshing?: boolean;
}

/** At most this many distinct list queries are kept; the oldest goes first. */
const MAX_PAGES = 1000;

/**
 * What the schedule list keeps between requests on one API instance. Whole pages, for identical list queries
 * within a time to live: consoles poll the same first page, and each page costs a database round trip and 50
 * DTOs. And totals of lists not filtered by state (they change only when schedules are created, deleted or
 * enabled/disabled): counting 10,000 rows on every page would cost the database more than the page itself.
 * Both are dropped by `clear()`, on this instance's writes and when the engine reports changed runs.
 */
export class ScheduleListCache {
  private readonly logger = new Logger('SchedulesService');
  private readonly pages = new Map<string, KeptPage>();
  private readonly totals = new Map<string, { at: number; total: number }>();

  /**
   * The page for `key`, read with `read` unless one younger than `ttlMs` is kept. Past its time, but not twice
   * over, a kept page is served once more while a single read refreshes it (stale-while-revalidate), so pollers
   * never queue behind the database; after that, requests wait for a fresh read.
   */
  page(key: string, ttlMs: number, now: number, read: () => Promise<ScheduleListDto>): Promise<SerializedPage> {
    const hit = this.pages.get(key);
    const age = hit ? now - hit.at : -1;
    if (hit && age >= 0 && age < ttlMs) return hit.page;
    if (hit?.ready && age >= 0 && age < 2 * ttlMs) {
      if (!hit.refreshing) this.refresh(key, hit, now, read);
      return Promise.resolve(hit.ready);
    }
    return this.read(key, now, read);
  }

  /** A total counted less than `maxAgeMs` ago, if any. */
  total(key: string, now: number, maxAgeMs: number): number | undefined {
    const kept = this.totals.get(key);
    const age = kept ? now - kept.at : -1;
    return kept && age >= 0 && age < maxAgeMs ? kept.total : undefined;
  }

  keepTotal(key: string, now: number, total: number): void {
    this.totals.set(key, { at: now, total });
  }

  /** Forgets kept pages and totals: after a change, the next list reads the database. */
  clear(): void {
    this.totals.clear();
    this.pages.clear();
  }

  /** Reads a page and keeps it; concurrent identical requests share the read, and a failed read is not kept. */
  private read(key: string, now: number, read: () => Promise<ScheduleListDto>): Promise<SerializedPage> {
    const page = read().then(serialize);
    const entry: KeptPage = { at: now, page };
    this.pages.set(key, entry);
    page.then(
      (ready) => (entry.ready = ready),
      () => this.pages.get(key) === entry && this.pages.delete(key),
    );
    if (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value as string);
    return page;
  }

  /** Replaces a kept page once a fresh read succeeds, unless a write dropped it meanwhile. */
  private refresh(key: string, stale: KeptPage, now: number, read: () => Promise<ScheduleListDto>): void {
    stale.refreshing = true;
    read()
      .then(serialize)
      .then(
        (ready) => this.pages.get(key) === stale && this.pages.set(key, { at: now, page: Promise.resolve(ready), ready }),
        (error: unknown) => {
          // The next request reads again, and reports the failure if it persists.
          if (this.pages.get(key) === stale) this.pages.delete(key);
          this.logger.warn(`Refreshing a kept schedule page failed: ${String(error)}`);
        },
      );
  }
}
