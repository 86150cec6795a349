import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contribution's idempotency key locked and looked up in one round trip. The look-up is a statement
 * of its own inside a VOLATILE function, so in READ COMMITTED it reads with a snapshot taken after the
 * lock was granted: a retry that waited for its first attempt finds what that attempt committed (a
 * single SELECT would read with the snapshot of its start, taken before the wait).
 */
export class ContributionKeyLookup1796260000000 implements MigrationInterface {
  name = 'ContributionKeyLookup1796260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION contribution_by_key_locked(lock_key text, p_tenant uuid, p_key text) RETURNS SETOF contribution
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext(lock_key));
        RETURN QUERY SELECT * FROM contribution WHERE tenant_id = p_tenant AND idempotency_key = p_key;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION contribution_by_key_locked(text, uuid, text)`);
  }
}
