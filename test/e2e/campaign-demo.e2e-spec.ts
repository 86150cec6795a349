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
