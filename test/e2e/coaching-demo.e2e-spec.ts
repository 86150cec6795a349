import { seedDemoCoaching } from '../../src/database/demo-coaching-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { startTestApp } from '../setup/test-app.js';

describe('coaching demo seed', () => {
  it('adds a programme in coaching with ten laureates, partners and a confirmed matching, once', async () => {
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
      expect(counts).toEqual({ laureates: 10, milestones: 50, validated: 3, matches: 10, matching: 'confirmed' });
    } finally {
      await t.close();
    }
  });
});
