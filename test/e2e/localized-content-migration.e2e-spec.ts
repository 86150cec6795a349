import { DataSource } from 'typeorm';
import { LocalizedProgrammeContent1796146000000 as Migration } from '../../migrations/1796146000000-LocalizedProgrammeContent.js';
import { createDataSource } from '../../src/database/data-source.js';
import { createTestDatabase } from '../setup/database.js';

/**
 * The migration that moved programme, call and jury texts to one map per field, run on rows written
 * the old way: the database is taken back before it (`down`), old rows are written, and `up` runs again.
 */
describe('migration LocalizedProgrammeContent', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = createDataSource(await createTestDatabase(), 2);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('moves every title, summary, text and label into per-language maps, and back', async () => {
    const q = ds.createQueryRunner();
    try {
      await new Migration().down(q);
      const [tenant] = await q.query(`INSERT INTO tenant (slug, name, sender_name, sender_email) VALUES ('old-city', 'Old', 'A', 'a@a.test') RETURNING id`);
      const [p] = await q.query(
        `INSERT INTO programme (tenant_id, slug, title_fr, title_en, summary_fr, summary_en) VALUES ($1, 'old', 'Makers', 'Makers EN', 'Résumé', '') RETURNING id`,
        [tenant.id],
      );
      const categories = [
        { key: 'reuse', labelFr: 'Réemploi', labelEn: 'Reuse' },
        { key: 'food', labelFr: 'Alimentation', labelEn: '' },
      ];
      const form = [
        { key: 'volunteers', kind: 'number', labelFr: 'Bénévoles', labelEn: 'Volunteers', helpFr: 'Environ', helpEn: '', required: false },
        {
          key: 'public',
          kind: 'single_choice',
          labelFr: 'Public',
          labelEn: 'Audience',
          required: true,
          options: [
            { key: 'young', labelFr: 'Jeunes', labelEn: 'Young people' },
            { key: 'all', labelFr: 'Tous', labelEn: 'Everyone' },
          ],
        },
      ];
      await q.query(
        `INSERT INTO call (tenant_id, programme_id, text_fr, text_en, categories, goal_min_cents, goal_max_cents, deadline, form, receipt_prefix)
         VALUES ($1, $2, 'Texte', 'Text', $3, 0, 100, now(), $4, 'OLD')`,
        [tenant.id, p.id, JSON.stringify(categories), JSON.stringify(form)],
      );
      const settings = { criteria: [{ id: 'impact', labelFr: 'Impact', labelEn: 'Impact EN', weight: 2, min: 0, max: 5 }], quorum: 1 };
      await q.query(`INSERT INTO jury (tenant_id, programme_id, settings) VALUES ($1, $2, $3)`, [tenant.id, p.id, JSON.stringify(settings)]);

      await new Migration().up(q);

      const [programme] = await q.query(`SELECT title, summary FROM programme WHERE id = $1`, [p.id]);
      expect(programme).toEqual({ title: { fr: 'Makers', en: 'Makers EN' }, summary: { fr: 'Résumé' } });
      const [call] = await q.query(`SELECT text, categories, form FROM call WHERE programme_id = $1`, [p.id]);
      expect(call.text).toEqual({ fr: 'Texte', en: 'Text' });
      expect(call.categories).toEqual([
        { key: 'reuse', label: { fr: 'Réemploi', en: 'Reuse' } },
        { key: 'food', label: { fr: 'Alimentation' } },
      ]);
      expect(call.form).toEqual([
        { key: 'volunteers', kind: 'number', label: { fr: 'Bénévoles', en: 'Volunteers' }, help: { fr: 'Environ' }, required: false },
        {
          key: 'public',
          kind: 'single_choice',
          label: { fr: 'Public', en: 'Audience' },
          required: true,
          options: [
            { key: 'young', label: { fr: 'Jeunes', en: 'Young people' } },
            { key: 'all', label: { fr: 'Tous', en: 'Everyone' } },
          ],
        },
      ]);
      const [jury] = await q.query(`SELECT settings FROM jury WHERE programme_id = $1`, [p.id]);
      expect(jury.settings).toEqual({ criteria: [{ id: 'impact', label: { fr: 'Impact', en: 'Impact EN' }, weight: 2, min: 0, max: 5 }], quorum: 1 });
      const columns = await q.query(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN ('programme', 'call') AND column_name ~ '_(fr|en)$'`,
      );
      expect(columns).toEqual([]);

      // And back: the old columns and keys return with their values (a missing language takes the other).
      await new Migration().down(q);
      const [old] = await q.query(`SELECT title_fr, title_en, summary_fr, summary_en FROM programme WHERE id = $1`, [p.id]);
      expect(old).toEqual({ title_fr: 'Makers', title_en: 'Makers EN', summary_fr: 'Résumé', summary_en: '' });
      const [oldCall] = await q.query(`SELECT text_fr, text_en, categories, form FROM call WHERE programme_id = $1`, [p.id]);
      expect(oldCall.text_fr).toBe('Texte');
      expect(oldCall.categories[1]).toEqual({ key: 'food', labelFr: 'Alimentation', labelEn: 'Alimentation' });
      expect(oldCall.form[0]).toMatchObject({ labelFr: 'Bénévoles', labelEn: 'Volunteers', helpFr: 'Environ' });
      expect(oldCall.form[1].options[0]).toEqual({ key: 'young', labelFr: 'Jeunes', labelEn: 'Young people' });
      const [oldJury] = await q.query(`SELECT settings FROM jury WHERE programme_id = $1`, [p.id]);
      expect(oldJury.settings.criteria[0]).toMatchObject({ labelFr: 'Impact', labelEn: 'Impact EN' });
      await new Migration().up(q);
    } finally {
      await q.release();
    }
  });
});
