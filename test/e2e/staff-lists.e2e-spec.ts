import { AuthService } from '../../src/auth/auth.service.js';
import { SESSION_COOKIE } from '../../src/common/web/cookies.js';
import { seedDemoJury } from '../../src/database/demo-jury-seed.js';
import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const HOST = 'localhost';

/** The text of each cell of a column (by its data-label) in the page's table body, in order. */
function column(html: string, label: string): string[] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  const cells = [...body.matchAll(new RegExp(`<td data-label="${label}"[^>]*>([\\s\\S]*?)</td>`, 'g'))];
  return cells.map((m) =>
    m[1]
      .replace(/<[^>]+>/g, ' ')
      .replace(/&nbsp;|\u202f|\u00a0/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}
const euros = (s: string) => Number(s.replace(/[^\d,]/g, '').replace(',', '.'));

/**
 * Issue 16, part 6: staff lists sort by column, page and count, in the query string (no JavaScript), on the
 * demo's real data: the screening desk, the programme's contributions, the people, the jury's progress.
 */
describe('staff lists that scale', () => {
  let t: TestApp;
  let tenantId: string;
  let staffCookie: string;
  let jurorCookie: string;
  let deskProgramme: string;
  let resultsProgramme: string;
  let juryProgramme: string;

  beforeAll(async () => {
    t = await startTestApp();
    const quiet = () => undefined;
    await seedDemo(t.app, 'http://localhost:3000', quiet);
    await seedDemoJury(t.app, quiet);
    await seedDemoResults(t.app, quiet);
    [{ id: tenantId }] = await t.ds.query(`SELECT id FROM tenant WHERE slug = 'demo'`);
    const id = async (slug: string) => (await t.ds.query(`SELECT id FROM programme WHERE tenant_id = $1 AND slug = $2`, [tenantId, slug]))[0].id as string;
    deskProgramme = await id('makers-jury-demo');
    resultsProgramme = await id('makers-results-demo');
    juryProgramme = await id('makers-jury-demo');
    const cookieOf = async (email: string) => {
      const [u] = await t.ds.query(`SELECT id FROM app_user WHERE tenant_id = $1 AND email = $2`, [tenantId, email]);
      return `${SESSION_COOKIE}=${await t.app.get(AuthService).createSession(tenantId, u.id)}`;
    };
    staffCookie = await cookieOf('staff@demo.tremplin.test');
    jurorCookie = await cookieOf('juror@demo.tremplin.test');
  }, 300_000);
  afterAll(() => t?.close());

  /** The page with its attributes' entities decoded (Handlebars writes `=` in a link as `&#x3D;`). */
  const get = async (path: string, cookie = staffCookie) => {
    const res = await t.http().get(`/t/demo${path}`).set('Host', HOST).set('Accept', 'text/html').set('Cookie', cookie);
    return { status: res.status, text: res.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') };
  };

  it('sorts the screening desk by a column in both directions, says which, and keeps the filters in the links', async () => {
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM application WHERE programme_id = $1 AND status <> 'draft'`, [deskProgramme]);
    expect(n).toBeGreaterThan(1);
    const byDefault = await get(`/staff/programmes/${deskProgramme}/applications`);
    expect(byDefault.status).toBe(200);
    expect(byDefault.text).toContain(`sur ${n}`);
    expect(byDefault.text).toMatch(/<th scope="col" aria-sort="ascending"><a class="sort-link" href="[^"]*sort=receipt&dir=desc">Récépissé/);
    const titles = async (dir: string) => column((await get(`/staff/programmes/${deskProgramme}/applications?sort=title&dir=${dir}`)).text, 'Titre du projet');
    const collator = new Intl.Collator('fr-FR', { numeric: true, sensitivity: 'base' });
    const desc = await titles('desc');
    expect(desc.length).toBe(Math.min(n, 25));
    expect(desc).toEqual([...desc].sort((a, b) => collator.compare(b, a)));
    const asc = await titles('asc');
    expect(asc).toEqual([...asc].sort(collator.compare));
    if (n <= 25) expect(asc).toEqual([...desc].reverse());
    else {
      // Page 2 carries on the same order.
      const next = column((await get(`/staff/programmes/${deskProgramme}/applications?sort=title&dir=asc&page=2`)).text, 'Titre du projet');
      expect(next.length).toBe(Math.min(n - 25, 25));
      expect(collator.compare(asc[asc.length - 1], next[0])).toBeLessThanOrEqual(0);
    }
    const sorted = await get(`/staff/programmes/${deskProgramme}/applications?sort=commune&dir=desc&status=submitted`);
    expect(sorted.text).toMatch(/<th scope="col" aria-sort="descending"><a class="sort-link" href="[^"]*status=submitted&sort=commune&dir=asc">Commune/);
    // The filter form keeps the sort.
    expect(sorted.text).toContain('<input type="hidden" name="sort" value="commune">');
    // A made-up column is the default order, not an error.
    expect((await get(`/staff/programmes/${deskProgramme}/applications?sort=%27%3BDROP&dir=sideways&page=abc`)).status).toBe(200);
  });

  it('lists every contribution of the programme with counts per status, search, sort by amount and pages', async () => {
    const counts: Array<{ status: string; n: number }> = await t.ds.query(
      `SELECT status, count(*)::int AS n FROM contribution WHERE programme_id = $1 GROUP BY status`,
      [resultsProgramme],
    );
    const total = counts.reduce((a, c) => a + c.n, 0);
    expect(total).toBeGreaterThan(25);
    const base = `/staff/programmes/${resultsProgramme}/contributions`;
    const first = await get(base);
    expect(first.status).toBe(200);
    expect(first.text).toContain(`1 à 25 sur ${total.toLocaleString('fr-FR')}`);
    for (const c of counts) expect(first.text).toContain(`value="${c.status}">`);
    const confirmed = counts.find((c) => c.status === 'confirmed')!;
    expect(first.text).toMatch(new RegExp(`value="confirmed">Confirmée \\(${confirmed.n.toLocaleString('fr-FR')}\\)`));
    // By amount, largest first: the first row is the largest contribution.
    const [{ max }] = await t.ds.query(`SELECT max(amount_cents)::int AS max FROM contribution WHERE programme_id = $1`, [resultsProgramme]);
    const byAmount = column((await get(`${base}?sort=amount&dir=desc`)).text, 'Montant').map(euros);
    expect(byAmount[0]).toBe(max / 100);
    expect(byAmount).toEqual([...byAmount].sort((a, b) => b - a));
    // One status, and its CSV link says so.
    const onlyConfirmed = await get(`${base}?status=confirmed`);
    expect(column(onlyConfirmed.text, 'État').every((s) => s === 'Confirmée')).toBe(true);
    expect(onlyConfirmed.text).toContain(`contributions.csv?status=confirmed`);
    // Search by e-mail finds that person's contributions only.
    const [{ email }] = await t.ds.query(`SELECT email FROM contribution WHERE programme_id = $1 ORDER BY created_at LIMIT 1`, [resultsProgramme]);
    const [{ mine }] = await t.ds.query(`SELECT count(*)::int AS mine FROM contribution WHERE programme_id = $1 AND email_key = lower($2)`, [
      resultsProgramme,
      email,
    ]);
    const found = await get(`${base}?q=${encodeURIComponent(email.toUpperCase())}`);
    expect(column(found.text, 'Contributeur').length).toBe(Math.min(mine, 25));
    expect(column(found.text, 'Contributeur').every((s) => s.toLowerCase().includes(email.toLowerCase()))).toBe(true);
    // LIKE wildcards are taken literally.
    expect((await get(`${base}?q=%25`)).text).toContain('Aucun résultat avec ces filtres.');
    // A page past the end shows the last page; the pager keeps the sort.
    const pages = Math.ceil(total / 25);
    const last = await get(`${base}?sort=amount&dir=asc&page=9999`);
    expect(last.text).toContain(`Page ${pages} sur ${pages}`);
    expect(last.text).toContain(`sort=amount&dir=asc&page=${pages - 1}" rel="prev"`);
    // A campaign of another programme filters nothing out (and leaks nothing).
    const [other] = await t.ds.query(`SELECT id FROM campaign WHERE tenant_id = $1 AND programme_id <> $2 LIMIT 1`, [tenantId, resultsProgramme]);
    if (other) expect((await get(`${base}?campaign=${other.id}`)).text).toContain(`sur ${total.toLocaleString('fr-FR')}`);
    // Staff only.
    expect([403, 404]).toContain((await get(base, jurorCookie)).status);
  });

  it('sorts people by e-mail in both directions', async () => {
    const emails = async (dir: string) => column((await get(`/staff/people?sort=email&dir=${dir}`)).text, 'Adresse e-mail');
    const asc = await emails('asc');
    expect(asc.length).toBeGreaterThan(1);
    expect(asc).toEqual([...asc].sort());
    const desc = await emails('desc');
    expect(desc[0] >= desc[desc.length - 1]).toBe(true);
  });

  it('shows the jury’s progress as two lists, the late jurors first, each sortable without losing the other', async () => {
    const page = await get(`/staff/programmes/${juryProgramme}/jury?asort=title&adir=desc`);
    expect(page.status).toBe(200);
    const states = column(page.text, 'État');
    if (states.length > 1) expect(states.indexOf('fait') === -1 || states.lastIndexOf('en retard') < states.indexOf('fait')).toBe(true);
    // The jurors' sort links keep the applications' sort.
    expect(page.text).toMatch(/href="[^"]*asort=title&adir=desc&sort=name&dir=desc"|href="[^"]*asort=title&adir=desc&sort=\w+/);
  });
});
