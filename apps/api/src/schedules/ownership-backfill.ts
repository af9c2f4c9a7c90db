import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OpenStackClient } from '@peak/openstack-client';
import { DataSource } from 'typeorm';
import { describeError } from '../openstack/describe-error';

const RETRY_MS = 30_000;

/**
 * Schedules made before projects have none: their VMs were always made in the service account's project, so that
 * is where they belong. Filled in once at start-up (retried in the background while the cloud cannot say which
 * project that is), together with their runs. Until then a cloud admin sees them; nobody else does.
 */
@Injectable()
export class OwnershipBackfill implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Schedules');
  private timer?: NodeJS.Timeout;
  private done: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly openstack: OpenStackClient,
  ) {}

  onApplicationBootstrap(): void {
    this.done = this.run();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** Resolves once the current attempt ended (tests). */
  whenSettled(): Promise<void> {
    return this.done;
  }

  /** One attempt now; on failure another follows in the background. */
  async run(): Promise<void> {
    try {
      const pending: { count: number }[] = await this.dataSource.query(
        `SELECT count(*)::int AS count FROM schedule WHERE project_id IS NULL`,
      );
      const runs: { count: number }[] = await this.dataSource.query(`SELECT count(*)::int AS count FROM run WHERE project_id IS NULL`);
      if ((pending[0]?.count ?? 0) + (runs[0]?.count ?? 0) === 0) return;
      const { project } = await this.openstack.identity.serviceToken();
      if (!project) throw new Error("the service account's token is not scoped to a project");
      await this.dataSource.transaction(async (tx) => {
        await tx.query(`UPDATE schedule SET project_id = $1, project_name = $2, project_domain_id = $3 WHERE project_id IS NULL`, [
          project.id,
          project.name,
          project.domain?.id ?? null,
        ]);
        await tx.query(
          `UPDATE run r SET project_id = COALESCE((SELECT s.project_id FROM schedule s WHERE s.id = r.schedule_id), $1) WHERE r.project_id IS NULL`,
          [project.id],
        );
      });
      this.logger.log(
        `Schedules and runs made before projects now belong to the service account's project ${project.name} (${project.id})`,
      );
    } catch (error) {
      this.logger.warn(`Could not assign older schedules to a project yet (${describeError(error)}); retrying in ${RETRY_MS / 1000} s`);
      this.timer = setTimeout(() => {
        this.done = this.run();
      }, RETRY_MS);
      this.timer.unref();
    }
  }
}
