import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsersRepository } from '../auth/users.repository.js';
import { CoachReviewsService } from '../coaching/coach-reviews.service.js';
import { CoachingService } from '../coaching/coaching.service.js';
import { LaureateScheduleService } from '../coaching/laureate-schedule.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import type { Principal } from '../auth/principal.js';
import { JuryRepository } from '../jury/jury.repository.js';
import { JuryResultsService } from '../jury/jury-results.service.js';
import { JurySetupService } from '../jury/jury-setup.service.js';
import { JuryVoteService } from '../jury/jury-vote.service.js';
import { JuryWaitingListService } from '../jury/jury-waiting.service.js';
import type { Partner } from '../partners/partner.entity.js';
import { MatchingService } from '../partners/matching.service.js';
import { PartnersService } from '../partners/partners.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { insertDemoCall, seedProgrammeOnce } from './demo-data.js';

const DAY = 86_400_000;
const SEED_LOCK = 7_314_420_005;
const SLUG = 'makers-coaching-demo';
const DEMO_LAUREATE = 'laureate@demo.tremplin.test';
const DEMO_COACH = 'coach@demo.tremplin.test';
const DEMO_PARTNER = 'partner@demo.tremplin.test';

const PROJECTS: Array<[string, string, string[]]> = [
  ['Atelier vélo solidaire', 'repair', ['prototyping', 'communication']],
  ['Ressourcerie de quartier', 'reuse', ['finance', 'logistics']],
  ['Meubles en palettes', 'local-making', ['design', 'prototyping']],
  ['Repair café mobile', 'repair', ['communication', 'logistics']],
  ['Textiles upcyclés', 'reuse', ['design', 'marketing']],
  ['Imprimante 3D au plastique recyclé', 'recycling', ['prototyping', 'engineering']],
  ['Luminaires en verre de récupération', 'reuse', ['design', 'marketing']],
  ['Compost de balcon', 'recycling', ['communication', 'finance']],
  ['Jouets en bois de chutes', 'local-making', ['prototyping', 'marketing']],
  ['Sacs en voiles de bateau', 'reuse', ['marketing', 'finance']],
  // The waiting list: the first is promoted when 'Sacs en voiles de bateau' withdraws.
  ['Vélos cargo partagés', 'repair', ['logistics', 'communication']],
  ['Cantine zéro déchet', 'reuse', ['finance', 'logistics']],
];
const LAUREATES = 10;
const WITHDRAWN = 9;
const JURORS: Array<[string, string, string]> = [
  ['jure1.coaching@demo.tremplin.test', 'Élise Bernard', 'Métropole de Lumière'],
  ['jure2.coaching@demo.tremplin.test', 'Olivier Roy', 'Banque coopérative'],
  ['jure3.coaching@demo.tremplin.test', 'Camille Faure', 'Université de Lumière'],
  ['jure4.coaching@demo.tremplin.test', 'Yann Leroy', 'Maker Faire Lumière'],
];
/**
 * Each juror's ranking, as swaps of the projects' order: the ten first come out laureates, the two last
 * on the waiting list, and 'Imprimante 3D au plastique recyclé' ties with 'Luminaires en verre de
 * récupération' (two jurors each way), settled by the seeded draw, so the results page has a tie to explain.
 */
const SWAPS: Array<Array<[number, number]>> = [
  [],
  [[1, 2]],
  [
    [5, 6],
    [8, 9],
  ],
  [
    [5, 6],
    [10, 11],
  ],
];

const PARTNERS = [
  {
    name: 'Université de Lumière',
    description: {
      fr: 'Laboratoires, fablab et étudiants en design.',
      en: 'Laboratories, a fablab and design students.',
      nl: 'Laboratoria, een fablab en studenten ontwerp.',
    },
    expertise: ['prototyping', 'engineering', 'design'],
    themes: ['recycling', 'local-making'],
    capacity: 3,
  },
  {
    name: 'Banque coopérative',
    description: {
      fr: 'Conseil financier et abondement des collectes.',
      en: 'Financial advice and match-funding of the collections.',
      nl: 'Financieel advies en verdubbeling van de inzamelingen.',
    },
    expertise: ['finance', 'marketing'],
    themes: ['reuse'],
    capacity: 3,
    matchFundingCents: 1_000_000,
  },
  {
    name: 'Réseau d’accompagnement',
    description: {
      fr: 'Mentors entrepreneurs du territoire.',
      en: 'Local entrepreneurs as mentors.',
      nl: 'Ondernemers uit de regio als mentor.',
    },
    expertise: ['finance', 'logistics', 'communication'],
    themes: ['repair', 'reuse'],
    capacity: 2,
  },
  {
    name: 'Maker Faire Lumière',
    description: {
      fr: 'Visibilité, événements et communauté maker.',
      en: 'Visibility, events and the maker community.',
      nl: 'Zichtbaarheid, evenementen en de makersgemeenschap.',
    },
    expertise: ['communication', 'marketing', 'design'],
    themes: ['local-making', 'repair'],
    capacity: 3,
  },
];

/**
 * A third demo programme, "Makers — coaching demo", in its coaching phase: ten laureates (the demo
 * laureate first) chosen by a jury (Borda, four jurors), one of whom withdrew and was replaced by the
 * first on the waiting list, with the plan as their schedule and the demo coach, some work handed in and
 * reviewed, four sponsor partners (the demo partner speaks for the university) and a confirmed
 * matching. Idempotent under an advisory lock: does nothing when the programme exists. Call after
 * `seedDemo` (it needs the demo authority and its people).
 */
export async function seedDemoCoaching(app: INestApplication, say: (m: string) => void, tenantSlug = 'demo'): Promise<void> {
  await seedProgrammeOnce(app, SEED_LOCK, SLUG, tenantSlug, say, async (tenant) =>
    (await createCoachingDemo(app, tenant))
      ? 'demo programme "Makers — coaching demo" created: ten laureates in coaching (one promoted from the waiting list), four partners, matching confirmed'
      : null,
  );
}

async function createCoachingDemo(app: INestApplication, tenant: Tenant): Promise<boolean> {
  const ds = app.get(DataSource);
  const users = app.get(UsersRepository);
  const tx = app.get(TransactionRunner);
  const programmes = app.get(ProgrammesService);
  const coaching = app.get(CoachingService);
  const schedules = app.get(LaureateScheduleService);
  const reviews = app.get(CoachReviewsService);
  const partners = app.get(PartnersService);
  const matchings = app.get(MatchingService);
  const now = app.get(Clock).now().getTime();
  const staff = (
    await ds.query(
      `SELECT u.id FROM app_user u JOIN role_grant g ON g.user_id = u.id WHERE u.tenant_id = $1 AND g.role = 'staff' AND g.programme_id IS NULL ORDER BY u.email LIMIT 1`,
      [tenant.id],
    )
  )[0]?.id as string | undefined;
  if (!staff) return false;

  let programme = await programmes.create(
    tenant,
    {
      slug: SLUG,
      title: { fr: 'Makers — démonstration de l’accompagnement', en: 'Makers — coaching demo', nl: 'Makers — demo van de begeleiding' },
      summary: {
        fr: 'Un programme de démonstration en phase d’accompagnement : dix lauréats, un plan, des coachs et des partenaires parrains.',
        en: 'A demonstration programme in its coaching phase: ten laureates, a plan, coaches and sponsor partners.',
        nl: 'Een demonstratieprogramma in de begeleidingsfase: tien laureaten, een plan, coaches en sponsorpartners.',
      },
    },
    staff,
  );
  for (const to of ['call_open', 'screening', 'jury'] as const) {
    programme = await programmes.transition(tenant, programme.id, to, 'demo set-up', staff);
  }

  // Twelve eligible applications, written directly (the demo skips the call and the screening desk).
  const applicants: Principal[] = [];
  await tx.run(async (em) => {
    await insertDemoCall(em, tenant.id, programme.id, 'COA', new Date(now - 60 * 86_400_000));
    const coach = await users.upsert(em, tenant.id, DEMO_COACH, 'Sophie Roux (coach)');
    await users.grant(em, tenant.id, coach.id, 'coach', programme.id);
    for (const [i, [title, category]] of PROJECTS.entries()) {
      const n = i + 1;
      const email = i === 0 ? DEMO_LAUREATE : `laureat${n}@demo.tremplin.test`;
      const user = await users.upsert(em, tenant.id, email, i === 0 ? 'Inès Lefebvre (Atelier Réemploi)' : `Lauréat ${n}`, 'fr');
      await users.grant(em, tenant.id, user.id, 'applicant', programme.id);
      await em.query(
        `INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, screening_reason, title, summary, category,
           goal_cents, commune, postcode, applicant_name, organisation, email, phone, consent, answers, receipt_number, submitted_at, locale)
         VALUES ($1, $2, $3, 'submitted', 'eligible', 'Demo', $4, $5, $6, $7, 'Lumière', '59000', $8, $9, $10, '', true, '{}', $11, $12, 'fr')`,
        [
          tenant.id,
          programme.id,
          user.id,
          title,
          `${title} : un projet d'économie circulaire lauréat, en accompagnement pour la démonstration.`,
          category,
          300_000 + i * 50_000,
          user.displayName,
          `Collectif ${n}`,
          email,
          `COACH-${String(n).padStart(5, '0')}`,
          new Date(now - 60 * DAY),
        ],
      );
      applicants.push({ userId: user.id, email, displayName: user.displayName, roles: [], programmeRoles: { [programme.id]: ['applicant'] }, via: 'token' });
    }
  });
  const appIds = await juryDemo(app, tenant, programme.id, staff);
  await app.get(JuryResultsService).announce(tenant, programme.id, staff);

  await coaching.savePlan(
    tenant,
    programme.id,
    [
      {
        id: 'kickoff',
        kind: 'session',
        title: { fr: 'Séance de lancement', en: 'Kick-off session', nl: 'Startsessie' },
        days: 0,
        time: '18:00',
        place: 'Fablab de Lumière, 12 rue du Port',
        durationMinutes: 90,
        required: false,
      },
      {
        id: 'story',
        kind: 'deliverable',
        title: { fr: 'Récit de campagne', en: 'Campaign story', nl: 'Campagneverhaal' },
        description: {
          fr: 'Qui vous êtes, ce que vous faites, pourquoi maintenant.',
          en: 'Who you are, what you do, why now.',
          nl: 'Wie u bent, wat u doet, waarom nu.',
        },
        days: 7,
        time: '18:00',
        evidence: 'text',
        required: true,
      },
      {
        id: 'budget',
        kind: 'deliverable',
        title: { fr: 'Budget prévisionnel (PDF)', en: 'Budget forecast (PDF)', nl: 'Begroting (pdf)' },
        days: 14,
        time: '18:00',
        evidence: 'file',
        required: true,
      },
      {
        id: 'rewards',
        kind: 'session',
        title: { fr: 'Atelier contreparties', en: 'Rewards workshop', nl: 'Workshop tegenprestaties' },
        days: 21,
        time: '10:00',
        videoUrl: 'https://visio.example.org/contreparties',
        durationMinutes: 60,
        required: false,
      },
      {
        id: 'video',
        kind: 'deliverable',
        title: { fr: 'Vidéo de présentation', en: 'Presentation video', nl: 'Presentatievideo' },
        days: 28,
        time: '18:00',
        evidence: 'url',
        required: true,
      },
    ],
    staff,
  );
  await programmes.transition(tenant, programme.id, 'coaching', 'demo set-up', staff);

  // One laureate withdraws (staff record it, with their reason) and the first on the waiting list takes the place.
  const waitingList = app.get(JuryWaitingListService);
  await waitingList.withdraw(
    tenant,
    programme.id,
    appIds[WITHDRAWN],
    { reason: 'Le collectif a trouvé un atelier hors du territoire et renonce à la campagne.', byLaureate: true },
    staff,
  );
  await waitingList.promote(tenant, programme.id, staff);
  const laureates = applicants.filter((_, i) => i !== WITHDRAWN && i <= LAUREATES);

  // Some work handed in: five stories, three validated by the coach, one sent back.
  const coachUser = (await ds.query('SELECT id FROM app_user WHERE tenant_id = $1 AND email = $2', [tenant.id, DEMO_COACH]))[0].id as string;
  const coachPrincipal: Principal = {
    userId: coachUser,
    email: DEMO_COACH,
    displayName: 'Sophie Roux',
    roles: [],
    programmeRoles: { [programme.id]: ['coach'] },
    via: 'token',
  };
  for (const [i, l] of laureates.slice(1, 6).entries()) {
    const mine = await schedules.mySchedule(tenant, programme.id, l);
    const story = mine.milestones.find((m) => m.milestoneKey === 'story')!;
    await schedules.submit(tenant, programme.id, story.id, l, {
      kind: 'text',
      text: `Nous sommes ${l.displayName} : ${PROJECTS[applicants.indexOf(l)][0].toLowerCase()}, fabriqué ici avec des matériaux de réemploi.`,
    });
    if (i < 3) await reviews.review(tenant, programme.id, story.id, coachPrincipal, 'validate', 'Clair et sincère, bravo.');
    else if (i === 3)
      await reviews.review(tenant, programme.id, story.id, coachPrincipal, 'request_changes', 'Ajoutez une phrase sur l’impact pour le quartier.');
  }

  // Partners, the demo partner speaking for the university, laureates' needs, and a confirmed matching.
  const created: Partner[] = [];
  for (const p of PARTNERS) created.push(await partners.create(tenant, programme.id, p, staff));
  await tx.run(async (em) => {
    const contact = await users.upsert(em, tenant.id, DEMO_PARTNER, 'Paul Durand (Université)');
    await users.grant(em, tenant.id, contact.id, 'partner', programme.id);
    await em.query('INSERT INTO partner_contact (tenant_id, partner_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      tenant.id,
      created[0].id,
      contact.id,
    ]);
  });
  for (const [i, l] of laureates.entries()) {
    await partners.setNeeds(tenant, programme.id, l, PROJECTS[applicants.indexOf(l)][2], i % 3 === 0 ? [created[i % created.length].id] : []);
  }
  await matchings.run(tenant, programme.id, staff);
  await matchings.confirm(tenant, programme.id, staff);
  return true;
}

/**
 * The jury that chose them, through the jury's own services: four jurors ranking the twelve (Borda),
 * the vote closed and the proposal confirmed (ten laureates, two on the waiting list). Returns the
 * applications' ids in the order of PROJECTS.
 */
async function juryDemo(app: INestApplication, tenant: Tenant, programmeId: string, staff: string): Promise<string[]> {
  const users = app.get(UsersRepository);
  const repo = app.get(JuryRepository);
  const setup = app.get(JurySetupService);
  await setup.saveSettings(tenant, programmeId, { method: 'borda', laureates: LAUREATES, waitingList: PROJECTS.length - LAUREATES }, staff);
  // Members are added without invitation e-mails (the demo prints sign-in links instead).
  const jurors: Principal[] = [];
  await app.get(TransactionRunner).run(async (em) => {
    for (const [email, name, organisation] of JURORS) {
      const user = await users.upsert(em, tenant.id, email, name);
      await users.grant(em, tenant.id, user.id, 'juror', programmeId);
      await repo.insertMember(em, {
        tenantId: tenant.id,
        programmeId,
        userId: user.id,
        displayName: user.displayName,
        email: user.email,
        organisation,
        weight: 1,
      });
      jurors.push({ userId: user.id, email: user.email, displayName: user.displayName, roles: [], programmeRoles: { [programmeId]: ['juror'] }, via: 'token' });
    }
  });
  await setup.openVote(tenant, programmeId, staff);
  const { applicationIds } = (await repo.jury(repo.manager, tenant.id, programmeId))!;
  const byReceipt = new Map((await repo.applications(repo.manager, tenant.id, applicationIds)).map((a) => [a.receiptNumber, a.id]));
  const ids = PROJECTS.map((_, i) => byReceipt.get(`COACH-${String(i + 1).padStart(5, '0')}`)!);
  for (const [j, juror] of jurors.entries()) {
    const ranking = [...ids];
    for (const [a, b] of SWAPS[j]) [ranking[a], ranking[b]] = [ranking[b], ranking[a]];
    await app.get(JuryVoteService).setRanking(tenant, programmeId, ranking, juror);
  }
  const results = app.get(JuryResultsService);
  await results.closeVote(tenant, programmeId, staff);
  await results.confirm(tenant, programmeId, {}, staff);
  return ids;
}
