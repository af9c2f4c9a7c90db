import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventEntity } from './event.entity';
import type { EventType } from './event-types';

/** What a schedule's history shows, newest first. */
export interface EventPage {
  readonly items: EventEntity[];
  readonly total: number;
}

/**
 * Reads the outbox as a history: the events of one schedule, kept (delivered or not) for `RUN_RETENTION_DAYS`, as its
 * runs are. Writing stays with `appendEvents`.
 */
@Injectable()
export class EventLog {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ofSubject(subject: string, page: { limit: number; offset: number; type?: EventType }): Promise<EventPage> {
    const [items, total] = await this.dataSource.getRepository(EventEntity).findAndCount({
      where: page.type ? { subject, type: page.type } : { subject },
      order: { seq: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }
}
