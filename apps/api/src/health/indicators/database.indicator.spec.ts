import { HealthIndicatorService } from '@nestjs/terminus';
import { startTcpProxy, type TcpProxy } from '@peak/testing';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../database/typeorm.options';
import { createTestDatabase, TestDatabase } from '../../testing/test-database';
import { DatabaseHealthIndicator } from './database.indicator';

// A database whose network path drops everything needs a connection of its own to stall, behind a proxy: the embedded
// fallback has one connection only.
const describeWithServer = process.env['PEAK_TEST_PG_EMBEDDED'] === 'true' ? describe.skip : describe;

describeWithServer('the database health indicator', () => {
  // Longer than the indicator's wait below, so that the indicator, not the driver, gives up first.
  const queryTimeoutMs = 2000;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('db_indicator');
    const target = new URL(db.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    dataSource = await new DataSource(
      typeormOptions({ url: proxy.url(db.url), poolSize: 1, queryTimeoutMs, connectTimeoutMs: queryTimeoutMs }),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await proxy?.close();
    await db?.drop();
  });

  it('is up while the database answers, and down, saying how long it waited, once the database stops answering', async () => {
    const indicator = new DatabaseHealthIndicator(dataSource, new HealthIndicatorService());
    await expect(indicator.check('database', 1000)).resolves.toEqual({ database: { status: 'up' } });

    proxy.stall();
    await expect(indicator.check('database', 300)).resolves.toEqual({
      database: { status: 'down', message: 'timeout of 300ms exceeded' },
    });
  });
});
