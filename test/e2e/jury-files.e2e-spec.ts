import { TransactionRunner } from '../../src/common/db/transaction.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import { createEligibleApplications, inviteJuror } from '../factories/jury.js';
import { startTestApp } from '../setup/test-app.js';

describe('jury: reading the files of an application', () => {
  it("lets an assigned juror download an answer's file, and nobody else", async () => {
    const t = await startTestApp();
    try {
      t.clock.set('2026-06-10T08:00:00Z');
      const city = await createTenant(t);
      const staff = await createPerson(t, city, 'staff');
      const programme = await createProgramme(t, city, staff, { phase: 'jury' });
      await createCall(t, city, staff, programme.id);
      const [app] = await createEligibleApplications(t, city, programme.id, 3);
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, 65)]);
      const file = await t.app.get(TransactionRunner).run(async (em) => {
        const stored = await t.app.get(FileStorage).put(em, {
          tenantId: city.tenant.id,
          ownerType: 'application',
          ownerId: app.id,
          purpose: 'pitch_deck',
          filename: 'deck.pdf',
          contentType: 'application/pdf',
          uploadedBy: staff.userId,
          bytes: pdf,
        });
        await em.query(`UPDATE application SET answers = answers || jsonb_build_object('pitch_deck', $2::text) WHERE id = $1`, [app.id, stored.id]);
        return stored;
      });
      const base = `/api/programmes/${programme.id}/jury`;
      await t.http().put(`${base}/settings`).set(staff.headers).send({ method: 'favourites', maxFavourites: 2, laureates: 1 }).expect(200);
      const reader = await inviteJuror(t, city, staff, programme.id, { email: 'reader@partner.example' });
      const cousin = await inviteJuror(t, city, staff, programme.id, { email: 'cousin@partner.example' });
      await t.http().post(`${base}/me/conflicts`).set(cousin.headers).send({ applicationId: app.id, reason: 'family' }).expect(204);

      // Security review, finding 3: while the jury is still in set-up, the conflict already hides the
      // application, its answers and its files from that juror (API and page).
      const early = await t.http().get(`${base}/me/applications/${app.id}`).set(cousin.headers);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('JURY_CONFLICT_DECLARED');
      expect(JSON.stringify(early.body)).not.toContain(app.title);
      const earlyFile = await t.http().get(`${base}/me/applications/${app.id}/files/${file.id}`).set(cousin.headers);
      expect(earlyFile.status).toBe(409);
      expect(earlyFile.headers['content-type']).not.toContain('pdf');
      const earlyPage = await t
        .http()
        .get(`/jury/programmes/${programme.id}/applications/${app.id}`)
        .set({ ...cousin.headers, Accept: 'text/html' });
      expect(earlyPage.status).toBe(409);
      expect(earlyPage.text).not.toContain(app.title);
      expect((await t.http().get(`${base}/me/applications/${app.id}`).set(reader.headers)).status).toBe(200);

      await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);

      const read = await t.http().get(`${base}/me/applications/${app.id}`).set(reader.headers);
      expect(read.body.attachments).toEqual([expect.objectContaining({ id: file.id, filename: 'deck.pdf' })]);
      const got = await t.http().get(`${base}/me/applications/${app.id}/files/${file.id}`).set(reader.headers).buffer(true);
      expect(got.status).toBe(200);
      expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);

      const conflicted = await t.http().get(`${base}/me/applications/${app.id}/files/${file.id}`).set(cousin.headers);
      expect(conflicted.status).toBe(409);
      const applicant = await createPerson(t, city, null);
      expect((await t.http().get(`${base}/me/applications/${app.id}/files/${file.id}`).set(applicant.headers)).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});
