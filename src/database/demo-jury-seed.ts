import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApplicationsService } from '../applications/applications.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import type { Principal } from '../auth/principal.js';
import { JuryRepository } from '../jury/jury.repository.js';
import { JurySetupService } from '../jury/jury-setup.service.js';
import { JuryVoteService } from '../jury/jury-vote.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { DEMO_CATEGORIES, DEMO_CATEGORY_LABELS, DEMO_COMMUNES, DEMO_PROJECTS, seedProgrammeOnce } from './demo-data.js';

const DAY = 86_400_000;
const SEED_LOCK = 7_314_420_004;
const SLUG = 'makers-jury-demo';

/** The reference jury: the authority and nine local partners, ten favourites each among forty applications. */
const PARTNERS: Array<{ email: string; name: string; organisation: string }> = [
  { email: 'metropole.jury@demo.tremplin.test', name: 'Claire Martin', organisation: 'Métropole de Lumière' },
  { email: 'retail.jury@demo.tremplin.test', name: 'Hugo Lambert', organisation: 'Enseigne de bricolage' },
  { email: 'uni1.jury@demo.tremplin.test', name: 'Amélie Girard', organisation: 'Université de Lumière' },
  { email: 'uni2.jury@demo.tremplin.test', name: 'Thomas Petit', organisation: 'École d’ingénieurs' },
  { email: 'business.jury@demo.tremplin.test', name: 'Nadia Moreau', organisation: 'Réseau d’accompagnement' },
  { email: 'fair.jury@demo.tremplin.test', name: 'Julien Fontaine', organisation: 'Maker Faire Lumière' },
  { email: 'culture.jury@demo.tremplin.test', name: 'Léa Garnier', organisation: 'Lieu culturel' },
  { email: 'bank.jury@demo.tremplin.test', name: 'Marc Chevalier', organisation: 'Banque coopérative' },
  { email: 'press.jury@demo.tremplin.test', name: 'Sarah Rousseau', organisation: 'Quotidien régional' },
];
const DEMO_JUROR = 'juror@demo.tremplin.test';

/**
 * A second demo programme, "Makers — jury demo", already in its jury phase: forty eligible applications,
 * a jury of the authority and nine partners voting for ten favourites each (blind review), the vote
 * open, the nine partners' ballots cast and the demo juror's still to cast. Idempotent: does nothing
 * when the programme exists. Call after `seedDemo` (it needs the demo authority and its juror).
 */
export async function seedDemoJury(app: INestApplication, say: (m: string) => void, tenantSlug = 'demo'): Promise<void> {
  await seedProgrammeOnce(app, SEED_LOCK, SLUG, tenantSlug, say, async (tenant) => {
    await createJuryDemo(app, tenant);
    return `demo programme "Makers — jury demo" created: vote open, ${PARTNERS.length} partners' ballots cast, the demo juror's to cast`;
  });
}

async function createJuryDemo(app: INestApplication, tenant: Tenant): Promise<void> {
  const users = app.get(UsersRepository);
  const tx = app.get(TransactionRunner);
  const programmes = app.get(ProgrammesService);
  const jurySetup = app.get(JurySetupService);
  const juryVote = app.get(JuryVoteService);
  const repo = app.get(JuryRepository);
  const now = app.get(Clock).now().getTime();
  const staff = (
    await ds(app).query(
      `SELECT u.id FROM app_user u JOIN role_grant g ON g.user_id = u.id WHERE u.tenant_id = $1 AND g.role = 'staff' AND g.programme_id IS NULL ORDER BY u.email LIMIT 1`,
      [tenant.id],
    )
  )[0]?.id as string | undefined;
  if (!staff) return;

  let programme = await programmes.create(
    tenant,
    {
      slug: SLUG,
      title: { fr: 'Makers — démonstration du jury', en: 'Makers — jury demo', nl: 'Makers — demo van de jury' },
      summary: {
        fr: 'Un programme de démonstration en phase jury : quarante candidatures recevables, dix jurés, dix coups de cœur chacun.',
        en: 'A demonstration programme in its jury phase: forty eligible applications, ten jurors, ten favourites each.',
        nl: 'Een demonstratieprogramma in de juryfase: veertig ontvankelijke aanvragen, tien juryleden, elk tien favorieten.',
      },
    },
    staff,
  );
  await app.get(ApplicationsService).setCall(
    tenant,
    programme.id,
    {
      text: { fr: 'Appel à projets de démonstration.', en: 'Demonstration call for projects.', nl: 'Projectoproep ter demonstratie.' },
      categories: DEMO_CATEGORY_LABELS,
      territory: DEMO_COMMUNES.map(([name, postcode]) => ({ name, postcode })),
      goalMinCents: 100_000,
      goalMaxCents: 1_000_000,
      deadline: new Date(now - 10 * DAY).toISOString(),
      onePerApplicant: true,
      allowEditAfterSubmit: false,
      receiptPrefix: 'JURY',
      form: [],
    },
    staff,
  );
  for (const to of ['call_open', 'screening', 'jury'] as const) {
    programme = await programmes.transition(tenant, programme.id, to, 'demo set-up', staff);
  }

  // Forty applications, submitted and found eligible (written directly: the demo skips the screening desk).
  await tx.run(async (em) => {
    for (const [i, title] of DEMO_PROJECTS.entries()) {
      const n = i + 1;
      const email = `porteur${n}@demo.tremplin.test`;
      const user = await users.upsert(em, tenant.id, email, `Porteur ${n}`, 'fr');
      await users.grant(em, tenant.id, user.id, 'applicant', programme.id);
      const [commune, postcode] = DEMO_COMMUNES[i % DEMO_COMMUNES.length];
      await em.query(
        `INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, screening_reason, title, summary, category,
           goal_cents, commune, postcode, applicant_name, organisation, email, phone, consent, answers, receipt_number, submitted_at, locale)
         VALUES ($1, $2, $3, 'submitted', 'eligible', 'Demo', $4, $5, $6, $7, $8, $9, $10, $11, $12, '', true, '{}', $13, $14, 'fr')`,
        [
          tenant.id,
          programme.id,
          user.id,
          title,
          `${title} : un projet d'économie circulaire porté par des makers du territoire, présenté pour la démonstration.`,
          DEMO_CATEGORIES[i % DEMO_CATEGORIES.length],
          200_000 + (i % 9) * 100_000,
          commune,
          postcode,
          `Porteur ${n}`,
          `Collectif ${n}`,
          email,
          `JURY-${String(n).padStart(5, '0')}`,
          new Date(now - (20 - i / 4) * DAY),
        ],
      );
    }
  });

  await jurySetup.saveSettings(tenant, programme.id, { method: 'favourites', maxFavourites: 10, laureates: 10, waitingList: 3, blindReview: true }, staff);
  // Members are added without invitation e-mails (the demo prints sign-in links instead).
  const principals: Principal[] = [];
  await tx.run(async (em) => {
    for (const p of [...PARTNERS, { email: DEMO_JUROR, name: 'Karim Benali', organisation: 'Makerspace' }]) {
      const user = await users.upsert(em, tenant.id, p.email, p.name);
      await users.grant(em, tenant.id, user.id, 'juror', programme.id);
      await repo.insertMember(em, {
        tenantId: tenant.id,
        programmeId: programme.id,
        userId: user.id,
        displayName: user.displayName,
        email: user.email,
        organisation: p.organisation,
        weight: 1,
      });
      if (p.email !== DEMO_JUROR) {
        principals.push({
          userId: user.id,
          email: user.email,
          displayName: user.displayName,
          roles: [],
          programmeRoles: { [programme.id]: ['juror'] },
          via: 'token',
        });
      }
    }
  });
  await jurySetup.openVote(tenant, programme.id, staff);

  // Each partner picks ten, from a window that slides along the list: some projects are everyone's
  // favourites, some nobody's, and a few tie, so the results page has something to explain.
  const { applicationIds } = (await repo.jury(repo.manager, tenant.id, programme.id))!;
  const apps = await repo.applications(repo.manager, tenant.id, applicationIds);
  for (const [j, principal] of principals.entries()) {
    const picks = apps
      .slice(j * 2, j * 2 + 10)
      .concat(apps.slice(0, Math.max(0, j * 2 + 10 - apps.length)))
      .map((a) => a.id);
    await juryVote.setFavourites(tenant, programme.id, picks, principal);
  }
}

function ds(app: INestApplication): DataSource {
  return app.get(DataSource);
}
