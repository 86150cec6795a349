import { seedDemoJury } from '../../src/database/demo-jury-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { startTestApp } from '../setup/test-app.js';

describe('jury demo seed', () => {
  it('adds a programme in its jury phase with the reference jury, once', async () => {
    const t = await startTestApp();
    try {
      await seedDemo(t.app, 'http://localhost:3000', () => undefined);
      const lines: string[] = [];
      await seedDemoJury(t.app, (m) => lines.push(m));
      await seedDemoJury(t.app, (m) => lines.push(m));
      expect(lines).toHaveLength(1);
      const [p] = await t.ds.query(`SELECT id, phase FROM programme WHERE slug = 'makers-jury-demo'`);
      expect(p.phase).toBe('jury');
      const [jury] = await t.ds.query(`SELECT status, method, jsonb_array_length(application_ids) AS n FROM jury WHERE programme_id = $1`, [p.id]);
      expect(jury).toEqual({ status: 'open', method: 'favourites', n: 40 });
      const picks = await t.ds.query(
        `SELECT m.email, count(*) FILTER (WHERE b.picked)::int AS n FROM jury_member m LEFT JOIN jury_ballot b ON b.member_id = m.id
         WHERE m.programme_id = $1 GROUP BY m.email ORDER BY m.email`,
        [p.id],
      );
      expect(picks).toHaveLength(10);
      expect(picks.find((r: { email: string }) => r.email === 'juror@demo.tremplin.test').n).toBe(0);
      expect(picks.filter((r: { n: number }) => r.n === 10)).toHaveLength(9);
    } finally {
      await t.close();
    }
  });
});
