import { QueryFailedError, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** One name per statement text, the same on every connection (pg prepares each name once per connection). */
const names = new Map<string, string>();
const nameOf = (text: string) => {
  let name = names.get(text);
  if (!name) names.set(text, (name = `tremplin_${names.size + 1}`));
  return name;
};

/**
 * A statement of a hot path (the contribution) run as a named prepared statement: PostgreSQL parses and
 * plans it once per connection instead of at every request, which was most of its CPU per contribution.
 * On a manager without its own connection (no query runner) it is an ordinary query. Errors are TypeORM's
 * QueryFailedError, as from `em.query`, so that the callers' checks (unique violations, outages) hold.
 */
export async function prepared<T = Record<string, unknown>>(em: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const runner = em.queryRunner;
  if (!runner) {
    // TypeORM answers UPDATE/DELETE … RETURNING with [rows, count]: the rows, as pg gives them below.
    const result: unknown = await em.query(text, values);
    return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as T[];
  }
  const client = (await runner.connect()) as PgClient;
  try {
    return (await client.query({ name: nameOf(text), text, values })).rows as T[];
  } catch (err) {
    throw new QueryFailedError(text, values, err as Error);
  }
}

/**
 * A `FOR UPDATE` read must hold its lock until the transaction ends: outside one, it would lock
 * nothing (as TypeORM's pessimistic locks refuse to).
 */
export function assertInTransaction(em: EntityManager, what: string): void {
  if (!em.queryRunner?.isTransactionActive) throw new Error(`${what} locks rows: it must run inside a transaction`);
}

/** Rows holding the entity's columns (by their database names) as entities, read the way TypeORM reads them. */
export function hydrate<E extends ObjectLiteral>(em: EntityManager, target: EntityTarget<E>, rows: Array<Record<string, unknown>>): E[] {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  return rows.map((row) => {
    const entity = metadata.create() as Record<string, unknown>;
    for (const column of metadata.columns) {
      if (column.databaseName in row) entity[column.propertyName] = driver.prepareHydratedValue(row[column.databaseName], column);
    }
    return entity as E;
  });
}

/**
 * The entity's columns, named: what a prepared statement reads instead of `*`. A `*` fixes the
 * statement's result type when the connection prepares it; a column added by a migration would then
 * fail it ("cached plan must not change result type") on every connection that prepared it before.
 */
export function columnsOf(em: EntityManager, target: EntityTarget<ObjectLiteral>): string {
  const metadata = em.connection.getMetadata(target);
  let list = columnLists.get(metadata.tableName);
  if (!list) columnLists.set(metadata.tableName, (list = metadata.columns.map((c) => `"${c.databaseName}"`).join(', ')));
  return list;
}
const columnLists = new Map<string, string>();

/** Another statement run with an insert, as a WITH query: `sql(n)` numbers its parameters from `$n`. */
export interface WithStatement {
  sql: (firstParameter: number) => string;
  values: unknown[];
}

/**
 * INSERT … RETURNING (every column) of the given fields, prepared, as the entity with its defaults. `also`: written in
 * the same statement (rows that depend on this one, such as a contribution's match allocations: their
 * foreign keys are checked at its end, when both are there): one round trip for both.
 */
export async function insertReturning<E extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<E>,
  fields: Partial<E>,
  also?: WithStatement,
): Promise<E> {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const columns = Object.keys(fields).map((key) => {
    const column = metadata.findColumnWithPropertyName(key);
    if (!column) throw new Error(`${metadata.tableName} has no column for ${key}`);
    return column;
  });
  const insert = `INSERT INTO ${metadata.tableName} (${columns.map((c) => c.databaseName).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${columnsOf(em, target)}`;
  const text = also ? `WITH inserted AS (${insert}), ${also.sql(columns.length + 1)} SELECT ${columnsOf(em, target)} FROM inserted` : insert;
  const rows = await prepared(em, text, [...columns.map((c) => driver.preparePersistentValue(fields[c.propertyName as keyof E], c)), ...(also?.values ?? [])]);
  return hydrate(em, target, rows)[0];
}
