import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `{ "fr": fr, "en": en }` from two text expressions, an empty or missing language left out. */
function perLanguage(fr: string, en: string): string {
  return `jsonb_strip_nulls(jsonb_build_object('fr', NULLIF(${fr}, ''), 'en', NULLIF(${en}, '')))`;
}

/** An element `{ …, labelFr, labelEn }` as `{ …, label: { fr, en } }` (an element already moved is kept). */
function labelled(e: string): string {
  return `CASE WHEN ${e} ? 'labelFr' OR ${e} ? 'labelEn'
    THEN (${e} - 'labelFr' - 'labelEn') || jsonb_build_object('label', ${perLanguage(`${e}->>'labelFr'`, `${e}->>'labelEn'`)})
    ELSE ${e} END`;
}

/** Every element of a JSONB array rewritten by `rewrite`, in order; '[]' for an empty or missing array. */
function eachOf(array: string, alias: string, rewrite: string): string {
  return `COALESCE((SELECT jsonb_agg(${rewrite} ORDER BY n) FROM jsonb_array_elements(
    CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END) WITH ORDINALITY AS x_${alias}(${alias}, n)), '[]'::jsonb)`;
}

/** A question: label and help per language, and its options' labels. */
const QUESTION_UP = `(${labelled('q')})
  - 'helpFr' - 'helpEn'
  || CASE WHEN COALESCE(q->>'helpFr', '') <> '' OR COALESCE(q->>'helpEn', '') <> ''
       THEN jsonb_build_object('help', ${perLanguage(`q->>'helpFr'`, `q->>'helpEn'`)}) ELSE '{}'::jsonb END
  || CASE WHEN jsonb_typeof(q->'options') = 'array'
       THEN jsonb_build_object('options', ${eachOf(`q->'options'`, 'o', labelled('o'))}) ELSE '{}'::jsonb END`;

/** The way back: a language missing in the map takes the other one, as both columns were required. */
function frOf(map: string): string {
  return `COALESCE(NULLIF(${map}->>'fr', ''), NULLIF(${map}->>'en', ''), (SELECT v FROM jsonb_each_text(COALESCE(${map}, '{}'::jsonb)) AS t(k, v) LIMIT 1), '')`;
}
function enOf(map: string): string {
  return `COALESCE(NULLIF(${map}->>'en', ''), NULLIF(${map}->>'fr', ''), (SELECT v FROM jsonb_each_text(COALESCE(${map}, '{}'::jsonb)) AS t(k, v) LIMIT 1), '')`;
}
function unlabelled(e: string): string {
  return `CASE WHEN ${e} ? 'label'
    THEN (${e} - 'label') || jsonb_build_object('labelFr', ${frOf(`${e}->'label'`)}, 'labelEn', ${enOf(`${e}->'label'`)})
    ELSE ${e} END`;
}
const QUESTION_DOWN = `(${unlabelled('q')})
  - 'help'
  || CASE WHEN jsonb_typeof(q->'help') = 'object' AND q->'help' <> '{}'::jsonb
       THEN jsonb_build_object('helpFr', ${frOf(`q->'help'`)}, 'helpEn', ${enOf(`q->'help'`)}) ELSE '{}'::jsonb END
  || CASE WHEN jsonb_typeof(q->'options') = 'array'
       THEN jsonb_build_object('options', ${eachOf(`q->'options'`, 'o', unlabelled('o'))}) ELSE '{}'::jsonb END`;

/**
 * Programme titles and summaries, call texts, category labels, question labels, help and options, and
 * jury criteria labels: from one column (or JSON key) per language, `title_fr`/`title_en`, `labelFr`/
 * `labelEn`, to one map per field, `{ "fr": "…", "en": "…" }`, so that a third language is data (issue 15).
 * Every value is moved before the old columns are dropped; `down` puts them back.
 */
export class LocalizedProgrammeContent1796146000000 implements MigrationInterface {
  name = 'LocalizedProgrammeContent1796146000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "programme" ADD "title" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "programme" ADD "summary" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`UPDATE "programme" SET "title" = ${perLanguage('title_fr', 'title_en')}, "summary" = ${perLanguage('summary_fr', 'summary_en')}`);
    await q.query(`ALTER TABLE "programme" DROP COLUMN "title_fr", DROP COLUMN "title_en", DROP COLUMN "summary_fr", DROP COLUMN "summary_en"`);

    await q.query(`ALTER TABLE "call" ADD "text" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(
      `UPDATE "call" SET "text" = ${perLanguage('text_fr', 'text_en')},
         "categories" = ${eachOf('categories', 'c', labelled('c'))},
         "form" = ${eachOf('form', 'q', QUESTION_UP)}`,
    );
    await q.query(`ALTER TABLE "call" DROP COLUMN "text_fr", DROP COLUMN "text_en"`);

    await q.query(
      `UPDATE "jury" SET "settings" = jsonb_set("settings", '{criteria}', ${eachOf(`settings->'criteria'`, 'k', labelled('k'))})
        WHERE jsonb_typeof("settings"->'criteria') = 'array'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "jury" SET "settings" = jsonb_set("settings", '{criteria}', ${eachOf(`settings->'criteria'`, 'k', unlabelled('k'))})
        WHERE jsonb_typeof("settings"->'criteria') = 'array'`,
    );

    await q.query(`ALTER TABLE "call" ADD "text_fr" text NOT NULL DEFAULT '', ADD "text_en" text NOT NULL DEFAULT ''`);
    await q.query(
      `UPDATE "call" SET "text_fr" = COALESCE("text"->>'fr', ''), "text_en" = COALESCE("text"->>'en', ''),
         "categories" = ${eachOf('categories', 'c', unlabelled('c'))},
         "form" = ${eachOf('form', 'q', QUESTION_DOWN)}`,
    );
    await q.query(`ALTER TABLE "call" DROP COLUMN "text"`);

    await q.query(
      `ALTER TABLE "programme" ADD "title_fr" text NOT NULL DEFAULT '', ADD "title_en" text NOT NULL DEFAULT '',
         ADD "summary_fr" text NOT NULL DEFAULT '', ADD "summary_en" text NOT NULL DEFAULT ''`,
    );
    await q.query(
      `UPDATE "programme" SET "title_fr" = ${frOf('title')}, "title_en" = ${enOf('title')},
         "summary_fr" = COALESCE("summary"->>'fr', ''), "summary_en" = COALESCE("summary"->>'en', '')`,
    );
    await q.query(`ALTER TABLE "programme" ALTER COLUMN "title_fr" DROP DEFAULT, ALTER COLUMN "title_en" DROP DEFAULT`);
    await q.query(`ALTER TABLE "programme" DROP COLUMN "title", DROP COLUMN "summary"`);
  }
}
