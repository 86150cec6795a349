import pg from 'pg';
import { pendingSchemaChanges } from '../../src/database/schema-drift.js';
import { createTestDatabase } from '../setup/database.js';

describe('database schema', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase();
  });

  it('matches the entities after the migrations (no drift)', async () => {
    const { up } = await pendingSchemaChanges(url);
    expect(up).toEqual([]);
  });

  it('keeps the audit log append-only', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const {
        rows: [tenant],
      } = await client.query(`INSERT INTO tenant (slug, name, sender_name, sender_email) VALUES ('audit-city', 'Audit', 'A', 'a@a.test') RETURNING id`);
      await client.query(`INSERT INTO audit_entry (tenant_id, at, action, subject_type, subject_id) VALUES ($1, now(), 'x', 'y', 'z')`, [tenant.id]);
      await expect(client.query(`UPDATE audit_entry SET action = 'changed'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM audit_entry`)).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });

  it('refuses a second entry into the same phase (unique constraint as last line of defence)', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const {
        rows: [tenant],
      } = await client.query(`INSERT INTO tenant (slug, name, sender_name, sender_email) VALUES ('once-city', 'Once', 'A', 'a@a.test') RETURNING id`);
      const {
        rows: [p],
      } = await client.query(`INSERT INTO programme (tenant_id, slug, title) VALUES ($1, 'p1', '{"fr": "t"}') RETURNING id`, [tenant.id]);
      const insert = () =>
        client.query(
          `INSERT INTO phase_transition (tenant_id, programme_id, from_phase, to_phase, at, trigger) VALUES ($1, $2, 'draft', 'call_open', now(), 'schedule')`,
          [tenant.id, p.id],
        );
      await insert();
      await expect(insert()).rejects.toThrow(/phase_transition_once_key/);
    } finally {
      await client.end();
    }
  });
});
