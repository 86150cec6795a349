import { Tenant } from '../../src/tenants/tenant.entity.js';
import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { PersonalDataRegistry } from '../../src/privacy/personal-data.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { ENTITIES } from '../../src/database/entities.js';
import { createPerson, type TestPerson, type TestTenant } from '../factories/index.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * Columns whose name says they may hold personal data and that no holder exports or erases, each
 * with why. A new personal column fails the coverage test until a holder takes it or it is listed here.
 */
const NOT_PERSONAL: Record<string, string> = {
  'tenant.name': "the authority's name",
  'tenant.sender_name': "the authority's sender name",
  'tenant.sender_email': "the authority's sending address",
  'platform_admin.email': 'platform operators belong to no authority: the platform operator answers for them',
  'platform_admin.display_name': 'idem',
  'platform_credential.password_hash': 'idem',
  'programme.summary': "the authority's text about its programme",
  'phase_transition.reason': "staff's reason for moving a programme on",
  'application.screening_reason': "staff's decision on eligibility, kept with the decision (accountability)",
  'coaching_plan.readiness_override_reason': "staff's decision to open campaigns, about the programme",
  'partner.name': 'an organisation',
  'campaign.summary': "the project's public page",
  'campaign.review_comment': "staff's review of a campaign page",
  'campaign_update.body': "the project's public news",
  'refund.note': "staff's note on a refund (accounts)",
  'refund.reason': "the payment operator's answer (accounts)",
  'tenant_host.host': "the authority's web address",
  'programme.blocked_reasons': 'why a phase change waits (rules, not people)',
  'coaching_milestone.evidence_kind': 'the kind of work expected',
  'contribution.message_hidden_at': 'a date',
  'payment_secret.name': "the name of the authority's payment secret",
  // The authority's legal identity as its legal pages publish it (the DPO's is a function's address).
  'privacy_settings.controller_name': 'the authority as data controller',
  'privacy_settings.controller_address': "the authority's postal address",
  'privacy_settings.dpo_email': "the data protection officer's published contact",
  'privacy_settings.dpo_address': 'idem',
  'privacy_settings.host_name': "the site's host, a company",
  'privacy_settings.host_address': 'idem',
  'legal_page.body': "the authority's published legal pages",
};
const PERSONAL = /(email|name|phone|message|body|comment|note|reason|answers|address|payload|evidence|feedback|summary|organisation|redirect|^data$)/;

describe('personal data rights: export and erasure (issue 21)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let demo: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    await seedDemo(t.app, 'http://localhost:3000', () => undefined);
    await seedDemoResults(t.app, () => undefined);
    const tenant = (await t.ds.getRepository(Tenant).findOneBy({ slug: 'demo' }))!;
    demo = { tenant, host: 'localhost' };
    staff = await createPerson(t, demo, 'staff', { email: 'dpo-desk@demo.test' });
  }, 240_000);
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('every column that may hold personal data is exported and erased by a holder, or listed with why it is not', () => {
    const holders = t.app.get(PersonalDataRegistry).holders();
    const covered = new Set(holders.flatMap((h) => h.covers.flatMap((c) => c.columns.map((col) => `${c.table}.${col}`))));
    const tables = new Set(holders.flatMap((h) => h.covers.map((c) => c.table)));
    const missing: string[] = [];
    const ds = t.ds;
    for (const entity of ENTITIES) {
      const meta = ds.getMetadata(entity);
      for (const col of meta.columns) {
        const key = `${meta.tableName}.${col.databaseName}`;
        if (PERSONAL.test(col.databaseName) && !covered.has(key) && !NOT_PERSONAL[key]) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
    // Each holder names real tables and columns (a typo would make the coverage above a lie).
    for (const h of holders) {
      for (const c of h.covers) {
        const meta = ds.entityMetadatas.find((m) => m.tableName === c.table);
        expect(meta).toBeDefined();
        for (const col of c.columns) expect(meta!.columns.map((x) => x.databaseName)).toContain(col);
      }
    }
    expect(tables.size).toBeGreaterThan(15);
  });

  /** Every text or JSON column of every table where a string appears (case-insensitive). */
  async function whereFound(text: string): Promise<string[]> {
    const cols: Array<{ table_name: string; column_name: string }> = await t.ds.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const c of cols) {
      const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text ILIKE $1`, [`%${text}%`]);
      if (n > 0) found.push(`${c.table_name}.${c.column_name}`);
    }
    return found;
  }

  it('a laureate downloads everything, asks for erasure; staff erase them: their name and e-mail are gone from every table, the accounts and the published report unchanged', async () => {
    const [programme] = await t.ds.query(`SELECT id FROM programme WHERE slug = 'makers-results-demo'`);
    const [laureate] = await t.ds.query(
      `SELECT a.id, a.applicant_user_id AS "userId", u.email, u.display_name AS name, a.receipt_number AS receipt
         FROM jury_outcome o JOIN application a ON a.id = o.application_id JOIN app_user u ON u.id = a.applicant_user_id
        WHERE o.programme_id = $1 AND o.status = 'laureate' ORDER BY a.receipt_number LIMIT 1`,
      [programme.id],
    );
    // The laureate also gave to another campaign, with a message on its wall.
    const [other] = await t.ds.query(`SELECT id, campaign_id FROM contribution WHERE programme_id = $1 AND status = 'confirmed' LIMIT 1`, [programme.id]);
    await t.ds.query(`UPDATE contribution SET email = $2, email_key = $2, display_name = $3, message = 'Bravo à toute l''équipe' WHERE id = $1`, [
      other.id,
      laureate.email,
      laureate.name,
    ]);
    await t.ds.query(
      `UPDATE campaign_backer SET email_key = $2 WHERE campaign_id = $1 AND email_key = (SELECT email_key FROM contribution WHERE id = $3 LIMIT 1)`,
      [other.campaign_id, laureate.email, other.id],
    );
    // A file they handed in with their application (its content names them).
    const file = await t.app.get(TransactionRunner).run((em) =>
      t.app.get(FileStorage).put(em, {
        tenantId: demo.tenant.id,
        ownerType: 'application',
        ownerId: laureate.id,
        purpose: 'pitch_deck',
        filename: 'dossier.pdf',
        contentType: 'application/pdf',
        uploadedBy: laureate.userId,
        bytes: Buffer.from(`%PDF-1.4 dossier de ${laureate.name} <${laureate.email}>`),
      }),
    );
    const me = await createPerson(t, demo, null, { email: laureate.email });
    expect(me.userId).toBe(laureate.userId);

    const data = await t.http().get('/api/me/data').set(me.headers).expect(200);
    const section = (name: string) => data.body.sections.find((s: { name: string }) => s.name === name)?.rows ?? [];
    expect(section('account')[0]).toMatchObject({ email: laureate.email });
    expect(section('applications').map((a: { receiptNumber: string }) => a.receiptNumber)).toContain(laureate.receipt);
    expect(section('contributions').length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(data.body)).not.toMatch(/password_hash|tokenHash|token_hash/);
    const zip = await t
      .http()
      .get('/api/me/data.zip')
      .set(me.headers)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(zip.status).toBe(200);
    const { unzipSync, strFromU8 } = await import('fflate');
    const files = unzipSync(new Uint8Array(zip.body as Buffer));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['data.json', 'account.csv', 'applications.csv', 'contributions.csv']));
    expect(strFromU8(files['account.csv'])).toContain(laureate.email);
    const handedIn = Object.keys(files).filter((f) => f.startsWith('files/'));
    expect(handedIn).toEqual([`files/${file.id.slice(0, 8)}-dossier.pdf`]);
    expect(strFromU8(files[handedIn[0]])).toContain(laureate.name);

    const asked = await t.http().post('/api/me/erasure-request').set(me.headers).expect(202);
    const again = await t.http().post('/api/me/erasure-request').set(me.headers).expect(202);
    expect(again.body.id).toBe(asked.body.id);
    expect(new Date(asked.body.dueAt).getTime() - new Date(asked.body.requestedAt).getTime()).toBeGreaterThan(27 * 86_400_000);

    const before = await accounts(programme.id);
    const queue = await t.http().get('/api/privacy/requests?status=open').set(staff.headers).expect(200);
    expect(queue.body.requests.map((r: { id: string }) => r.id)).toContain(asked.body.id);
    const held = await t.http().get(`/api/privacy/requests/${asked.body.id}`).set(staff.headers).expect(200);
    expect(held.body.held.map((h: { name: string }) => h.name)).toEqual(expect.arrayContaining(['account', 'applications', 'contributions']));
    // A juror or the person themselves may not handle the queue.
    await t.http().post(`/api/privacy/requests/${asked.body.id}/erase`).set(me.headers).expect(403);

    const done = await t.http().post(`/api/privacy/requests/${asked.body.id}/erase`).set(staff.headers).expect(200);
    expect(done.body).toMatchObject({ status: 'done', email: null });
    expect(done.body.pseudonym).toMatch(/^#[0-9A-F]{8}$/);
    await t.http().post(`/api/privacy/requests/${asked.body.id}/erase`).set(staff.headers).expect(409);

    expect(await accounts(programme.id)).toEqual(before);
    // Only the notice telling them it is done still has their address (until the sent e-mails' retention).
    expect(await whereFound(laureate.email)).toEqual(['outbox_message.to_address']);
    expect(await t.ds.query(`SELECT template FROM outbox_message WHERE lower(to_address) = $1`, [laureate.email])).toEqual([{ template: 'privacy-erased' }]);
    // The name is checked where it was this person's (demo names are shared by other people).
    expect(await t.ds.query(`SELECT 1 FROM app_user WHERE id = $1 AND display_name = $2`, [laureate.userId, laureate.name])).toEqual([]);
    const stillNamed = (await whereFound(laureate.name)).filter(
      (c) => !['app_user.display_name', 'application.applicant_name', 'jury_member.display_name'].includes(c),
    );
    expect(stillNamed).toEqual([]);
    expect(await t.ds.query(`SELECT 1 FROM application WHERE applicant_user_id = $1 AND applicant_name = $2`, [laureate.userId, laureate.name])).toEqual([]);
    // Their API token went with the account's ways in; the application keeps its receipt number and decision.
    await t.http().get('/api/me/data').set(me.headers).expect(401);
    const [app] = await t.ds.query(`SELECT receipt_number, status, screening, applicant_name, answers FROM application WHERE id = $1`, [laureate.id]);
    expect(app).toMatchObject({
      receipt_number: laureate.receipt,
      status: 'submitted',
      screening: 'eligible',
      applicant_name: done.body.pseudonym,
      answers: {},
    });
    expect(await t.ds.query(`SELECT id FROM stored_file WHERE id = $1`, [file.id])).toEqual([]);
    const [audit] = await t.ds.query(`SELECT data FROM audit_entry WHERE action = 'privacy.erased' ORDER BY id DESC LIMIT 1`);
    expect(audit.data.pseudonym).toBe(done.body.pseudonym);
  }, 120_000);

  /** The report without the instant it was computed at. */
  function withoutInstants(v: unknown): unknown {
    return JSON.parse(JSON.stringify(v), (k, x) => (/At$/.test(k) ? undefined : x));
  }

  /** What the accounts and the published report rest on: must not move by a cent. */
  async function accounts(programmeId: string) {
    return {
      campaigns: await t.ds.query(
        `SELECT c.id, c.collected_cents, c.matched_cents, c.contributor_count,
                (SELECT count(DISTINCT email_key)::int FROM contribution x WHERE x.campaign_id = c.id AND x.status = 'confirmed') AS people,
                (SELECT count(*)::int FROM campaign_backer b WHERE b.campaign_id = c.id) AS backers
           FROM campaign c WHERE c.programme_id = $1 ORDER BY c.id`,
        [programmeId],
      ),
      receipts: await t.ds.query(
        `SELECT receipt_number, amount_cents, matched_cents, status FROM contribution WHERE programme_id = $1 ORDER BY receipt_number, id`,
        [programmeId],
      ),
      snapshots: await t.ds.query(`SELECT version, figures FROM report_snapshot WHERE programme_id = $1 ORDER BY version`, [programmeId]),
      budgets: await t.ds.query(`SELECT id, total_cents, match_budget_remaining(id) AS remaining_cents FROM match_budget WHERE programme_id = $1 ORDER BY id`, [
        programmeId,
      ]),
      allocations: await t.ds.query(
        `SELECT a.kind, a.status, sum(a.amount_cents)::bigint AS cents FROM match_allocation a JOIN campaign c ON c.id = a.campaign_id WHERE c.programme_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [programmeId],
      ),
      live: withoutInstants((await t.http().get(`/api/programmes/${programmeId}/report`).set(staff.headers).expect(200)).body),
      applications: await t.ds.query(
        `SELECT receipt_number, status, screening, goal_cents, title FROM application WHERE programme_id = $1 ORDER BY receipt_number, id`,
        [programmeId],
      ),
    };
  }

  it('anyone gets a link by e-mail to their data (the answer is the same for an unknown address), and confirms an erasure request with it', async () => {
    const [c] = await t.ds.query(`SELECT email FROM contribution WHERE tenant_id = $1 AND email NOT LIKE 'erased-%' ORDER BY created_at LIMIT 1`, [
      demo.tenant.id,
    ]);
    const known = await t.http().post('/api/privacy/requests').set('Host', demo.host).send({ email: c.email.toUpperCase(), kind: 'export' }).expect(202);
    const unknown = await t.http().post('/api/privacy/requests').set('Host', demo.host).send({ email: 'nobody@nowhere.test', kind: 'export' }).expect(202);
    expect(unknown.body).toEqual(known.body);
    await t.http().post('/api/privacy/requests').set('Host', demo.host).send({ email: 'not an address', kind: 'steal' }).expect(400);
    await t.app.get((await import('../../src/notifications/outbox.worker.js')).OutboxWorker).drain();
    const mail = smtp.to(c.email).at(-1)!;
    const link = linkIn(mail, '/privacy/requests/');
    const token = link.split('/').pop()!;
    const info = await t.http().get(`/api/privacy/links/${token}`).set('Host', demo.host).expect(200);
    expect(info.body).toMatchObject({ kind: 'export', status: 'awaiting_confirmation' });
    const data = await t.http().get(`/api/privacy/links/${token}/data`).set('Host', demo.host).expect(200);
    expect(data.body.sections.find((s: { name: string }) => s.name === 'contributions').rows.length).toBeGreaterThan(0);
    // A guessed or altered link shows nothing.
    await t
      .http()
      .get(`/api/privacy/links/${token.slice(0, -2)}xx/data`)
      .set('Host', demo.host)
      .expect(404);
    // The link expires after a day.
    t.clock.advance(25 * 3600_000);
    await t.http().get(`/api/privacy/links/${token}/data`).set('Host', demo.host).expect(404);
  });
});
