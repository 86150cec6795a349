import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Laureate- and partner-written texts become one JSONB map per field, `{ "fr": "…", "en": "…" }`
 * (issue 15). Every text written so far is in the authority's default language: it moves under that
 * key; an empty text becomes `{}`. Arrays of JSON (FAQ entries, plan milestones) are rewritten element
 * by element. `down` keeps the default language's text (else any language's).
 */

/** [table, column, has a default ('{}')] */
const COLUMNS: Array<[string, string, boolean]> = [
  ['campaign', 'title', false],
  ['campaign', 'summary', true],
  ['campaign', 'story', true],
  ['campaign', 'image_alt', true],
  ['reward_tier', 'title', false],
  ['reward_tier', 'description', true],
  ['campaign_update', 'title', false],
  ['campaign_update', 'body', false],
  ['coaching_milestone', 'title', false],
  ['coaching_milestone', 'description', true],
  ['partner', 'description', true],
];

/** SQL: a text as a map under the tenant's default language (`t` is the tenant row). */
const toMap = (text: string) => `CASE WHEN ${text} IS NULL OR btrim(${text}) = '' THEN '{}'::jsonb ELSE jsonb_build_object(t.default_locale, ${text}) END`;
/** SQL: a map back to one text, the default language's first. */
const toText = (map: string) =>
  `COALESCE(NULLIF(${map} ->> t.default_locale, ''), (SELECT e.value FROM jsonb_each_text(CASE WHEN jsonb_typeof(${map}) = 'object' THEN ${map} ELSE '{}'::jsonb END) e WHERE e.value <> '' ORDER BY e.key LIMIT 1), '')`;

export class LocalizedCampaignContent1796150000000 implements MigrationInterface {
  name = 'LocalizedCampaignContent1796150000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column, hasDefault] of COLUMNS) {
      await q.query(`ALTER TABLE "${table}" ADD "${column}_l" jsonb NOT NULL DEFAULT '{}'`);
      await q.query(`UPDATE "${table}" x SET "${column}_l" = ${toMap(`x."${column}"`)} FROM tenant t WHERE t.id = x.tenant_id`);
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
      await q.query(`ALTER TABLE "${table}" RENAME COLUMN "${column}_l" TO "${column}"`);
      if (!hasDefault) await q.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" DROP DEFAULT`);
    }
    await q.query(
      `UPDATE campaign c SET faq = (
         SELECT COALESCE(jsonb_agg(jsonb_build_object('question', ${toMap(`e.v ->> 'question'`)}, 'answer', ${toMap(`e.v ->> 'answer'`)}) ORDER BY e.ord), '[]'::jsonb)
           FROM jsonb_array_elements(c.faq) WITH ORDINALITY AS e(v, ord))
         FROM tenant t WHERE t.id = c.tenant_id AND jsonb_typeof(c.faq) = 'array' AND jsonb_array_length(c.faq) > 0`,
    );
    await q.query(
      `UPDATE coaching_plan p SET milestones = (
         SELECT COALESCE(jsonb_agg(
                  (e.v - 'description') || jsonb_build_object('title', ${toMap(`e.v ->> 'title'`)})
                  || CASE WHEN COALESCE(e.v ->> 'description', '') = '' THEN '{}'::jsonb ELSE jsonb_build_object('description', ${toMap(`e.v ->> 'description'`)}) END
                  ORDER BY e.ord), '[]'::jsonb)
           FROM jsonb_array_elements(p.milestones) WITH ORDINALITY AS e(v, ord))
         FROM tenant t WHERE t.id = p.tenant_id AND jsonb_typeof(p.milestones) = 'array' AND jsonb_array_length(p.milestones) > 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE coaching_plan p SET milestones = (
         SELECT COALESCE(jsonb_agg(
                  (e.v - 'description') || jsonb_build_object('title', ${toText(`(e.v -> 'title')`)})
                  || CASE WHEN e.v ? 'description' THEN jsonb_build_object('description', ${toText(`(e.v -> 'description')`)}) ELSE '{}'::jsonb END
                  ORDER BY e.ord), '[]'::jsonb)
           FROM jsonb_array_elements(p.milestones) WITH ORDINALITY AS e(v, ord))
         FROM tenant t WHERE t.id = p.tenant_id AND jsonb_typeof(p.milestones) = 'array' AND jsonb_array_length(p.milestones) > 0`,
    );
    await q.query(
      `UPDATE campaign c SET faq = (
         SELECT COALESCE(jsonb_agg(jsonb_build_object('question', ${toText(`(e.v -> 'question')`)}, 'answer', ${toText(`(e.v -> 'answer')`)}) ORDER BY e.ord), '[]'::jsonb)
           FROM jsonb_array_elements(c.faq) WITH ORDINALITY AS e(v, ord))
         FROM tenant t WHERE t.id = c.tenant_id AND jsonb_typeof(c.faq) = 'array' AND jsonb_array_length(c.faq) > 0`,
    );
    for (const [table, column, hasDefault] of [...COLUMNS].reverse()) {
      await q.query(`ALTER TABLE "${table}" ADD "${column}_t" text NOT NULL DEFAULT ''`);
      await q.query(`UPDATE "${table}" x SET "${column}_t" = ${toText(`x."${column}"`)} FROM tenant t WHERE t.id = x.tenant_id`);
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
      await q.query(`ALTER TABLE "${table}" RENAME COLUMN "${column}_t" TO "${column}"`);
      if (!hasDefault) await q.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" DROP DEFAULT`);
    }
  }
}
