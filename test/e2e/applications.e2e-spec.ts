import ExcelJS from 'exceljs';
import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

describe('applications', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'call_open' });
    await createCall(t, city, staff, programme.id);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  async function startDraft(person: TestPerson): Promise<string> {
    const res = await t.http().post(`/api/programmes/${programme.id}/applications`).set(person.headers).send({});
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('keeps a partial draft, lists what is missing, then submits once with a receipt and an e-mailed copy', async () => {
    const maker = await createPerson(t, city, null);
    const key = 'start-0001-abcdef';
    const first = await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).set('Idempotency-Key', key).send({});
    const retry = await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).set('Idempotency-Key', key).send({});
    expect(first.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    const id = first.body.id;

    const partial = await t
      .http()
      .patch(`/api/applications/${id}`)
      .set(maker.headers)
      .send({ title: 'Atelier vélo', answers: { team_size: 3 } });
    expect(partial.status).toBe(200);
    const read = await t.http().get(`/api/applications/${id}`).set(maker.headers);
    expect(read.body.title).toBe('Atelier vélo');
    expect(read.body.missing.map((m: { field: string }) => m.field)).toEqual(
      expect.arrayContaining(['summary', 'goalCents', 'commune', 'answers.has_prototype', 'consent']),
    );

    const badType = await t
      .http()
      .patch(`/api/applications/${id}`)
      .set(maker.headers)
      .send({ answers: { team_size: 'many', website: 'not a url' } });
    expect(badType.status).toBe(400);
    expect(badType.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['answers.team_size', 'answers.website']);

    // Out of the territory and above the goal bounds: each rule names its field, with its reason.
    await t
      .http()
      .patch(`/api/applications/${id}`)
      .set(maker.headers)
      .send({ ...COMPLETE_APPLICATION, commune: 'Paris', postcode: '75001', goalCents: 2_000_000 })
      .expect(200);
    const refused = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'commune', message: "Le projet doit se dérouler dans l'une des communes du territoire." },
        { field: 'goalCents', message: expect.stringMatching(/^L'objectif de collecte doit être compris entre 1\s000\s€ et 10\s000\s€\.$/u) },
      ]),
    );

    await t.http().patch(`/api/applications/${id}`).set(maker.headers).send(COMPLETE_APPLICATION).expect(200);
    const [a, b] = await Promise.all([
      t.http().post(`/api/applications/${id}/submit`).set(maker.headers),
      t.http().post(`/api/applications/${id}/submit`).set(maker.headers),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.receiptNumber).toMatch(/^MAK26-\d{5}$/);
    expect(b.body.receiptNumber).toBe(a.body.receiptNumber);
    await t.sendMail();
    // The receipt goes to the applicant's own address (security review, finding 9).
    const mails = smtp.to(maker.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe(`Candidature reçue : ${a.body.receiptNumber}`);
    expect(mails[0].text).toContain('Atelier vélo solidaire');
    expect(mails[0].text).toContain("Taille de l'équipe");
  });

  it('refuses a submission one second after the deadline with 409, and keeps the draft', async () => {
    const maker = await createPerson(t, city, null);
    const id = await startDraft(maker);
    await t.http().patch(`/api/applications/${id}`).set(maker.headers).send(COMPLETE_APPLICATION).expect(200);
    t.clock.set('2026-05-31T22:00:00Z'); // 00:00:00 in Paris on 1 June: one second late
    try {
      const late = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).set('Accept-Language', 'fr');
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('CALL_CLOSED');
      expect(late.body.detail).toContain('31 mai 2026 à 23:59');
      const kept = await t.http().get(`/api/applications/${id}`).set(maker.headers);
      expect(kept.body).toMatchObject({ status: 'draft', title: COMPLETE_APPLICATION.title });
      t.clock.set('2026-05-31T21:59:59Z');
      expect((await t.http().post(`/api/applications/${id}/submit`).set(maker.headers)).status).toBe(200);
    } finally {
      t.clock.set('2026-04-15T10:00:00Z');
    }
  });

  it('allows one live application per applicant, and a new one after withdrawing', async () => {
    const maker = await createPerson(t, city, null);
    const id = await startDraft(maker);
    const second = await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({});
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'ONE_APPLICATION_PER_APPLICANT', applicationId: id });
    const withdrawn = await t.http().post(`/api/applications/${id}/withdraw`).set(maker.headers);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await t.http().patch(`/api/applications/${id}`).set(maker.headers).send({ title: 'again' })).status).toBe(409);
    await startDraft(maker);
  });

  it('shows an application only to its applicant and to staff of its authority', async () => {
    const maker = await createPerson(t, city, null);
    const other = await createPerson(t, city, null);
    const id = await startDraft(maker);
    expect((await t.http().get(`/api/applications/${id}`).set(other.headers)).status).toBe(404);
    expect((await t.http().patch(`/api/applications/${id}`).set(other.headers).send({ title: 'mine now' })).status).toBe(404);
    expect((await t.http().get(`/api/applications/${id}`).set(staff.headers)).status).toBe(200);
    const elsewhere = await createTenant(t);
    const otherStaff = await createPerson(t, elsewhere, 'staff');
    expect((await t.http().get(`/api/applications/${id}`).set(otherStaff.headers)).status).toBe(404);
    expect((await t.http().get(`/api/programmes/${programme.id}/applications`).set(otherStaff.headers)).status).toBe(404);
  });

  it('accepts files by their content, not their name', async () => {
    const maker = await createPerson(t, city, null);
    const id = await startDraft(maker);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 32)]);
    const ok = await t.http().post(`/api/applications/${id}/files/pitch_deck`).set(maker.headers).attach('file', pdf, 'deck.pdf');
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ contentType: 'application/pdf', sizeBytes: pdf.length });
    const fake = await t.http().post(`/api/applications/${id}/files/pitch_deck`).set(maker.headers).attach('file', Buffer.from('MZ not a pdf'), 'deck.pdf');
    expect(fake.status).toBe(400);
    expect(fake.body.code).toBe('FILE_TYPE_NOT_ACCEPTED');
    const big = await t
      .http()
      .post(`/api/applications/${id}/files/pitch_deck`)
      .set(maker.headers)
      .attach('file', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_100_000)]), 'big.pdf');
    expect(big.status).toBe(413);
    const read = await t.http().get(`/api/applications/${id}`).set(maker.headers);
    expect(read.body.answers.pitch_deck).toBe(ok.body.id);
    const download = await t.http().get(`/api/applications/${id}/files/${ok.body.id}`).set(staff.headers).buffer(true);
    expect(download.status).toBe(200);
    expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);
  });

  it('lets staff screen: filter, search, decide with a reason, comment, ask for a correction, export', async () => {
    const makers = await Promise.all([0, 1, 2].map(() => createPerson(t, city, null)));
    const ids: string[] = [];
    for (const [i, m] of makers.entries()) {
      const id = await startDraft(m);
      await t
        .http()
        .patch(`/api/applications/${id}`)
        .set(m.headers)
        .send({
          ...COMPLETE_APPLICATION,
          title: ['Recyclerie textile', 'Repair café', 'Mobilier en palettes'][i],
          category: i === 1 ? 'repair' : 'reuse',
          commune: i === 2 ? 'Lille' : 'Roubaix',
        })
        .expect(200);
      await t.http().post(`/api/applications/${id}/submit`).set(m.headers).expect(200);
      ids.push(id);
    }
    const reuse = await t.http().get(`/api/programmes/${programme.id}/applications?category=reuse&commune=lille`).set(staff.headers);
    expect(reuse.body.items.map((a: { title: string }) => a.title)).toEqual(['Mobilier en palettes']);
    const search = await t.http().get(`/api/programmes/${programme.id}/applications?q=textile`).set(staff.headers);
    expect(search.body.items.map((a: { id: string }) => a.id)).toEqual([ids[0]]);
    const bad = await t.http().get(`/api/programmes/${programme.id}/applications?screening=maybe`).set(staff.headers);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('screening');

    const decided = await t
      .http()
      .post(`/api/applications/${ids[1]}/decision`)
      .set(staff.headers)
      .send({ decision: 'ineligible', reason: 'Projet déjà financé par ailleurs' });
    expect(decided.body.screening).toBe('ineligible');
    await t.http().post(`/api/applications/${ids[0]}/decision`).set(staff.headers).send({ decision: 'eligible', reason: 'Conforme au règlement' }).expect(200);
    const ineligible = await t.http().get(`/api/programmes/${programme.id}/applications?screening=ineligible`).set(staff.headers);
    expect(ineligible.body.items.map((a: { id: string }) => a.id)).toEqual([ids[1]]);
    await t.http().post(`/api/applications/${ids[1]}/comments`).set(staff.headers).send({ body: 'Vérifié avec la région' }).expect(204);
    const comments = await t.http().get(`/api/applications/${ids[1]}/comments`).set(staff.headers);
    expect(comments.body[0].body).toBe('Vérifié avec la région');
    expect((await t.http().get(`/api/applications/${ids[1]}/comments`).set(makers[1].headers)).status).toBe(403);
    const audit = await t.http().get(`/api/audit?action=application.screened`).set(staff.headers);
    expect(audit.body.map((e: { subjectId: string }) => e.subjectId)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    await t.sendMail();
    expect(smtp.to(makers[1].email).map((m) => m.subject)).toContain(`Votre candidature ${decided.body.receiptNumber} : non recevable`);

    // A correction reopens the application past the deadline, until the given date.
    t.clock.set('2026-06-02T08:00:00Z');
    try {
      const corr = await t
        .http()
        .post(`/api/applications/${ids[2]}/correction`)
        .set(staff.headers)
        .send({ message: 'Précisez le budget des palettes.', until: '2026-06-10T18:00:00+02:00' });
      expect(corr.status).toBe(200);
      const edit = await t
        .http()
        .patch(`/api/applications/${ids[2]}`)
        .set(makers[2].headers)
        .send({ summary: 'Mobilier en palettes de réemploi, budget détaillé : 6 000 € de matériel et outillage.' });
      expect(edit.status).toBe(200);
      const resubmit = await t.http().post(`/api/applications/${ids[2]}/submit`).set(makers[2].headers);
      expect(resubmit.status).toBe(200);
      expect(resubmit.body.correctionUntil).toBeNull();
      expect((await t.http().patch(`/api/applications/${ids[2]}`).set(makers[2].headers).send({ title: 'too late' })).status).toBe(409);
      await t.sendMail();
      expect(smtp.to(makers[2].email).map((m) => m.subject)).toContain('Votre candidature « Mobilier en palettes » : une correction est demandée');
    } finally {
      t.clock.set('2026-04-15T10:00:00Z');
    }

    const csv = await t.http().get(`/api/programmes/${programme.id}/applications/export?format=csv`).set(staff.headers);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0].split(',').slice(0, 6)).toEqual(['receipt_number', 'status', 'screening', 'screening_reason', 'submitted_at', 'rules_failed']);
    expect(lines.some((l) => l.includes('Repair café') && l.includes('ineligible'))).toBe(true);

    const xlsx = await t
      .http()
      .get(`/api/programmes/${programme.id}/applications/export?format=xlsx`)
      .set(staff.headers)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).toBe('receipt_number');
    expect(sheet.rowCount).toBe(lines.length);
  });

  it('refuses a form change that would invalidate submitted applications, accepts an optional new question', async () => {
    const removal = await t
      .http()
      .put(`/api/programmes/${programme.id}/call`)
      .set(staff.headers)
      .send({
        ...(await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers)).body,
        programmeId: undefined,
        form: [{ key: 'team_size', kind: 'number', label: { fr: 'Équipe', en: 'Team' }, required: true, min: 1, max: 50 }],
      });
    expect(removal.status).toBe(409);
    expect(removal.body.code).toBe('FORM_CHANGE_NOT_ALLOWED');
    expect(removal.body.errors.map((e: { field: string }) => e.field)).toContain('form.website');

    const current = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers)).body;
    const { programmeId: _p, ...body } = current;
    const added = await t
      .http()
      .put(`/api/programmes/${programme.id}/call`)
      .set(staff.headers)
      .send({
        ...body,
        form: [...current.form, { key: 'video', kind: 'url', label: { fr: 'Vidéo', en: 'Video' }, required: false }],
      });
    expect(added.status).toBe(200);
    expect(added.body.form).toHaveLength(6);
  });
});
