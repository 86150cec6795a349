import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { RetentionCron } from '../../src/privacy/retention.cron.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { createPerson, type TestPerson } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Retention (issue 21, point 4): the daily pass removes exactly what its periods make due, once across instances. */
describe('retention of personal data', () => {
  let one: TestApp;
  let two: TestApp;
  let staff: TestPerson;
  let programmeId: string;

  beforeAll(async () => {
    one = await startTestApp();
    await seedDemo(one.app, 'http://localhost:3000', () => undefined);
    await seedDemoResults(one.app, () => undefined);
    two = await startTestApp({ clock: one.clock, databaseUrl: one.databaseUrl });
    const tenant = (await one.ds.getRepository(Tenant).findOneBy({ slug: 'demo' }))!;
    staff = await createPerson(one, { tenant, host: 'localhost' }, 'staff', { email: 'retention-desk@demo.test' });
    [{ id: programmeId }] = await one.ds.query(`SELECT id FROM programme WHERE slug = 'makers-results-demo'`);
  }, 240_000);
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  const preview = async () => {
    const res = await one.http().get('/api/privacy/retention/preview').set(staff.headers).expect(200);
    return Object.fromEntries((res.body.byKind as Array<{ kind: string; rows: number }>).map((k) => [k.kind, k.rows]));
  };

  /** What the accounts and the published report rest on. */
  const accounts = async () => ({
    campaigns: await one.ds.query(
      `SELECT c.id, c.collected_cents, c.matched_cents, c.contributor_count,
              (SELECT count(DISTINCT email_key)::int FROM contribution x WHERE x.campaign_id = c.id AND x.status = 'confirmed') AS people
         FROM campaign c WHERE c.programme_id = $1 ORDER BY c.id`,
      [programmeId],
    ),
    programmePeople: await one.ds.query(`SELECT count(DISTINCT email_key)::int AS n FROM contribution WHERE programme_id = $1 AND status = 'confirmed'`, [
      programmeId,
    ]),
    receipts: await one.ds.query(
      `SELECT receipt_number, amount_cents, matched_cents, status FROM contribution WHERE programme_id = $1 ORDER BY receipt_number, id`,
      [programmeId],
    ),
    snapshots: await one.ds.query(`SELECT version, figures FROM report_snapshot WHERE programme_id = $1 ORDER BY version`, [programmeId]),
    applications: await one.ds.query(
      `SELECT receipt_number, status, screening, goal_cents, title FROM application WHERE programme_id = $1 ORDER BY receipt_number, id`,
      [programmeId],
    ),
  });

  it('previews what is due, then two instances run the daily pass once: exactly the due data goes, the accounts stay', async () => {
    const [{ at: resultsAt }] = await one.ds.query(`SELECT at FROM phase_transition WHERE programme_id = $1 AND to_phase = 'results'`, [programmeId]);
    const laureates: Array<{ id: string }> = await one.ds.query(
      `SELECT application_id AS id FROM jury_outcome WHERE programme_id = $1 AND status = 'laureate'`,
      [programmeId],
    );
    const [{ n: applications }] = await one.ds.query(`SELECT count(*)::int AS n FROM application WHERE programme_id = $1`, [programmeId]);
    const [{ n: contributions }] = await one.ds.query(
      `SELECT count(*)::int AS n FROM contribution x JOIN campaign c ON c.id = x.campaign_id WHERE c.programme_id = $1 AND c.settled_at IS NOT NULL`,
      [programmeId],
    );
    const [{ n: consents }] = await one.ds.query(
      `SELECT count(*)::int AS n FROM consent WHERE campaign_id IN (SELECT id FROM campaign WHERE programme_id = $1 AND settled_at IS NOT NULL)`,
      [programmeId],
    );
    expect(laureates).toHaveLength(10);

    // Six months after the results: only the jury's notes are due (they go at the announcement).
    one.clock.set(new Date(new Date(resultsAt).getTime() + 183 * 86_400_000));
    const early = await preview();
    expect(early.unselectedApplications).toBe(0);
    expect(early.contributorContacts).toBe(0);

    // Fourteen months after: the applications not selected (12 months) and the contributors' contacts (13 months after settlement).
    one.clock.set(new Date(new Date(resultsAt).getTime() + 426 * 86_400_000));
    const due = await preview();
    expect(due.unselectedApplications).toBe(applications - laureates.length);
    expect(due.laureateApplications).toBe(0);
    expect(due.contributorContacts).toBe(contributions + consents);
    const before = await accounts();

    const ran = await Promise.all([one.app.get(RetentionCron).tick(), two.app.get(RetentionCron).tick()]);
    const [{ n: tenants }] = await one.ds.query(`SELECT count(*)::int AS n FROM tenant`);
    expect(ran[0] + ran[1]).toBe(tenants);
    const runs = await one.ds.query(`SELECT tenant_id, counts FROM retention_run WHERE dry_run = false`);
    expect(runs).toHaveLength(tenants);
    expect(await one.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'privacy.retentionRun'`)).toEqual([{ n: tenants }]);

    // Exactly what was due: every application not selected lost its applicant, no laureate's did.
    const left: Array<{ id: string; email: string; applicant_name: string }> = await one.ds.query(
      `SELECT id, email, applicant_name FROM application WHERE programme_id = $1`,
      [programmeId],
    );
    const laureateIds = new Set(laureates.map((l) => l.id));
    for (const a of left) {
      if (laureateIds.has(a.id)) expect(a.email).not.toMatch(/^erased-/);
      else expect(a).toMatchObject({ email: expect.stringMatching(/^erased-[0-9a-f]{12}@invalid$/), applicant_name: '' });
    }
    const named = await one.ds.query(
      `SELECT count(*)::int AS n FROM contribution x JOIN campaign c ON c.id = x.campaign_id
        WHERE c.programme_id = $1 AND (x.email NOT LIKE 'erased-%' OR x.display_name IS NOT NULL OR x.message <> '')`,
      [programmeId],
    );
    expect(named).toEqual([{ n: 0 }]);
    expect(await accounts()).toEqual(before);
    expect(await preview()).toMatchObject({ unselectedApplications: 0, contributorContacts: 0, juryNotes: 0 });

    // The same day again: nothing runs. The next day: a pass runs and finds nothing more.
    expect(await one.app.get(RetentionCron).tick()).toBe(0);
    one.clock.advance(86_400_000);
    expect(await two.app.get(RetentionCron).tick()).toBe(tenants);
    const [last] = await one.ds.query(`SELECT counts FROM retention_run ORDER BY ran_at DESC LIMIT 1`);
    expect(last.counts.reduce((n: number, c: { rows: number }) => n + c.rows, 0)).toBe(0);
    expect(await accounts()).toEqual(before);
  }, 180_000);

  it('staff set the periods: each bad one is named, the saved ones are used by the preview and written in the privacy notice', async () => {
    const bad = await one.http().put('/api/privacy/retention').set(staff.headers).send({ unselectedApplications: 'soon', juryNotes: 500 }).expect(400);
    expect((bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['retention.juryNotes', 'retention.unselectedApplications']);
    const ok = await one.http().put('/api/privacy/retention').set(staff.headers).send({ unselectedApplications: 6, sentEmails: '24' }).expect(200);
    expect(ok.body.periods).toMatchObject({ unselectedApplications: 6, sentEmails: 24, contributorContacts: 13 });
    const p = await one.http().get('/api/privacy/retention/preview').set(staff.headers).expect(200);
    expect(p.body.periods).toMatchObject({ unselectedApplications: 6, sentEmails: 24 });
    const notice = await one.http().get('/privacy?lang=fr').set('Host', 'localhost').expect(200);
    expect(notice.text.replace(/\s+/g, ' ')).toMatch(/6 mois après la publication des résultats/);
    const [entry] = await one.ds.query(`SELECT data FROM audit_entry WHERE action = 'privacy.retention_updated' ORDER BY id DESC LIMIT 1`);
    expect(entry.data.after).toMatchObject({ unselectedApplications: 6 });
  });
});
