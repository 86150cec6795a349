import { AuditService } from '../../src/audit/audit.service.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** RFC 4180 back into rows (quoted cells with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) cell += c;
    else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

const textOnly = (html: string) => html.replace(/<details[\s\S]*?<\/details>/g, '').replace(/<[^>]+>/g, ' ');

/** The authority's log: one sentence per entry, filters, pages of 50 and a CSV of what the filters keep. */
describe('authority audit page', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let browser: ReturnType<TestApp['http']>;
  let programmeId: string;

  beforeAll(async () => {
    t = await startTestApp();
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'claire@city.test' });
    await t.ds.query(`UPDATE app_user SET display_name = 'Claire Martin' WHERE id = $1`, [staff.userId]);
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const programme = await createProgramme(t, city, staff, { title: { fr: 'Makers 2026', en: 'Makers 2026' } });
    programmeId = programme.id;
    const trickster = await createPerson(t, city, 'juror', { programmeId: programme.id });
    await t.ds.query(`UPDATE app_user SET display_name = '=SUM(A1)' WHERE id = $1`, [trickster.userId]);
    const audit = t.app.get(AuditService);
    t.clock.set('2026-03-02T09:00:00Z');
    await t.app.get(TransactionRunner).run(async (em) => {
      for (let i = 0; i < 60; i++)
        await audit.record(em, {
          tenantId: city.tenant.id,
          actorUserId: staff.userId,
          action: 'programme.updated',
          subjectType: 'programme',
          subjectId: programmeId,
          data: { i },
        });
      await audit.record(em, {
        tenantId: city.tenant.id,
        actorUserId: trickster.userId,
        action: 'person.password_changed',
        subjectType: 'user',
        subjectId: trickster.userId,
      });
      await audit.record(em, {
        tenantId: city.tenant.id,
        actorUserId: null,
        action: 'programme.phase_changed',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { from: 'call_open', to: 'screening', trigger: 'schedule', note: '=HYPERLINK("x")' },
      });
    });
    browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: 'claire@city.test', password: 'a long enough password' })
      .expect(303);
  });
  afterAll(() => t.close());

  it('writes each entry as a sentence with links, the raw data only behind a disclosure', async () => {
    const page = await openPage(browser, city.host, '/staff/audit?lang=fr');
    expect(page.status).toBe(200);
    expect(page.html).toContain(
      `Le calendrier a fait passer le programme « <a href="/staff/programmes/${programmeId}">Makers 2026</a> » de la phase Appel à projets ouvert à Instruction des candidatures`,
    );
    expect(page.html).toContain(
      `<a href="/staff/people/${staff.userId}">Claire Martin</a> a modifié le programme « <a href="/staff/programmes/${programmeId}">Makers 2026</a> »`,
    );
    // No id as text outside the disclosure; the data is inside it.
    expect(textOnly(page.html)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(textOnly(page.html)).not.toContain('&quot;i&quot;');
    expect(page.html).toMatch(/<details class="audit-raw"><summary>Détails techniques<\/summary>[\s\S]*?&quot;i&quot;: 59/);
    // The action filter is a list of labels, not a free text input.
    expect(page.html).toMatch(/<select id="audit-action" name="action">[\s\S]*<option value="programme.phase_changed">Changement de phase<\/option>/);
    expect(page.html).toContain('<option value="' + staff.userId + '">Claire Martin</option>');
  });

  it('shows 50 entries a page, with the count and links that keep the filters', async () => {
    // The factories record a few entries of their own (the programme's creation, the juror's role).
    const count = async (where = '') =>
      Number((await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE tenant_id = $1 ${where}`, [city.tenant.id]))[0].n);
    const total = await count();
    expect(total).toBeGreaterThan(60);
    const first = await openPage(browser, city.host, '/staff/audit?lang=fr');
    expect(first.html).toContain(`${total} entrées`);
    expect((first.html.match(/<li class="audit-entry">/g) ?? []).length).toBe(50);
    expect(first.html).toContain('Page 1 sur 2');
    const unescaped = (html: string) => html.replace(/&#x3D;/g, '=');
    expect(unescaped(first.html)).toContain('href="/staff/audit?page=2" rel="next"');
    const second = await openPage(browser, city.host, '/staff/audit?page=2');
    expect((second.html.match(/<li class="audit-entry">/g) ?? []).length).toBe(total - 50);
    expect(unescaped(second.html)).toContain('href="/staff/audit?page=1" rel="prev"');
    const beyond = await openPage(browser, city.host, '/staff/audit?page=99');
    expect(beyond.html).toContain('Page 2 sur 2');

    const filtered = await openPage(browser, city.host, `/staff/audit?action=programme.updated&actor=${staff.userId}&from=2026-03-02&to=2026-03-02`);
    expect(filtered.html).toContain('60 entrées');
    expect(unescaped(filtered.html)).toContain(
      `href="/staff/audit?action=programme.updated&amp;actor=${staff.userId}&amp;from=2026-03-02&amp;to=2026-03-02&amp;page=2" rel="next"`,
    );
    expect(filtered.html).toMatch(/<option value="programme.updated" selected>/);
    const system = await openPage(browser, city.host, '/staff/audit?actor=system');
    const systemCount = await count('AND actor_user_id IS NULL');
    expect(system.html).toContain(systemCount === 1 ? '1 entrée' : `${systemCount} entrées`);
    const elsewhere = await openPage(browser, city.host, '/staff/audit?from=2026-04-01');
    expect(elsewhere.html).toContain('Aucune entrée ne correspond à ces filtres.');
    const bad = await openPage(browser, city.host, `/staff/audit?from=yesterday&actor=x&page=-3&action=${'a'.repeat(300)}`);
    expect(bad.status).toBe(200);
    expect(bad.html).toContain(`${total} entrées`);
  });

  it('exports the filtered entries as CSV: headers in the reader’s language, the sentence and the raw data, formula-safe', async () => {
    const page = await openPage(browser, city.host, '/staff/audit?lang=en&actor=system');
    expect(page.html).toContain('href="/staff/audit.csv?actor&#x3D;system"');
    const systemCount = Number(
      (await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE tenant_id = $1 AND actor_user_id IS NULL`, [city.tenant.id]))[0].n,
    );
    const res = await browser.get('/staff/audit.csv?actor=system').set('Host', city.host).expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual(['Date and time', 'Person', 'Action', 'What happened', 'Kind of object', 'Object id', 'Raw data']);
    expect(rows).toHaveLength(1 + systemCount);
    expect(rows[1][1]).toBe('The system');
    expect(rows[1][3]).toMatch(/^The schedule moved the programme “Makers 2026” from the phase .+ to .+$/);
    expect(rows[1][5]).toBe(programmeId);
    expect(JSON.parse(rows[1][6])).toMatchObject({ from: 'call_open', to: 'screening' });
    const all = parseCsv((await browser.get('/staff/audit.csv').set('Host', city.host).expect(200)).text);
    expect(all).toHaveLength(1 + Number((await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE tenant_id = $1`, [city.tenant.id]))[0].n));
    // A cell that a spreadsheet would run is defused.
    expect(all.every((r) => r.every((c) => !/^[=+\-@]/.test(c)))).toBe(true);
    expect(all.some((r) => r[1] === "'=SUM(A1)")).toBe(true);
  });
});
