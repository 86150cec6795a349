import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `programme.blocked_reasons` held each reason as `{ code, en, fr }` sentences; they become message
 * descriptors `{ code, key, values }` rendered in the reader's language (any language the catalogues
 * have). The readiness guard's count is read back from the English sentence ("2 laureate(s) ...").
 */
export class GuardReasonMessages1796146200000 implements MigrationInterface {
  name = 'GuardReasonMessages1796146200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE "programme" p SET "blocked_reasons" = (
        SELECT jsonb_agg(
          CASE
            WHEN r ? 'key' THEN r
            WHEN r->>'code' = 'LAUREATES_NOT_READY' THEN jsonb_build_object(
              'code', r->>'code', 'key', 'guard.' || (r->>'code'),
              'values', jsonb_build_object('count', COALESCE(substring(r->>'en' from '^(\\d+)')::int, 0)))
            ELSE jsonb_build_object('code', r->>'code', 'key', 'guard.' || (r->>'code'))
          END ORDER BY i)
        FROM jsonb_array_elements(p."blocked_reasons") WITH ORDINALITY AS e(r, i))
      WHERE jsonb_typeof(p."blocked_reasons") = 'array' AND jsonb_array_length(p."blocked_reasons") > 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The sentences are not rebuilt: a programme still blocked gets its reasons again at the next tick.
    await q.query(`UPDATE "programme" SET "blocked_reasons" = NULL WHERE "blocked_reasons" IS NOT NULL`);
  }
}
