import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Inserts many rows of an entity in one statement with a single parameter: the rows as one JSON array, which
 * PostgreSQL turns back into typed rows (`json_to_recordset`). TypeORM's insert builder binds every value of every
 * row (500 runs: 15,000 parameters, escaped one by one in Node), which made opening 500 runs at a window's start take
 * most of a second; this sends one string. Columns are the entity's, less generated ones, given in the first row;
 * a row without one of them inserts NULL there (not the column's default). Returns the `returning` column of each
 * row inserted (rows skipped by `onConflictDoNothing` return nothing). `onConflictUpdate`: a row whose primary key
 * exists is updated instead, in the given columns.
 */
export async function bulkInsert<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: readonly Partial<T>[],
  options: { onConflictDoNothing?: boolean; onConflictUpdate?: boolean; returning?: keyof T & string } = {},
): Promise<string[]> {
  const first = rows[0];
  if (first === undefined) return [];
  const metadata = manager.connection.getMetadata(target);
  const columns = metadata.columns.filter((column) => !column.isGenerated && first[column.propertyName as keyof T] !== undefined);
  const { quoted, record, json } = recordset(manager, columns, rows);
  const returning = options.returning ? metadata.findColumnWithPropertyName(options.returning)?.databaseName : undefined;
  // An upsert: a row whose primary key exists already gets the given columns (the others keep their values).
  const keys = metadata.primaryColumns.map((column) => `"${column.databaseName}"`);
  const updated = columns
    .filter((column) => !column.isPrimary)
    .map((column) => `"${column.databaseName}" = EXCLUDED."${column.databaseName}"`);
  const sql =
    `INSERT INTO "${metadata.tableName}" (${quoted.join(', ')}) ` +
    `SELECT ${quoted.join(', ')} FROM json_to_recordset($1::json) AS x(${record.join(', ')})` +
    (options.onConflictDoNothing ? ' ON CONFLICT DO NOTHING' : '') +
    (options.onConflictUpdate && updated.length > 0 ? ` ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updated.join(', ')}` : '') +
    (returning ? ` RETURNING "${returning}"` : '');
  const result: unknown = await manager.query(sql, [json]);
  if (!returning) return [];
  // TypeORM answers an INSERT ... RETURNING with its rows.
  const returned = (Array.isArray(result) ? result : []) as Record<string, unknown>[];
  return returned.map((row) => String(row[returning]));
}

/**
 * Updates many rows of an entity in one statement, the same way: every row names its primary key and the same other
 * columns (those of the first row), and each row gets its own values. A row given twice in one call is refused:
 * PostgreSQL would apply only one of the two, which one unsaid.
 */
export async function bulkUpdate<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: readonly Partial<T>[],
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const metadata = manager.connection.getMetadata(target);
  const [key, ...more] = metadata.primaryColumns;
  if (!key || more.length > 0) throw new Error(`bulkUpdate needs a single primary key column (${metadata.tableName})`);
  const ids = rows.map((row) => row[key.propertyName as keyof T]);
  if (new Set(ids).size !== ids.length) throw new Error(`bulkUpdate: a row of ${metadata.tableName} is given twice`);
  const changed = metadata.columns.filter((column) => !column.isPrimary && first[column.propertyName as keyof T] !== undefined);
  if (changed.length === 0) return;
  const { quoted, record, json } = recordset(manager, [key, ...changed], rows);
  const keyName = `"${key.databaseName}"`;
  const sql =
    `UPDATE "${metadata.tableName}" AS t SET ${quoted
      .slice(1)
      .map((column) => `${column} = x.${column}`)
      .join(', ')} ` + `FROM json_to_recordset($1::json) AS x(${record.join(', ')}) WHERE t.${keyName} = x.${keyName}`;
  await manager.query(sql, [json]);
}

/** The columns' quoted names, their record definition for `json_to_recordset`, and the rows as its JSON argument. */
function recordset<T extends ObjectLiteral>(
  manager: EntityManager,
  columns: readonly ColumnMetadata[],
  rows: readonly Partial<T>[],
): { quoted: string[]; record: string[]; json: string } {
  const driver = manager.connection.driver;
  return {
    quoted: columns.map((column) => `"${column.databaseName}"`),
    record: columns.map((column) => `"${column.databaseName}" ${driver.normalizeType(column)}${column.isArray ? '[]' : ''}`),
    json: JSON.stringify(
      rows.map((row) => Object.fromEntries(columns.map((column) => [column.databaseName, row[column.propertyName as keyof T] ?? null]))),
    ),
  };
}

/** The fields a row gives (those not undefined), as one key: rows with the same key can share a bulk statement. */
export function fieldSet(row: object): string {
  const values = row as Record<string, unknown>;
  return Object.keys(values)
    .filter((field) => values[field] !== undefined)
    .sort()
    .join(',');
}
