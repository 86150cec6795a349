import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { createEligibleApplications, inviteJuror, type TestJuror } from '../factories/jury.js';
import { openPage, signInByPassword } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** Issue 19, point 5: conflicts withdrawn before the opening, reassigned after it, and ties settled by a documented draw. */
describe('jury: conflicts, reassignment and the tie-break draw', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  const signIn = (email: string, userId: string) => signInByPassword(t, city, { userId, email });
  const audit = (action: string, subjectId: string) =>
    t.ds.query(`SELECT actor_user_id, data FROM audit_entry WHERE tenant_id = $1 AND action = $2 AND subject_id = $3 ORDER BY id`, [
      city.tenant.id,
      action,
      subjectId,
    ]);

  beforeAll(async () => {
    t = await startTestApp();
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(() => t.close());

  async function juryOf(n: number, prefix: string, settings: object, jurors: number) {
    const programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    const apps = await createEligibleApplications(t, city, programme.id, n, { prefix });
    const base = `/api/programmes/${programme.id}/jury`;
    await t.http().put(`${base}/settings`).set(staff.headers).send(settings).expect(200);
    const members: TestJuror[] = [];
    for (let i = 0; i < jurors; i++) members.push(await inviteJuror(t, city, staff, programme.id, { email: `${prefix}-juror${i}@example.org` }));
    return { programme, apps, base, members };
  }

  it('withdraws a conflict declared by mistake before the vote opens (JSON and page), audited; 409 once it is open', async () => {
    const { programme, apps, base, members } = await juryOf(3, 'wd', { method: 'favourites', maxFavourites: 2, laureates: 1 }, 2);
    const [juror] = members;
    await t.http().post(`${base}/me/conflicts`).set(juror.headers).send({ applicationId: apps[0].id, reason: 'Wrong line' }).expect(204);
    expect((await t.http().get(`${base}/me`).set(juror.headers)).body.conflicts).toHaveLength(1);

    const withdrawn = await t.http().delete(`${base}/me/conflicts/${apps[0].id}`).set(juror.headers).expect(200);
    expect(withdrawn.body).toEqual({ applicationId: apps[0].id, withdrawn: true });
    const again = await t.http().delete(`${base}/me/conflicts/${apps[0].id}`).set(juror.headers).expect(200);
    expect(again.body.withdrawn).toBe(false);
    const mine = await t.http().get(`${base}/me`).set(juror.headers).expect(200);
    expect(mine.body.conflicts).toEqual([]);
    expect(mine.body.items.map((i: { applicationId: string }) => i.applicationId)).toContain(apps[0].id);
    const entries = await audit('jury.conflict_withdrawn', apps[0].id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_user_id: juror.userId, data: { memberId: juror.memberId, reason: 'Wrong line' } });
    expect((await t.http().delete(`${base}/me/conflicts/00000000-0000-4000-8000-000000000000`).set(juror.headers)).status).toBe(404);

    // On the juror's page: a link, a confirmation step, then the notice.
    await t.http().post(`${base}/me/conflicts`).set(juror.headers).send({ applicationId: apps[1].id }).expect(204);
    const jb = await signIn(juror.email, juror.userId);
    const portal = await openPage(jb, city.host, `/jury/programmes/${programme.id}?lang=fr`);
    const step = `/jury/programmes/${programme.id}/conflicts/${apps[1].id}/withdraw`;
    expect(portal.html).toContain(`href="${step}"`);
    const confirm = await openPage(jb, city.host, step);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Retirer ce conflit d&#x27;intérêts ?');
    expect(confirm.html).toContain(apps[1].title);
    const done = await jb.post(step).set('Host', city.host).type('form').send({ _csrf: confirm.csrf }).expect(303);
    expect(done.headers.location).toBe(`/jury/programmes/${programme.id}?saved=conflictWithdrawn#conflicts-title`);
    expect((await openPage(jb, city.host, `/jury/programmes/${programme.id}?saved=conflictWithdrawn`)).html).toContain(
      'Votre conflit d&#x27;intérêts est retiré',
    );
    expect(await audit('jury.conflict_withdrawn', apps[1].id)).toHaveLength(1);

    // Once the vote is open, a declared conflict stays.
    await t.http().post(`${base}/me/conflicts`).set(juror.headers).send({ applicationId: apps[2].id }).expect(204);
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    // (The test authority offers French and English; the Dutch message is checked with the catalogues.)
    for (const [lang, text] of [
      ['fr', "Le vote est ouvert : un conflit d'intérêts déclaré ne peut plus être retiré."],
      ['en', 'The vote has opened: a declared conflict of interest can no longer be withdrawn.'],
    ]) {
      const late = await t.http().delete(`${base}/me/conflicts/${apps[2].id}`).set(juror.headers).set('Accept-Language', lang);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('JURY_CONFLICT_WITHDRAWAL_CLOSED');
      expect(late.body.detail).toContain(text);
    }
    const page = await openPage(jb, city.host, `/jury/programmes/${programme.id}?lang=en`);
    expect(page.html).not.toContain('/withdraw"');
    const latePost = await jb
      .post(`/jury/programmes/${programme.id}/conflicts/${apps[2].id}/withdraw`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf });
    expect(latePost.status).toBe(409);
    expect(latePost.text).toContain('can no longer be withdrawn');
    expect((await openPage(jb, city.host, `/jury/programmes/${programme.id}/conflicts/${apps[2].id}/withdraw`)).status).toBe(409);
    expect(await audit('jury.conflict_withdrawn', apps[2].id)).toHaveLength(0);
    expect((await t.http().get(`${base}/me`).set(juror.headers)).body.conflicts).toHaveLength(1);
  });

  it('k per application: a conflict after the opening gives the application to the least loaded juror free of conflicts', async () => {
    // 4 applications, 3 jurors, 1 each: loads 2, 1 and 1.
    const { base, members } = await juryOf(4, 'ra', { method: 'favourites', maxFavourites: 1, laureates: 1, jurorsPerApplication: 1 }, 3);
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    const listOf = async (j: TestJuror) =>
      ((await t.http().get(`${base}/me`).set(j.headers)).body.items as Array<{ applicationId: string }>).map((i) => i.applicationId);
    const lists = new Map<TestJuror, string[]>();
    for (const j of members) lists.set(j, await listOf(j));
    const light = members.filter((j) => lists.get(j)!.length === 1);
    const heavy = members.find((j) => lists.get(j)!.length === 2)!;
    expect(light).toHaveLength(2);
    const [from, expected] = light;
    const appId = lists.get(from)![0];
    await t.http().post(`${base}/me/conflicts`).set(from.headers).send({ applicationId: appId, reason: 'Neighbour' }).expect(204);

    // The least loaded juror gets it (not the one already reading two), whatever the ids.
    expect(await listOf(from)).toEqual([]);
    expect((await listOf(expected)).sort()).toEqual([...lists.get(expected)!, appId].sort());
    expect(await listOf(heavy)).toEqual(lists.get(heavy));
    const entries = await audit('jury.application_reassigned', appId);
    expect(entries).toHaveLength(1);
    expect(entries[0].data).toMatchObject({ fromMemberId: from.memberId, toMemberIds: [expected.memberId], missing: 0 });
    const progress = await t.http().get(`${base}/progress`).set(staff.headers).expect(200);
    expect(progress.body.applications.find((a: { applicationId: string }) => a.applicationId === appId)).toMatchObject({ jurors: 1, missing: 0 });
    // The new reader may vote on it; the one with the conflict may not.
    await t.http().put(`${base}/me/ballots/${appId}`).set(expected.headers).send({ picked: true }).expect(200);
    expect((await t.http().put(`${base}/me/ballots/${appId}`).set(from.headers).send({ picked: true })).body.code).toBe('JURY_CONFLICT_DECLARED');
  });

  it('k per application: when no juror is available, the staff progress says so for that application', async () => {
    const { programme, apps, base, members } = await juryOf(1, 'na', { method: 'favourites', maxFavourites: 1, laureates: 1, jurorsPerApplication: 2 }, 2);
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    await t.http().post(`${base}/me/conflicts`).set(members[1].headers).send({ applicationId: apps[0].id }).expect(204);
    const entries = await audit('jury.reassignment_unavailable', apps[0].id);
    expect(entries).toHaveLength(1);
    expect(entries[0].data).toMatchObject({ fromMemberId: members[1].memberId, toMemberIds: [], missing: 1 });
    const progress = await t.http().get(`${base}/progress`).set(staff.headers).expect(200);
    expect(progress.body.applications[0]).toMatchObject({ applicationId: apps[0].id, jurors: 1, missing: 1 });
    const sb = await signIn(staff.email, staff.userId);
    const fr = await openPage(sb, city.host, `/staff/programmes/${programme.id}/jury?lang=fr`);
    expect(fr.html).toContain('Il manque 1 juré : aucun autre juré n&#x27;est disponible');
    expect(fr.html).toContain('1 dossier n&#x27;a pas tous ses jurés');
    const en = await openPage(sb, city.host, `/staff/programmes/${programme.id}/jury?lang=en`);
    expect(en.html).toContain('1 juror missing: no other juror is available');
  });

  it('settles a tie the tie-breakers leave equal by a seeded draw: stored, audited with the tied applications, explained with titles', async () => {
    // Nobody picks anything: the three applications are tied at 0 on every tie-breaker; one laureate.
    const { programme, apps, base } = await juryOf(3, 'dr', { method: 'favourites', maxFavourites: 1, laureates: 1, waitingList: 1 }, 1);
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    await t.http().post(`${base}/vote/close`).set(staff.headers).expect(200);
    const [row] = await t.ds.query(`SELECT draw_seed FROM jury WHERE programme_id = $1`, [programme.id]);
    expect(row.draw_seed).toMatch(/^[0-9a-f]{32}$/);
    const seed: string = row.draw_seed;
    const entries = await audit('jury.tie_draw', programme.id);
    expect(entries).toHaveLength(1);
    const tie = entries[0].data.ties[0];
    expect(entries[0].data.seed).toBe(seed);
    expect(tie.applications.map((a: { title: string }) => a.title).sort()).toEqual(apps.map((a) => a.title).sort());

    const en = await t.http().get(`${base}/results`).set(staff.headers).set('Accept-Language', 'en').expect(200);
    const order = en.body.ranking.map((r: { applicationId: string }) => r.applicationId);
    expect(order).toEqual(tie.applications.map((a: { applicationId: string }) => a.applicationId));
    // Redone from the seed: HMAC-SHA-256 of each id, smallest first.
    const { drawOrder } = await import('../../src/jury/domain/draw.js');
    expect(order).toEqual(
      drawOrder(
        seed,
        apps.map((a) => a.id),
      ),
    );
    expect(en.body.draw.seed).toBe(seed);
    const titleOf = (id: string) => apps.find((a) => a.id === id)!.title;
    const first = en.body.ranking[0].selection.text as string;
    expect(first).toContain(`“${titleOf(order[0])}” ahead of “${titleOf(order[1])}” by a draw`);
    expect(first).toContain(`seed ${seed}`);
    expect(first).toMatch(new RegExp(`Tied on score with “(${titleOf(order[1])}|${titleOf(order[2])})” and “`));
    for (const a of apps) expect(JSON.stringify(en.body.ranking.map((r: { selection: { text: string } }) => r.selection.text))).not.toContain(a.id);
    const fr = await t.http().get(`${base}/results`).set(staff.headers).set('Accept-Language', 'fr').expect(200);
    expect(fr.body.ranking[0].selection.text).toContain(`« ${titleOf(order[0])} » devant « ${titleOf(order[1])} » par tirage au sort`);
    expect(fr.body.boundaryTies[0].explanation.text).toContain('tirage au sort');
    // Computing the results again changes neither the seed nor the order, and writes no second draw.
    expect((await t.http().get(`${base}/results`).set(staff.headers).expect(200)).body.ranking.map((r: { applicationId: string }) => r.applicationId)).toEqual(
      order,
    );
    expect(await audit('jury.tie_draw', programme.id)).toHaveLength(1);

    const sb = await signIn(staff.email, staff.userId);
    const page = await openPage(sb, city.host, `/staff/programmes/${programme.id}/jury?lang=fr`);
    expect(page.html).toContain('Tirage au sort');
    expect(page.html).toContain(seed);
    const auditPage = await openPage(sb, city.host, `/staff/audit?lang=fr`);
    expect(auditPage.status).toBe(200);
    expect(auditPage.html).toContain('Tirage au sort pour les ex aequo');
  });

  it('a vote closed before draws existed gets its seed at the next computation of its results', async () => {
    const { programme, base } = await juryOf(2, 'lg', { method: 'favourites', maxFavourites: 1, laureates: 1 }, 1);
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    await t.http().post(`${base}/vote/close`).set(staff.headers).expect(200);
    await t.ds.query(`UPDATE jury SET draw_seed = NULL WHERE programme_id = $1`, [programme.id]);
    const r = await t.http().get(`${base}/results`).set(staff.headers).expect(200);
    const [row] = await t.ds.query(`SELECT draw_seed FROM jury WHERE programme_id = $1`, [programme.id]);
    expect(row.draw_seed).toMatch(/^[0-9a-f]{32}$/);
    expect(r.body.draw.seed).toBe(row.draw_seed);
  });

  it('the cut-off is typed on the criteria’s scale ("12 / 20"), and a z-score cut-off stored before is moved aside by the migration', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'jury' });
    const sb = await signIn(staff.email, staff.userId);
    const path = `/staff/programmes/${programme.id}/jury`;
    const page = await openPage(sb, city.host, `${path}?lang=fr`);
    const form = (cutOff: string) => ({
      _csrf: page.csrf,
      method: 'scored_criteria',
      normalisation: 'z_score',
      'criteria.0.label.fr': 'Impact',
      'criteria.0.weight': '1',
      'criteria.0.min': '0',
      'criteria.0.max': '20',
      laureates: '2',
      waitingList: '0',
      cutOff,
    });
    const wrongScale = await sb.post(`${path}/settings`).set('Host', city.host).type('form').send(form('3,5 / 5'));
    expect(wrongScale.status).toBe(400);
    expect(wrongScale.text).toContain('saisissez une note sur 20');
    const offScale = await sb.post(`${path}/settings`).set('Host', city.host).type('form').send(form('25'));
    expect(offScale.status).toBe(400);
    await sb.post(`${path}/settings`).set('Host', city.host).type('form').send(form('12 / 20')).expect(303);
    const stored = await t.http().get(`/api/programmes/${programme.id}/jury`).set(staff.headers).expect(200);
    expect(stored.body.settings.cutOff).toBe(12);
    const again = await openPage(sb, city.host, `${path}?lang=fr`);
    expect(again.html).toContain('Une note sur l&#x27;échelle des critères, de 0 à 20');
    expect(again.html).toContain('la note est convertie pour chaque juré');

    // The data migration: a cut-off stored as a z-score moves to cutOffZ (kept, still honoured), not dropped.
    await t.ds.query(`UPDATE jury SET settings = settings || '{"cutOff": 0.5}'::jsonb WHERE programme_id = $1`, [programme.id]);
    const { JuryDrawSeedAndScaleCutOff1796190000000: Migration } = await import('../../migrations/1796190000000-JuryDrawSeedAndScaleCutOff.js');
    const dataOnly = { query: (sql: string) => (sql.startsWith('ALTER') ? Promise.resolve() : t.ds.query(sql)) };
    await new Migration().up(dataOnly as never);
    const [moved] = await t.ds.query(`SELECT settings FROM jury WHERE programme_id = $1`, [programme.id]);
    expect(moved.settings).toMatchObject({ cutOff: null, cutOffZ: 0.5 });
    const legacy = await openPage(sb, city.host, `${path}?lang=en`);
    expect(legacy.html).toContain('An earlier cut-off of 0.5 was entered as a normalised score');
    await new Migration().down(dataOnly as never);
    const [back] = await t.ds.query(`SELECT settings FROM jury WHERE programme_id = $1`, [programme.id]);
    expect(back.settings.cutOff).toBe(0.5);
    expect(back.settings).not.toHaveProperty('cutOffZ');
  });
});
