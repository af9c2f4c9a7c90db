import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** This installation's identity, read once at start-up (the migration creates it with the database). */
@Injectable()
export class InstallationService implements OnModuleInit {
  private readonly logger = new Logger('Installation');
  private current?: { id: string; createdAt: Date };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    // The migration inserts the row; a database whose row was removed by hand gets a new identity (and so
    // adopts none of the VMs the old one tagged), never none.
    await this.dataSource.query(`INSERT INTO installation (singleton, id) VALUES (true, gen_random_uuid()) ON CONFLICT DO NOTHING`);
    const rows: { id: string; created_at: Date }[] = await this.dataSource.query(`SELECT id, created_at FROM installation`);
    const row = rows[0];
    if (!row) throw new Error('The installation row is missing and could not be created');
    this.current = { id: row.id, createdAt: row.created_at };
    this.logger.log(`Installation ${row.id} (created ${row.created_at.toISOString()})`);
  }

  /** The installation id; VMs of this installation carry it in their `peak-installation:<id>` tag. */
  get id(): string {
    if (!this.current) throw new Error('InstallationService is not initialised yet');
    return this.current.id;
  }

  get createdAt(): Date {
    if (!this.current) throw new Error('InstallationService is not initialised yet');
    return this.current.createdAt;
  }
}
