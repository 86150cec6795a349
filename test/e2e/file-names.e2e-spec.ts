import { TransactionRunner } from '../../src/common/db/transaction.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { createAnnouncedProgramme, PDF_BYTES, TEST_PLAN } from '../factories/coaching.js';
import { createCall, createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { createEligibleApplications, inviteJuror } from '../factories/jury.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const CHINESE = 'dossier-中文.pdf';
const CHINESE_HEADER = `attachment; filename="dossier-__.pdf"; filename*=UTF-8''dossier-%E4%B8%AD%E6%96%87.pdf`;
const POLY_HEADER = `attachment; filename="poly.pdf"; filename*=UTF-8''poly.pdf`;

/** What a download answers: the exact bytes, the sniffed type, never sniffed again, its name from the RFC 6266 header. */
function expectDownload(res: { status: number; headers: Record<string, string>; body: Buffer }, disposition: string) {
  expect(res.status).toBe(200);
  expect(Buffer.compare(res.body, PDF_BYTES)).toBe(0);
  expect(res.headers['content-type']).toMatch(/^application\/pdf/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-disposition']).toBe(disposition);
}

describe('uploaded files keep their names in UTF-8 and download under their real type', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    t = await startTestApp();
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(() => t.close());

  it('applications: a PDF named poly.html downloads as poly.pdf, dossier-中文.pdf as itself', async () => {
    t.clock.set('2026-04-15T10:00:00Z');
    const programme = await createProgramme(t, city, staff, { phase: 'call_open' });
    const file = (key: string) => ({ key, kind: 'file', label: { fr: key, en: key }, required: false, accept: ['pdf'], maxSizeBytes: 1048576 });
    await createCall(t, city, staff, programme.id, { form: [file('pitch_deck'), file('budget')] });
    const maker = await createPerson(t, city, null);
    const id = (await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({}).expect(201)).body.id;

    const poly = await t.http().post(`/api/applications/${id}/files/pitch_deck`).set(maker.headers).attach('file', PDF_BYTES, 'poly.html').expect(201);
    const dossier = await t.http().post(`/api/applications/${id}/files/budget`).set(maker.headers).attach('file', PDF_BYTES, CHINESE).expect(201);
    // The name is kept as written (the listing shows what the person uploaded); only downloads get the type's extension.
    expect([poly.body.filename, poly.body.contentType, dossier.body.filename]).toEqual(['poly.html', 'application/pdf', CHINESE]);

    for (const who of [maker, staff]) {
      expectDownload(await t.http().get(`/api/applications/${id}/files/${poly.body.id}`).set(who.headers).buffer(true), POLY_HEADER);
      expectDownload(await t.http().get(`/api/applications/${id}/files/${dossier.body.id}`).set(who.headers).buffer(true), CHINESE_HEADER);
    }
  });

  it("jury: a juror downloads an answer's files under the same names", async () => {
    t.clock.set('2026-06-10T08:00:00Z');
    const programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    const [app] = await createEligibleApplications(t, city, programme.id, 2, { prefix: 'files' });
    const [poly, dossier] = await t.app.get(TransactionRunner).run(async (em) => {
      const put = (purpose: string, filename: string) =>
        t.app.get(FileStorage).put(em, {
          tenantId: city.tenant.id,
          ownerType: 'application',
          ownerId: app.id,
          purpose,
          filename,
          contentType: 'application/pdf',
          uploadedBy: staff.userId,
          bytes: PDF_BYTES,
        });
      const stored = [await put('pitch_deck', 'poly.html'), await put('budget', CHINESE)];
      await em.query(`UPDATE application SET answers = answers || jsonb_build_object('pitch_deck', $2::text, 'budget', $3::text) WHERE id = $1`, [
        app.id,
        stored[0].id,
        stored[1].id,
      ]);
      return stored;
    });
    const base = `/api/programmes/${programme.id}/jury`;
    await t.http().put(`${base}/settings`).set(staff.headers).send({ method: 'favourites', maxFavourites: 1, laureates: 1 }).expect(200);
    const juror = await inviteJuror(t, city, staff, programme.id, { email: 'files@partner.example' });
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    expectDownload(await t.http().get(`${base}/me/applications/${app.id}/files/${poly.id}`).set(juror.headers).buffer(true), POLY_HEADER);
    expectDownload(await t.http().get(`${base}/me/applications/${app.id}/files/${dossier.id}`).set(juror.headers).buffer(true), CHINESE_HEADER);
  });

  it("coaching: a laureate's hand-in downloads under the same rule, for the laureate and staff", async () => {
    t.clock.set('2026-06-30T08:00:00Z');
    const {
      programme,
      laureates: [ines, bob],
    } = await createAnnouncedProgramme(t, city, staff, 2);
    const base = `/api/programmes/${programme.id}/coaching`;
    await t.http().put(`${base}/plan`).set(staff.headers).send({ milestones: TEST_PLAN }).expect(200);
    await t.http().post(`/api/programmes/${programme.id}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Coaching' }).expect(201);
    const budgetOf = async (who: TestPerson) =>
      (await t.http().get(`${base}/me`).set(who.headers).expect(200)).body.milestones.find((m: { key: string }) => m.key === 'budget').id;
    const [inesBudget, bobBudget] = [await budgetOf(ines), await budgetOf(bob)];
    await t.http().post(`${base}/me/milestones/${inesBudget}/files`).set(ines.headers).attach('file', PDF_BYTES, 'poly.html').expect(200);
    await t.http().post(`${base}/me/milestones/${bobBudget}/files`).set(bob.headers).attach('file', PDF_BYTES, CHINESE).expect(200);
    for (const who of [ines, staff]) expectDownload(await t.http().get(`${base}/milestones/${inesBudget}/file`).set(who.headers).buffer(true), POLY_HEADER);
    expectDownload(await t.http().get(`${base}/milestones/${bobBudget}/file`).set(bob.headers).buffer(true), CHINESE_HEADER);
  });
});
