import { randomUUID } from 'node:crypto';
import { seedDemoCampaigns } from '../../src/database/demo-campaign-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { startTestApp } from '../setup/test-app.js';

describe('campaign demo seed', () => {
  it('adds a programme collecting now, with match-funding and consistent totals, once; a visitor can pledge', async () => {
    const t = await startTestApp();
    try {
      await seedDemo(t.app, 'http://localhost:3000', () => undefined);
      const lines: string[] = [];
      await Promise.all([seedDemoCampaigns(t.app, (m) => lines.push(m)), seedDemoCampaigns(t.app, (m) => lines.push(m))]);
      expect(lines).toHaveLength(1);
      const [p] = await t.ds.query(`SELECT id, phase FROM programme WHERE slug = 'makers-collecte'`);
      expect(p.phase).toBe('campaign');
      const campaigns: Array<{
        id: string;
        status: string;
        collected_cents: string;
        matched_cents: string;
        contributor_count: number;
        sum: string;
        matched: string;
        people: number;
      }> = await t.ds.query(
        `SELECT c.id, c.status, c.collected_cents, c.matched_cents, c.contributor_count,
                (SELECT sum(amount_cents) FROM contribution x WHERE x.campaign_id = c.id AND x.status = 'confirmed') AS sum,
                (SELECT sum(amount_cents) FROM match_allocation a WHERE a.campaign_id = c.id AND a.status = 'confirmed') AS matched,
                (SELECT count(DISTINCT email_key)::int FROM contribution x WHERE x.campaign_id = c.id AND x.status = 'confirmed') AS people
           FROM campaign c WHERE c.programme_id = $1`,
        [p.id],
      );
      expect(campaigns).toHaveLength(4);
      // Every demo campaign has a cover drawn at seed time (16:9, through the image pipeline) with its description; the partners have logos.
      const covers: Array<{
        cover: { width: number; height: number; variants: Array<{ format: string; width: number }> } | null;
        image_alt: Record<string, string>;
      }> = await t.ds.query(`SELECT cover, image_alt FROM campaign WHERE programme_id = $1`, [p.id]);
      for (const c of covers) {
        expect(c.cover).toMatchObject({ width: 1200, height: 675 });
        expect(c.cover!.variants.map((v) => `${v.format} ${v.width}`)).toEqual(['webp 400', 'png 400', 'webp 800', 'png 800', 'webp 1200', 'png 1200']);
        expect(c.image_alt.fr).toMatch(/^Illustration du projet/);
        expect(c.image_alt.en).toMatch(/^Illustration of the project/);
      }
      const logos = await t.ds.query(`SELECT name FROM partner WHERE programme_id = $1 AND logo IS NULL`, [p.id]);
      expect(logos).toEqual([]);
      for (const c of campaigns) {
        expect(c.status).toBe('live');
        expect(Number(c.collected_cents)).toBe(Number(c.sum));
        expect(Number(c.matched_cents)).toBe(Number(c.matched));
        expect(c.contributor_count).toBe(c.people);
        expect(Number(c.matched_cents)).toBeGreaterThan(0);
      }
      const demo = await t.ds.query(`SELECT host FROM tenant_host h JOIN tenant t ON t.id = h.tenant_id WHERE t.slug = 'demo' LIMIT 1`);
      const host = demo[0]?.host ?? 'localhost';
      const r = await t
        .http()
        .post(`/t/demo/api/campaigns/${campaigns[0].id}/contributions`)
        .set({ Host: host, 'Idempotency-Key': `demo-visit-${randomUUID()}` })
        .send({ amountCents: 1_500, email: 'visitor@example.org' });
      expect(r.status).toBe(201);
      expect(r.body.payment).toEqual({ kind: 'confirm_by_email' });
    } finally {
      await t.close();
    }
  });
});
