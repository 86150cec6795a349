import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { startTestApp } from '../setup/test-app.js';

describe('results demo seed', () => {
  it('adds a programme shaped like the reference call, with version 1 of its report published, once', async () => {
    const t = await startTestApp();
    try {
      await seedDemo(t.app, 'http://localhost:3000', () => undefined);
      const lines: string[] = [];
      await Promise.all([seedDemoResults(t.app, (m) => lines.push(m)), seedDemoResults(t.app, (m) => lines.push(m))]);
      expect(lines).toHaveLength(1);
      const [p] = await t.ds.query(`SELECT id, phase FROM programme WHERE slug = 'makers-results-demo'`);
      expect(p.phase).toBe('results');

      const snapshots = await t.ds.query('SELECT version, figures FROM report_snapshot WHERE programme_id = $1', [p.id]);
      expect(snapshots.map((s: { version: number }) => s.version)).toEqual([1]);
      const f = snapshots[0].figures;
      expect(f.applications).toMatchObject({ received: 40, laureates: 10 });
      expect(f.campaigns).toMatchObject({ total: 10, funded: 9, notFunded: 1, successRatePercent: 90 });
      expect(f.amounts.totalCents).toBeGreaterThan(5_000_000);
      expect(f.amounts.totalCents).toBeLessThan(6_000_000);
      expect(f.amounts.matchFundingCents).toBeGreaterThan(0);
      expect(f.contributions.uniqueContributors).toBeGreaterThan(900);
      expect(f.pageViews).toBeGreaterThanOrEqual(95_000);
      expect(f.perFundedCampaign.averageCents).toBeGreaterThan(550_000);
      expect(f.perFundedCampaign.averageCents).toBeLessThan(670_000);
      expect(f.daily).toHaveLength(42);
      expect(f.daily[41].cumulativeCents).toBe(f.amounts.citizensCents);

      // The campaigns' counters agree with their rows.
      const drift = await t.ds.query(
        `SELECT c.id FROM campaign c WHERE c.programme_id = $1 AND (
           c.collected_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM contribution WHERE campaign_id = c.id AND status = 'confirmed')
           OR c.matched_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM match_allocation WHERE campaign_id = c.id AND status = 'confirmed')
           OR c.contributor_count <> (SELECT count(DISTINCT email_key) FROM contribution WHERE campaign_id = c.id AND status = 'confirmed'))`,
        [p.id],
      );
      expect(drift).toEqual([]);
      // Every demo campaign has a drawn cover, every partner a drawn logo.
      expect(await t.ds.query(`SELECT id FROM campaign WHERE programme_id = $1 AND (cover IS NULL OR image_alt = '{}')`, [p.id])).toEqual([]);
      expect(await t.ds.query(`SELECT id FROM partner WHERE programme_id = $1 AND logo IS NULL`, [p.id])).toEqual([]);
      const page = await t.http().get('/programmes/makers-results-demo/results?lang=en').set('Host', 'localhost').expect(200);
      expect(page.text).toContain('9 of 10');
    } finally {
      await t.close();
    }
  });
});
