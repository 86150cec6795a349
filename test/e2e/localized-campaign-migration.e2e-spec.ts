import { LocalizedCampaignContent1796150000000 } from '../../migrations/1796150000000-LocalizedCampaignContent.js';
import { createCampaignProgramme } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { addPartner } from '../factories/public-pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * The migration that made campaign, reward, update, milestone and partner texts per language: the
 * text written before it belongs to the authority's default language (English here, to tell it from a
 * hard-coded French), and `down` gives the same text back.
 */
describe('migration: laureate- and partner-written texts per language', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  const migration = new LocalizedCampaignContent1796150000000();

  beforeAll(async () => {
    t = await startTestApp();
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(async () => {
    await t.close();
  });

  const one = async (sql: string, params: unknown[] = []) => (await t.ds.query(sql, params))[0];

  it('moves every text under the default language, element by element in JSON arrays, and back', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { rewards: [{ title: 'Postcard', minAmountCents: 1_000 }] });
    const [c] = w.campaigns;
    const partnerId = await addPartner(t, city, w.programme.id, { name: 'Bank', description: 'Matches every euro.' });
    const [laureate] = await t.ds.query(
      `INSERT INTO coaching_laureate (tenant_id, programme_id, application_id, user_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (application_id) DO UPDATE SET user_id = EXCLUDED.user_id RETURNING id`,
      [city.tenant.id, w.programme.id, c.laureate.applicationId, c.laureate.userId],
    );
    await t.ds.query(`INSERT INTO coaching_plan (tenant_id, programme_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [city.tenant.id, w.programme.id]);
    await t.ds.query(
      `INSERT INTO coaching_milestone (tenant_id, programme_id, laureate_id, milestone_key, kind, title, required, at, evidence_kind)
       VALUES ($1, $2, $3, 'migration-test', 'deliverable', '{}', true, now(), 'text')`,
      [city.tenant.id, w.programme.id, laureate.id],
    );
    await t.ds.query(`INSERT INTO campaign_update (tenant_id, campaign_id, author_user_id, title, body) VALUES ($1, $2, $3, '{}', '{}')`, [
      city.tenant.id,
      c.id,
      c.laureate.userId,
    ]);

    // An authority whose default is English (set after the content was made: the factories write French).
    await t.ds.query(`UPDATE tenant SET default_locale = 'en' WHERE id = $1`, [city.tenant.id]);
    // Back to the single-language schema, with the texts as they were written then.
    const q = t.ds.createQueryRunner();
    try {
      await migration.down(q);
      await q.query(
        `UPDATE campaign SET title = 'Bike workshop', summary = '', story = '<p>A story</p>', image_alt = 'A bike',
           faq = '[{"question": "Where?", "answer": "At the harbour."}, {"question": "When?", "answer": ""}]' WHERE id = $1`,
        [c.id],
      );
      await q.query(`UPDATE reward_tier SET title = 'Postcard', description = 'Hand-drawn' WHERE campaign_id = $1`, [c.id]);
      await q.query(`UPDATE campaign_update SET title = 'News', body = 'Thank you' WHERE campaign_id = $1`, [c.id]);
      await q.query(`UPDATE coaching_milestone SET title = 'Story', description = 'Who you are' WHERE laureate_id = $1`, [laureate.id]);
      await q.query(`UPDATE partner SET description = 'Matches every euro.' WHERE id = $1`, [partnerId]);
      await q.query(
        `UPDATE coaching_plan SET milestones = '[{"id": "kickoff", "kind": "session", "title": "Kick-off", "required": false, "date": {"kind": "relative", "days": 0},
           "location": {"kind": "place", "address": "Town hall"}}, {"id": "story", "kind": "deliverable", "title": "Story", "description": "Who you are",
           "required": true, "date": {"kind": "relative", "days": 7}, "evidence": "text"}]' WHERE programme_id = $1`,
        [w.programme.id],
      );
      expect((await one(`SELECT pg_typeof(title)::text AS type FROM campaign WHERE id = $1`, [c.id])).type).toBe('text');

      await migration.up(q);
      expect(await one(`SELECT title, summary, story, image_alt, faq FROM campaign WHERE id = $1`, [c.id])).toEqual({
        title: { en: 'Bike workshop' },
        summary: {},
        story: { en: '<p>A story</p>' },
        image_alt: { en: 'A bike' },
        faq: [
          { question: { en: 'Where?' }, answer: { en: 'At the harbour.' } },
          { question: { en: 'When?' }, answer: {} },
        ],
      });
      expect(await one(`SELECT title, description FROM reward_tier WHERE campaign_id = $1`, [c.id])).toEqual({
        title: { en: 'Postcard' },
        description: { en: 'Hand-drawn' },
      });
      expect(await one(`SELECT title, body FROM campaign_update WHERE campaign_id = $1`, [c.id])).toEqual({ title: { en: 'News' }, body: { en: 'Thank you' } });
      expect(await one(`SELECT title, description FROM coaching_milestone WHERE laureate_id = $1`, [laureate.id])).toEqual({
        title: { en: 'Story' },
        description: { en: 'Who you are' },
      });
      expect((await one(`SELECT description FROM partner WHERE id = $1`, [partnerId])).description).toEqual({ en: 'Matches every euro.' });
      const plan = (await one(`SELECT milestones FROM coaching_plan WHERE programme_id = $1`, [w.programme.id])).milestones;
      expect(plan).toEqual([
        {
          id: 'kickoff',
          kind: 'session',
          title: { en: 'Kick-off' },
          required: false,
          date: { kind: 'relative', days: 0 },
          location: { kind: 'place', address: 'Town hall' },
        },
        {
          id: 'story',
          kind: 'deliverable',
          title: { en: 'Story' },
          description: { en: 'Who you are' },
          required: true,
          date: { kind: 'relative', days: 7 },
          evidence: 'text',
        },
      ]);

      // And back again: the default language's text (a text in another language only is kept too).
      await q.query(`UPDATE reward_tier SET title = '{"fr": "Carte postale"}' WHERE campaign_id = $1`, [c.id]);
      await migration.down(q);
      expect(await one(`SELECT title, summary, story, image_alt, faq FROM campaign WHERE id = $1`, [c.id])).toEqual({
        title: 'Bike workshop',
        summary: '',
        story: '<p>A story</p>',
        image_alt: 'A bike',
        faq: [
          { question: 'Where?', answer: 'At the harbour.' },
          { question: 'When?', answer: '' },
        ],
      });
      expect((await one(`SELECT title FROM reward_tier WHERE campaign_id = $1`, [c.id])).title).toBe('Carte postale');
      expect((await one(`SELECT milestones FROM coaching_plan WHERE programme_id = $1`, [w.programme.id])).milestones[1]).toMatchObject({
        title: 'Story',
        description: 'Who you are',
      });
      await migration.up(q);
    } finally {
      await q.release();
    }
  });
});
