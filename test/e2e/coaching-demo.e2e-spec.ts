import { AuthService } from '../../src/auth/auth.service.js';
import { SESSION_COOKIE } from '../../src/common/web/cookies.js';
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

      // The staff jury page: the ranking with its tie explained by titles (marked French on the English
      // page), and the history: the withdrawal with its reason, the promotion, the one still waiting.
      const [{ id: tenantId }] = await t.ds.query(`SELECT id FROM tenant WHERE slug = 'demo'`);
      const [staff] = await t.ds.query(`SELECT id FROM app_user WHERE tenant_id = $1 AND email = 'staff@demo.tremplin.test'`, [tenantId]);
      const cookie = `${SESSION_COOKIE}=${await t.app.get(AuthService).createSession(tenantId, staff.id)}`;
      const page = await t
        .http()
        .get(`/t/demo/staff/programmes/${p.id}/jury?lang=en`)
        .set('Host', 'localhost')
        .set('Accept', 'text/html')
        .set('Cookie', cookie)
        .expect(200);
      const html = page.text.replace(/&#x3D;/g, '=');
      expect(html).toContain('“<span lang="fr">Imprimante 3D au plastique recyclé</span>”');
      expect(html).toMatch(/by a draw/);
      expect(html).toContain('Le collectif a trouvé un atelier hors du territoire');
      expect(html).toContain('<span lang="fr">Vélos cargo partagés</span>');
      expect(html).toContain('<span lang="fr">Cantine zéro déchet</span>');
      expect(html).toContain('promoted from the waiting list (position 1) on');
      expect(html).toContain('withdrew on');
      expect(html).toContain('waiting list, position 2');
    } finally {
      await t.close();
    }
  });
});
