import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../../src/database/migrate.js';

const TEMPLATE = 'app_template';
const TEMPLATE_LOCK = 7_314_420_099;

function urlFor(database: string): string {
  const url = new URL(process.env.TREMPLIN_TEST_ADMIN_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The template database, migrated once per run with the real migrations: the first test file to
 * get the lock builds it, the others find it ready.
 */
async function ensureTemplate(admin: pg.Client): Promise<void> {
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate`, [TEMPLATE]);
    if (exists.rowCount) return;
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    await runMigrations(urlFor(TEMPLATE));
    await admin.query(`ALTER DATABASE ${TEMPLATE} WITH is_template = true`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/** A fresh database cloned from the migrated template: real SQL, full isolation, nothing to clean. */
export async function createTestDatabase(): Promise<string> {
  if (!process.env.TREMPLIN_TEST_ADMIN_URL) throw new Error('TREMPLIN_TEST_ADMIN_URL is not set: run through jest (global setup)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.TREMPLIN_TEST_ADMIN_URL });
  await admin.connect();
  try {
    await ensureTemplate(admin);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  return urlFor(name);
}
