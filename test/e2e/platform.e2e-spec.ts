import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runCli } from '../../src/cli/tremplin.js';
import { runMigrations } from '../../src/database/migrate.js';
import { createTestDatabase } from '../setup/database.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, testConfig } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/**
 * Issue 13: a real authority set up without a developer. Production-like (no demo), an empty
 * database: the operations command creates the platform admin, who signs in with the printed link,
 * adds an authority with its first staff member; that person signs in from the invitation e-mail on
 * the authority's host and creates a programme. No SQL anywhere.
 */
describe('platform: a new authority from an empty installation', () => {
  const PUBLIC_URL = 'https://tremplin.example.org';
  let t: TestApp;
  let smtp: TestSmtpServer;
  let databaseUrl: string;
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const cliEnv = () => ({
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tremplin-cli-')),
    SMTP_URL: smtp.url,
    PUBLIC_URL,
    MAIL_FROM: 'ops@tremplin.example.org',
    SEED_DEMO: 'false',
  });

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    databaseUrl = await createTestDatabase();
    t = await startTestApp({ databaseUrl, config: { smtpUrl: smtp.url, publicUrl: PUBLIC_URL, seedDemo: false } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('runs from create-platform-admin to a staff member creating a programme', async () => {
    expect(await runCli(['create-platform-admin', '--email', 'Ops@Region.example', '--name', 'Ops'], cliEnv(), io)).toBe(0);
    const printed = out.join('\n').match(/https:\/\/tremplin\.example\.org\/platform\/sign-in\/link\/\S+/)?.[0];
    expect(printed).toBeDefined();
    const mailed = smtp.to('ops@region.example').at(-1)!;
    expect(mailed.subject).toContain('sign-in link');
    expect(linkIn(mailed, '/platform/sign-in/link/')).toBe(printed);

    // The link gives a platform token, which works on the platform routes whatever the host.
    const token = printed!.split('/').pop()!;
    const consumed = await t.http().post('/api/platform/sign-in-links/consume').set('Host', 'anything.example').send({ token });
    expect(consumed.status).toBe(201);
    const admin = { Authorization: `Bearer ${consumed.body.token}`, Host: 'tremplin.example.org' };
    expect((await t.http().post('/api/platform/sign-in-links/consume').send({ token })).status).toBe(400);
    // A link asked for in French (or Dutch) is e-mailed in that language.
    await t.http().post('/api/platform/sign-in-links').set('Accept-Language', 'fr-FR,fr;q=0.9').send({ email: 'ops@region.example' }).expect(202);
    expect(smtp.to('ops@region.example').at(-1)!.subject).toBe('Votre lien de connexion à la plateforme Tremplin');
    expect(
      (
        await t
          .http()
          .get('/api/platform/me')
          .set({ ...admin, Host: '127.0.0.1' })
      ).body.email,
    ).toBe('ops@region.example');

    const created = await t
      .http()
      .post('/api/platform/tenants')
      .set(admin)
      .send({
        slug: 'lumiere',
        name: 'Métropole de Lumière',
        hosts: ['financement.lumiere.test'],
        staffEmail: 'claire@lumiere.test',
        staffName: 'Claire',
        language: 'fr',
        timeZone: 'Europe/Paris',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'lumiere', hosts: ['financement.lumiere.test'], staff: 1, programmes: 0, suspendedAt: null });
    const listed = await t.http().get('/api/platform/tenants').set(admin).expect(200);
    expect(listed.body.map((a: { slug: string }) => a.slug)).toContain('lumiere');

    await t.sendMail();
    const invitation = smtp.to('claire@lumiere.test').at(-1)!;
    const link = new URL(linkIn(invitation, '/sign-in/link/'));
    expect(link.origin).toBe('https://financement.lumiere.test');
    const staffToken = await t
      .http()
      .post('/api/auth/sign-in-links/consume')
      .set('Host', 'financement.lumiere.test')
      .send({ token: link.pathname.split('/').pop() });
    expect(staffToken.status).toBe(201);
    const staff = { Host: 'financement.lumiere.test', Authorization: `Bearer ${staffToken.body.token}` };
    const me = await t.http().get('/api/me').set(staff).expect(200);
    expect(me.body.roles).toEqual(['staff']);
    const programme = await t
      .http()
      .post('/api/programmes')
      .set(staff)
      .send({
        slug: 'makers-2027',
        title: { fr: 'Makers 2027', en: 'Makers 2027' },
        summary: { fr: 'Appel à projets', en: 'Call for projects' },
      });
    expect(programme.status).toBe(201);
    expect((await t.http().get(`/api/platform/tenants/${created.body.id}`).set(admin)).body.programmes).toBe(1);

    // The staff member's authority token is no platform credential.
    expect((await t.http().get('/api/platform/tenants').set({ Authorization: staff.Authorization })).status).toBe(401);
    expect((await t.http().get('/api/platform/tenants')).status).toBe(401);
  });

  it('validates operations commands and says what is wrong in one line', async () => {
    const lines: string[] = [];
    const quiet = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await runCli(['--help'], cliEnv(), quiet)).toBe(0);
    expect(lines.join('\n')).toContain('create-authority');
    lines.length = 0;
    expect(await runCli(['create-platform-admin'], cliEnv(), quiet)).toBe(1);
    expect(lines).toEqual(['tremplin: --email is required (see --help)']);
    lines.length = 0;
    expect(await runCli(['create-authority', '--slug', 'X!', '--name', 'X', '--staff-email', 'a@b.example'], cliEnv(), quiet)).toBe(1);
    expect(lines[0]).toMatch(/^tremplin: --slug must be/);
    lines.length = 0;
    expect(await runCli(['frobnicate'], cliEnv(), quiet)).toBe(2);
    expect(lines[0]).toBe('tremplin: unknown command "frobnicate" (see --help)');
    lines.length = 0;
    expect(
      await runCli(['create-authority', '--slug', 'ville-b', '--name', 'Ville B', '--host', 'bad host', '--staff-email', 'a@b.example'], cliEnv(), quiet),
    ).toBe(1);
    expect(lines[0]).toContain('Host names: must be a host name, e.g. financement.example.fr.');
    lines.length = 0;
    expect(
      await runCli(
        ['create-authority', '--slug', 'ville-b', '--name', 'Ville B', '--host', 'ville-b.test', '--staff-email', 'b@ville-b.test', '--language', 'en'],
        cliEnv(),
        quiet,
      ),
    ).toBe(0);
    lines.length = 0;
    // A refusal reads as a sentence, not as an error code.
    expect(await runCli(['create-authority', '--slug', 'ville-b', '--name', 'Ville B bis', '--staff-email', 'c@ville-b.test'], cliEnv(), quiet)).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^tremplin: .*ville-b/)]);
    expect(lines[0]).not.toContain('TENANT_SLUG_TAKEN');
    expect(await runCli(['list-authorities'], cliEnv(), quiet)).toBe(0);
    expect(lines.find((l) => l.startsWith('ville-b\t'))).toContain('ville-b.test');
  });

  it('suspends an authority (a clear page, nothing deleted) and reactivates it', async () => {
    const { link } = await runCliLink();
    const consumed = await t
      .http()
      .post('/api/platform/sign-in-links/consume')
      .send({ token: link.split('/').pop() })
      .expect(201);
    const admin = { Authorization: `Bearer ${consumed.body.token}` };
    const list = (await t.http().get('/api/platform/tenants').set(admin)).body as Array<{ id: string; slug: string }>;
    const lumiere = list.find((a) => a.slug === 'lumiere')!;
    const first = await t.http().post(`/api/platform/tenants/${lumiere.id}/suspend`).set(admin).expect(200);
    t.clock.advance(60_000);
    const again = await t.http().post(`/api/platform/tenants/${lumiere.id}/suspend`).set(admin).expect(200);
    expect(again.body.suspendedAt).toBe(first.body.suspendedAt); // suspending twice keeps the first date
    const page = await t.http().get('/').set({ Host: 'financement.lumiere.test', Accept: 'text/html' });
    expect(page.status).toBe(403);
    expect(page.text).toContain('Le site de Métropole de Lumière est suspendu');
    expect(page.text).not.toMatch(/\{\w+\}/); // no unfilled placeholder, in the title or anywhere
    const api = await t.http().get('/api/programmes').set({ Host: 'financement.lumiere.test' });
    expect(api.body.code).toBe('TENANT_SUSPENDED');
    expect(api.body.title).not.toMatch(/\{\w+\}/);
    await t.http().post(`/api/platform/tenants/${lumiere.id}/reactivate`).set(admin).expect(200);
    const back = await t.http().get('/api/programmes').set({ Host: 'financement.lumiere.test' });
    expect(back.status).toBe(200);
    expect((await t.http().get(`/api/platform/tenants/${lumiere.id}`).set(admin)).body).toMatchObject({ programmes: 1, staff: 1, suspendedAt: null });
    // Editing hosts moves the site.
    const edited = await t
      .http()
      .patch(`/api/platform/tenants/${lumiere.id}`)
      .set(admin)
      .send({ hosts: ['projets.lumiere.test'] });
    expect(edited.body.hosts).toEqual(['projets.lumiere.test']);
    expect((await t.http().get('/api/programmes').set({ Host: 'projets.lumiere.test' })).status).toBe(200);
    expect((await t.http().get('/api/programmes').set({ Host: 'financement.lumiere.test' })).status).toBe(404);
  });

  it("serves the platform pages only under PUBLIC_URL's host (or loopback here), its API on any host, and leads a new installation to them", async () => {
    expect((await t.http().get('/platform/sign-in').set({ Host: 'tremplin.example.org', Accept: 'text/html' })).status).toBe(200);
    expect((await t.http().get('/platform/sign-in').set({ Host: '127.0.0.1', Accept: 'text/html' })).status).toBe(200);
    // An authority's own domain (or any other host) never shows the installation's sign-in page.
    expect((await t.http().get('/platform/sign-in').set({ Host: 'projets.lumiere.test', Accept: 'text/html' })).status).toBe(404);
    expect((await t.http().get('/platform/sign-in').set({ Host: 'evil.example', Accept: 'text/html' })).status).toBe(404);
    const { link } = await runCliLink();
    const consumed = await t
      .http()
      .post('/api/platform/sign-in-links/consume')
      .set('Host', 'evil.example')
      .send({ token: link.split('/').pop() })
      .expect(201);
    expect(
      (
        await t
          .http()
          .get('/api/platform/me')
          .set({ Host: 'projets.lumiere.test', Authorization: `Bearer ${consumed.body.token}` })
      ).status,
    ).toBe(200);
    // The installation's address, with no authority registered for it: the way in is the back-office.
    const root = await t.http().get('/').set({ Host: 'tremplin.example.org', Accept: 'text/html' });
    expect(root.status).toBe(303);
    expect(root.headers.location).toBe('/platform');
    expect((await t.http().get('/').set({ Host: 'evil.example', Accept: 'text/html' })).status).toBe(404);
  });

  async function runCliLink(): Promise<{ link: string }> {
    const lines: string[] = [];
    expect(await runCli(['create-platform-admin', '--email', 'ops@region.example'], cliEnv(), { out: (l) => lines.push(l), err: (l) => lines.push(l) })).toBe(
      0,
    );
    return { link: lines.join('\n').match(/https:\/\/\S+\/platform\/sign-in\/link\/\S+/)![0] };
  }
});

describe('backup and restore', () => {
  it('gives back the same authorities, programmes, contributions and files in a new database', async () => {
    const t = await startTestApp();
    try {
      const { createCampaignProgramme, contributionBody, webhook } = await import('../factories/campaigns.js');
      const { createPerson, createTenant } = await import('../factories/index.js');
      const city = await createTenant(t);
      const staff = await createPerson(t, city, 'staff');
      const w = await createCampaignProgramme(t, city, staff, 2, { goalCents: 50_000, days: 10, settings: { paymentProvider: 'webhook' } });
      await w.open();
      for (const [i, c] of w.campaigns.entries()) {
        const made = await t
          .http()
          .post(`/api/campaigns/${c.id}/contributions`)
          .set({ Host: city.host, 'Idempotency-Key': `backup-${i}-0001` })
          .send(contributionBody({ amountCents: 1_500 + i, email: `c${i}@example.org` }))
          .expect(201);
        // One paid, one still to be paid: the paid one is in the tallies the triggers keep.
        if (i === 0)
          await webhook(t, city, { id: 'backup-pay-0', type: 'payment.succeeded', data: { reference: made.body.id, amountCents: 1_500 } }).expect(200);
      }
      const dir = mkdtempSync(join(tmpdir(), 'tremplin-backup-'));
      const file = join(dir, 'backup.jsonl.gz');
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      // The restored installation keeps the APP_SECRET of the one backed up, so its payment secrets open.
      const appSecret = testConfig().appSecret;
      const env = (url: string, secret = appSecret) => ({ DATABASE_URL: url, DATA_DIR: dir, SEED_DEMO: 'false', APP_SECRET: secret });
      const { PaymentSettingsService } = await import('../../src/campaigns/payment-settings.service.js');
      await t.app
        .get(PaymentSettingsService)
        .setPaymentSecrets(city.tenant.id, { webhookSecret: 'webhook-secret-0123456789abcdef' }, { userId: staff.userId, role: 'staff' });
      expect(await runCli(['backup', '--to', file], env(t.databaseUrl), io)).toBe(0);

      const target = await createEmptyDatabase();
      expect(await runCli(['restore', '--from', file], env(target), io)).toBe(0);
      expect(lines.join('\n')).toMatch(/Restored \d+ row\(s\)/);
      // Restoring twice is refused: the target is no longer empty.
      expect(await runCli(['restore', '--from', file], env(target), io)).toBe(1);
      expect(lines.join('\n')).toContain('Keep APP_SECRET');
      expect(lines.some((l) => l.includes('sealed with another APP_SECRET'))).toBe(false);
      // Restored under another APP_SECRET, the payment secrets cannot be opened: the command says so.
      expect(await runCli(['restore', '--from', file], env(await createEmptyDatabase(), 'another-secret-another-secret-another-01'), io)).toBe(0);
      expect(lines.at(-1)).toContain('1 payment secret(s) were sealed with another APP_SECRET');
      expect(await runCli(['restore', '--from', join(dir, 'missing.gz')], env(target), io)).toBe(1);
      expect(lines.at(-1)).toBe(`tremplin: ${join(dir, 'missing.gz')} does not exist`);

      const facts = async (url: string) => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          const q = async (sql: string) => (await c.query(sql)).rows;
          return {
            tenants: await q('SELECT slug FROM tenant ORDER BY slug'),
            programmes: await q('SELECT id, slug, phase FROM programme ORDER BY id'),
            contributions: await q('SELECT id, amount_cents, status, email FROM contribution ORDER BY id'),
            campaigns: await q('SELECT id, collected_cents, status FROM campaign ORDER BY id'),
            files: await q('SELECT id, md5(data) AS sum FROM stored_file ORDER BY id'),
            audit: await q('SELECT count(*)::int AS n, max(id)::text AS last FROM audit_entry'),
            // Receipt numbers continue after the restored ones (a sequence no column owns).
            receipts: await q('SELECT last_value::text AS n FROM contribution_receipt_seq'),
            // Kept by triggers: restored as they were, not counted a second time while the rows go in.
            tallies: await q(`SELECT campaign_id, kept_cents::text, kept_count, kept_people, reached_people FROM contribution_tally_campaign ORDER BY 1`),
            people: await q(
              `SELECT programme_id, sum(kept_people)::int AS kept, sum(reached_people)::int AS reached FROM contribution_tally_programme_stripe GROUP BY 1`,
            ),
          };
        } finally {
          await c.end();
        }
      };
      const before = await facts(t.databaseUrl);
      expect(before.contributions).toHaveLength(2);
      expect(before.tallies).toEqual([expect.objectContaining({ kept_cents: '1500', kept_count: 1, kept_people: 1 })]);
      expect(before.people).toEqual([{ programme_id: w.programme.id, kept: 1, reached: 1 }]);
      expect(await facts(target)).toEqual(before);
      // Sequences continue after the restored ids.
      const c = new pg.Client({ connectionString: target });
      await c.connect();
      const next = (await c.query(`SELECT nextval(pg_get_serial_sequence('audit_entry', 'id'))::text AS n`)).rows[0].n;
      // The triggers switched off for the restore are on again.
      const off = (await c.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'`)).rows[0].n;
      const on = (await c.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O'`)).rows[0].n;
      await c.end();
      expect({ off, some: on > 5 }).toEqual({ off: 0, some: true });

      // A backup taken by the version before the programme's people count: restored at its own schema,
      // then brought up to date, the later migration counting the people from the restored rows.
      const older = join(dir, 'older.jsonl.gz');
      const added = 'contribution_tally_programme_stripe';
      const [head, ...body] = gunzipSync(readFileSync(file)).toString().trim().split('\n');
      const header = JSON.parse(head);
      header.migrations = header.migrations.filter((m: string) => m !== 'ProgrammePeopleStripes1796270000000');
      header.tables = header.tables.filter((x: string) => x !== added);
      const kept = body.filter((l) => JSON.parse(l).table !== added);
      expect(kept.length).toBeLessThan(body.length);
      writeFileSync(older, gzipSync([JSON.stringify(header), ...kept].join('\n')));
      const fromOlder = await createEmptyDatabase();
      expect(await runCli(['restore', '--from', older], env(fromOlder), io)).toBe(0);
      expect(await facts(fromOlder)).toEqual(before);
      // Into a database already migrated past it (an app started on it), it is refused: its rows would
      // lack what the later migrations derive from them.
      const migrated = await createEmptyDatabase();
      await runMigrations(migrated);
      expect(await runCli(['restore', '--from', older], env(migrated), io)).toBe(1);
      expect(lines.at(-1)).toContain('migrated past the backup (1 newer migration(s))');
      expect(BigInt(next)).toBeGreaterThan(BigInt(before.audit[0].last));
    } finally {
      await t.close();
    }
  });
});

async function createEmptyDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: process.env.TREMPLIN_TEST_ADMIN_URL });
  await admin.connect();
  const name = `r_${Math.random().toString(16).slice(2, 10)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(process.env.TREMPLIN_TEST_ADMIN_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}
