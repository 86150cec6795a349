import { randomUUID } from 'node:crypto';
import { drawDemoImages } from './demo-images.js';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsersRepository } from '../auth/users.repository.js';
import { CampaignsStaffService } from '../campaigns/campaigns-staff.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { ContributionsService } from '../campaigns/contributions.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import type { Principal } from '../auth/principal.js';
import { PartnersService } from '../partners/partners.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { insertDemoCall, seedProgrammeOnce } from './demo-data.js';

const DAY = 86_400_000;
const SEED_LOCK = 7_314_420_006;
const SLUG = 'makers-collecte';
const DEMO_LAUREATE = 'laureate@demo.tremplin.test';

/** The campaign's texts in another language than French (laureates mostly write in French only). */
interface Translation {
  title: string;
  story: string;
  rewards: string[];
  faq: [string, string];
}

const CAMPAIGNS: Array<{
  title: string;
  category: string;
  commune: string;
  goal: number;
  story: string;
  rewards: Array<[string, number, number | null]>;
  translations?: Record<string, Translation>;
}> = [
  {
    title: 'Atelier vélo solidaire',
    // The one campaign written in the three languages; the others show French text marked lang="fr".
    translations: {
      en: {
        title: 'Community bike workshop',
        story: 'A workshop where everyone learns to repair their bike with reused parts.\n\nYour support pays for the tools and two training evenings a week.',
        rewards: ['Thank you on our wall', 'Full service of your bike', 'Refurbished bike'],
        faq: ['What happens if the goal is not reached?', 'All or nothing: the pledges are cancelled, you pay nothing.'],
      },
      nl: {
        title: 'Solidaire fietswerkplaats',
        story:
          'Een werkplaats waar iedereen leert zijn fiets te herstellen met hergebruikte onderdelen.\n\nUw steun betaalt het gereedschap en twee opleidingsavonden per week.',
        rewards: ['Bedankt op onze muur', 'Volledig onderhoud van uw fiets', 'Opgeknapte fiets'],
        faq: ['Wat gebeurt er als het doel niet gehaald wordt?', 'Alles of niets: de beloften worden geannuleerd, u betaalt niets.'],
      },
    },
    category: 'repair',
    commune: 'Lumière',
    goal: 600_000,
    story:
      'Un atelier où chacun apprend à réparer son vélo avec des pièces de réemploi.\n\nVotre soutien finance l’outillage et deux soirées de formation par semaine.',
    rewards: [
      ['Merci sur notre mur', 1_000, null],
      ['Révision complète de votre vélo', 4_000, 30],
      ['Vélo reconditionné', 25_000, 5],
    ],
  },
  {
    title: 'Ressourcerie de quartier',
    category: 'reuse',
    commune: 'Port-Lumière',
    goal: 800_000,
    story: 'Collecter, réparer et revendre à petit prix les objets du quartier.\n\nLa collecte finance le camion de ramassage.',
    rewards: [
      ['Carte de membre', 2_000, null],
      ['Lampe restaurée', 6_000, 12],
    ],
  },
  {
    title: 'Meubles en palettes',
    category: 'local-making',
    commune: 'Lumière',
    goal: 400_000,
    story: 'Des meubles de jardin dessinés avec des élèves et fabriqués en bois de palettes.\n\nChaque contribution finance les outils de l’atelier partagé.',
    rewards: [
      ['Tabouret', 8_000, 20],
      ['Banc de jardin', 20_000, 6],
    ],
  },
  {
    title: 'Repair café mobile',
    category: 'repair',
    commune: 'Val-Lumière',
    goal: 500_000,
    story: 'Un triporteur équipé qui emmène le repair café sur les marchés.\n\nObjectif : 1 000 objets sauvés de la benne la première année.',
    rewards: [
      ['Badge de réparateur', 1_500, null],
      ['Atelier privé pour votre association', 15_000, 4],
    ],
  },
];

/**
 * A fourth demo programme, "Makers — collecte", in its campaign window: four live campaigns with
 * rewards, two sponsor partners matching contributions one for one up to a budget, and some confirmed
 * contributions, so that a visitor can contribute at once (pledges: the confirmation e-mail goes to
 * the .eml outbox). Idempotent under an advisory lock. Call after `seedDemo`.
 */
export async function seedDemoCampaigns(app: INestApplication, say: (m: string) => void, tenantSlug = 'demo'): Promise<void> {
  await seedProgrammeOnce(app, SEED_LOCK, SLUG, tenantSlug, say, async (tenant) =>
    (await createCampaignDemo(app, tenant)) ? `demo programme "Makers — collecte" created: four campaigns collecting now (/programmes/${SLUG})` : null,
  );
}

async function createCampaignDemo(app: INestApplication, tenant: Tenant): Promise<boolean> {
  const ds = app.get(DataSource);
  const users = app.get(UsersRepository);
  const tx = app.get(TransactionRunner);
  const programmes = app.get(ProgrammesService);
  const campaigns = app.get(CampaignsService);
  const campaignsStaff = app.get(CampaignsStaffService);
  const contributions = app.get(ContributionsService);
  const partners = app.get(PartnersService);
  const now = app.get(Clock).now().getTime();
  const staffId = (
    await ds.query(
      `SELECT u.id FROM app_user u JOIN role_grant g ON g.user_id = u.id WHERE u.tenant_id = $1 AND g.role = 'staff' AND g.programme_id IS NULL ORDER BY u.email LIMIT 1`,
      [tenant.id],
    )
  )[0]?.id as string | undefined;
  if (!staffId) return false;
  const staff: Principal = { userId: staffId, email: '', displayName: 'staff', roles: ['staff'], programmeRoles: {}, via: 'token' };

  let programme = await programmes.create(
    tenant,
    {
      slug: SLUG,
      title: { fr: 'Makers — la collecte', en: 'Makers — the collection', nl: 'Makers — de inzameling' },
      summary: {
        fr: 'Quatre projets lauréats collectent en même temps : chaque euro des citoyens est doublé par nos partenaires, dans la limite de leur budget.',
        en: 'Four laureate projects collect at the same time: every citizen euro is doubled by our partners, within their budget.',
        nl: 'Vier laureaatprojecten zamelen tegelijk in: elke euro van burgers wordt door onze partners verdubbeld, binnen hun budget.',
      },
    },
    staffId,
  );
  for (const to of ['call_open', 'screening', 'jury', 'announced', 'coaching', 'communication'] as const) {
    programme = await programmes.transition(tenant, programme.id, to, 'demo set-up', staffId);
  }

  const laureates: Principal[] = [];
  await tx.run(async (em) => {
    await insertDemoCall(em, tenant.id, programme.id, 'COL', new Date(now - 60 * 86_400_000));
    for (const [i, c] of CAMPAIGNS.entries()) {
      const email = i === 0 ? DEMO_LAUREATE : `collecte${i + 1}@demo.tremplin.test`;
      const user = await users.upsert(em, tenant.id, email, i === 0 ? 'Inès Lefebvre (Atelier Réemploi)' : `Porteuse ${i + 1}`, 'fr');
      await users.grant(em, tenant.id, user.id, 'applicant', programme.id);
      const rows = await em.query(
        `INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, title, summary, category, goal_cents, commune, postcode,
           applicant_name, organisation, email, phone, consent, answers, receipt_number, submitted_at, locale)
         VALUES ($1, $2, $3, 'submitted', 'eligible', $4, $5, $6, $7, $8, '59000', $9, $10, $11, '', true, '{}', $12, $13, 'fr') RETURNING id`,
        [
          tenant.id,
          programme.id,
          user.id,
          c.title,
          c.story.split('\n')[0],
          c.category,
          c.goal,
          c.commune,
          user.displayName,
          `Collectif ${i + 1}`,
          email,
          `COLL-${String(i + 1).padStart(5, '0')}`,
          new Date(now - 120 * DAY),
        ],
      );
      await em.query(
        `INSERT INTO jury_outcome (tenant_id, programme_id, application_id, status, rank, confirmed_by, confirmed_at) VALUES ($1, $2, $3, 'laureate', $4, $5, $6)`,
        [tenant.id, programme.id, rows[0].id, i + 1, staffId, new Date(now - 90 * DAY)],
      );
      laureates.push({ userId: user.id, email, displayName: user.displayName, roles: [], programmeRoles: { [programme.id]: ['applicant'] }, via: 'token' });
    }
  });

  const ids: string[] = [];
  for (const [i, c] of CAMPAIGNS.entries()) {
    const mine = await campaigns.mine(tenant, programme.id, laureates[i]);
    const other = Object.entries(c.translations ?? {});
    const each = (fr: string, pick: (t: Translation) => string) => ({ fr, ...Object.fromEntries(other.map(([lang, t]) => [lang, pick(t)])) });
    await campaigns.update(
      tenant,
      mine.id,
      {
        title: each(c.title, (t) => t.title),
        summary: each(c.story.split('\n')[0], (t) => t.story.split('\n')[0]),
        story: each(c.story, (t) => t.story),
        goalCents: c.goal,
        faq: [
          {
            question: each('Que se passe-t-il si l’objectif n’est pas atteint ?', (t) => t.faq[0]),
            answer: each('Tout ou rien : les promesses sont annulées, vous ne versez rien.', (t) => t.faq[1]),
          },
        ],
        rewards: c.rewards.map(([title, min, quantity], r) => ({
          title: each(title, (t) => t.rewards[r]),
          minAmountCents: min,
          quantity,
          estimatedDelivery: '2027-03',
        })),
      },
      laureates[i],
    );
    await campaigns.submit(tenant, mine.id, laureates[i]);
    await campaignsStaff.review(tenant, programme.id, mine.id, { decision: 'approve' }, staff);
    ids.push(mine.id);
  }

  // Match-funding: one euro per citizen euro (at most 50 EUR per contribution) from two partners' budgets.
  const bank = await partners.create(
    tenant,
    programme.id,
    {
      name: 'Banque coopérative',
      description: { fr: 'Abonde chaque contribution.', en: 'Matches every contribution.', nl: 'Verdubbelt elke bijdrage.' },
      capacity: 4,
    },
    staffId,
  );
  const energy = await partners.create(
    tenant,
    programme.id,
    {
      name: 'Énergies de Lumière',
      description: { fr: 'Mécène des projets du territoire.', en: 'Patron of local projects.', nl: 'Mecenas van de projecten in de regio.' },
      capacity: 4,
    },
    staffId,
  );
  await campaignsStaff.saveSettings(tenant, programme.id, { paymentProvider: 'webhook', matchFactorPercent: 100, matchCapPerContributionCents: 5_000 }, staff);
  await campaignsStaff.saveBudget(tenant, programme.id, { partnerId: bank.id, kind: 'ratio', totalCents: 600_000 }, staff);
  await campaignsStaff.saveBudget(tenant, programme.id, { partnerId: energy.id, kind: 'ratio', totalCents: 300_000 }, staff);

  // Covers and logos drawn by code (demo-images.ts): the programme page, campaign pages and share cards show pictures.
  await drawDemoImages(app, tenant, programme.id, staffId);

  await programmes.setTimeline(tenant, programme.id, { campaign: new Date(now - 3 * DAY), settlement: new Date(now + 39 * DAY) }, staffId);
  programme = await programmes.transition(tenant, programme.id, 'campaign', 'demo set-up', staffId);

  // Some citizens have already given (confirmed through the webhook path, as a provider would).
  const names = ['Camille', 'Louis', 'Jade', 'Hugo', 'Léa', 'Nathan', 'Chloé', 'Lucas', 'Manon', 'Arthur', 'Zoé', 'Jules'];
  for (let k = 0; k < 48; k++) {
    const campaignId = ids[k % ids.length];
    const receipt = await contributions.contribute(
      tenant,
      campaignId,
      {
        amountCents: [1_000, 2_000, 2_500, 5_000, 10_000][k % 5],
        email: `citoyen${k % 36}@demo.tremplin.test`,
        displayName: names[k % names.length],
        anonymous: k % 7 === 0,
        message: k % 3 === 0 ? 'Bravo et bonne chance !' : '',
        // About half of them ticked "this project's news": the laureates' updates are e-mailed to those only.
        consentCampaignNews: k % 2 === 0,
      },
      `demo-seed-${k}`,
    );
    await contributions.handleWebhook(
      tenant,
      { provider: 'webhook', id: `demo-${randomUUID()}`, type: 'payment.succeeded', signal: 'succeeded', reference: receipt.contribution.id },
      {},
    );
  }
  // Visitors pledge; the confirmation e-mail is written to DATA_DIR/mail without an SMTP server.
  await ds.query(`UPDATE campaign_settings SET payment_provider = 'pledge' WHERE programme_id = $1`, [programme.id]);
  return true;
}
