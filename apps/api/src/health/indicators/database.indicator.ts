import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/**
 * The database answers `SELECT 1` within the time given: what readiness needs of it. Down, it says why (the driver's
 * message, or the time it waited), which only a cloud admin sees (HealthService.forViewer).
 *
 * Our own rather than Terminus's TypeOrmHealthIndicator: that one requires `typeorm` and `@nestjs/typeorm` by name from
 * node_modules at run time, where the built API has them in main.js (apps/api/bundled-packages.cjs); it would load a
 * second copy and not find this one's data source.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string, timeoutMs: number): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout of ${timeoutMs}ms exceeded`)), timeoutMs);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
