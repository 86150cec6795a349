import { seedDemoCoaching } from '../../src/database/demo-coaching-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { startTestApp } from '../setup/test-app.js';

describe('coaching demo seed', () => {
  it('adds a programme in coaching with ten laureates (one promoted after a withdrawal), partners and a confirmed matching, once', async () => {
    const t = await startTestApp();
    try {
      await seedDemo(t.app, 'http://localhost:3000', () => undefined);
      const lines: string[] = [];
      await Promise.all([seedDemoCoaching(t.app, (m) => lines.push(m)), seedDemoCoaching(t.app, (m) => lines.push(m))]);
      expect(lines).toHaveLength(1);
      const [p] = await t.ds.query(`SELECT id, phase FROM programme WHERE slug = 'makers-coaching-demo'`);
      expect(p.phase).toBe('coaching');
      const [counts] = await t.ds.query(
        `SELECT (SELECT count(*)::int FROM coaching_laureate WHERE programme_id = $1) AS laureates,
                (SELECT count(*)::int FROM coaching_milestone WHERE programme_id = $1) AS milestones,
                (SELECT count(*)::int FROM coaching_milestone WHERE programme_id = $1 AND status = 'validated') AS validated,
                (SELECT count(*)::int FROM partner_match WHERE programme_id = $1) AS matches,
                (SELECT status FROM matching WHERE programme_id = $1) AS matching`,
        [p.id],
      );
      // The withdrawn laureate keeps their coaching row and work (out of every list); the promoted one has a schedule.
      expect(counts).toEqual({ laureates: 11, milestones: 55, validated: 3, matches: 10, matching: 'confirmed' });
      const [jury] = await t.ds.query(`SELECT method, status, announced_at FROM jury WHERE programme_id = $1`, [p.id]);
      expect(jury).toMatchObject({ method: 'borda', status: 'closed' });
      expect(jury.announced_at).not.toBeNull();
      expect(await t.ds.query(`SELECT count(*)::int AS n FROM jury_ballot WHERE programme_id = $1 AND rank IS NOT NULL`, [p.id])).toEqual([{ n: 48 }]);
      const outcomes = await t.ds.query(
        `SELECT a.title, o.status, o.waiting_position, o.promoted_from_position, o.withdrawn_by_laureate, o.withdrawn_reason
           FROM jury_outcome o JOIN application a ON a.id = o.application_id WHERE o.programme_id = $1 ORDER BY a.receipt_number`,
        [p.id],
      );
      expect(outcomes.filter((o: { status: string }) => o.status === 'laureate')).toHaveLength(10);
      expect(outcomes.find((o: { title: string }) => o.title === 'Sacs en voiles de bateau')).toMatchObject({
        status: 'withdrawn',
        withdrawn_by_laureate: true,
      });
      expect(outcomes.find((o: { title: string }) => o.title === 'Vélos cargo partagés')).toMatchObject({ status: 'laureate', promoted_from_position: 1 });
      expect(outcomes.find((o: { title: string }) => o.title === 'Cantine zéro déchet')).toMatchObject({ status: 'waiting', waiting_position: 2 });
      const [current] = await t.ds.query(
        `SELECT count(*)::int AS n FROM coaching_laureate l JOIN jury_outcome o ON o.application_id = l.application_id AND o.status = 'laureate' WHERE l.programme_id = $1`,
        [p.id],
      );
      expect(current.n).toBe(10);
    } finally {
      await t.close();
    }
  });
});
