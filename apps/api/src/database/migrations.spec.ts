import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { MIGRATIONS } from './migrations';
import { typeormOptions } from './typeorm.options';

describe('migrations', () => {
  let db: TestDatabase;
  let sut: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('migrations');
    sut = await new DataSource(typeormOptions({ url: db.url, poolSize: 1, migrationsRun: false })).initialize();
  });

  afterAll(async () => {
    await sut.destroy();
    await db.drop();
  });

  it('apply on an empty database, and a second run is a no-op', async () => {
    const first = await sut.runMigrations({ transaction: 'each' });
    expect(first.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(first.length).toBeGreaterThan(0);

    const second = await sut.runMigrations({ transaction: 'each' });
    expect(second).toEqual([]);
    expect(await sut.showMigrations()).toBe(false);
  });

  it('leave nothing for TypeORM to generate: entities and migrations agree', async () => {
    const pending = await sut.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('revert cleanly, one by one', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await sut.undoLastMigration({ transaction: 'each' });
    const tables = await sut.query(
      `select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'migrations'`,
    );
    expect(tables).toEqual([]);
    await sut.runMigrations({ transaction: 'each' });
  });
});
