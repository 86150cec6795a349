import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import type { Role } from '../auth/user.entity.js';
import { Clock } from '../common/clock/clock.js';
import { withSessionLock } from '../common/db/advisory-lock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { ApplicationsService } from '../applications/applications.service.js';
import type { CallDto } from '../applications/dto/call.dto.js';
import { ProgrammesScheduler } from '../programmes/programmes.scheduler.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { LegalPagesService } from '../privacy/legal-pages.service.js';

const DEMO_PRIVACY = {
  controllerName: 'Métropole de Lumière',
  controllerAddress: '1 place de l’Hôtel de Ville, 59000 Lumière',
  dpoEmail: 'dpo@demo.tremplin.test',
  publicationDirector: 'Camille Martin, présidente de la Métropole',
  hostName: 'Hébergeur Public SAS',
  hostAddress: '2 rue des Serveurs, 75000 Paris',
  hostContact: 'https://hebergeur.example',
  rgaaStatus: 'partial',
  rgaaAuditDate: '2026-03-01',
};
import { DEMO_CATEGORY_LABELS } from './demo-data.js';
import { DEMO_TEAM_RULE, seedDemoAdvisoryApplication } from './demo-eligibility-seed.js';

const DAY = 86_400_000;
const SEED_LOCK = 7_314_420_002;

/** The reference programme sits by a border: its site speaks French, English and Dutch. */
export const DEMO_LANGUAGES = ['fr', 'en', 'nl'];

export const DEMO_PEOPLE: Array<{ email: string; name: string; role: Role; label: string }> = [
  { email: 'staff@demo.tremplin.test', name: 'Claire Martin (Métropole)', role: 'staff', label: 'authority staff' },
  { email: 'juror@demo.tremplin.test', name: 'Karim Benali (Makerspace)', role: 'juror', label: 'juror' },
  { email: 'laureate@demo.tremplin.test', name: 'Inès Lefebvre (Atelier Réemploi)', role: 'applicant', label: 'laureate' },
  { email: 'partner@demo.tremplin.test', name: 'Paul Durand (Université)', role: 'partner', label: 'partner' },
  { email: 'coach@demo.tremplin.test', name: 'Sophie Roux (coach)', role: 'coach', label: 'coach' },
];

/** The reference call: makers of the territory, circular economy, goals from 1,000 to 10,000 EUR. */
const DEMO_CALL = (deadline: Date): CallDto => ({
  text: {
    fr: "La Métropole lance un appel à projets pour les makers de son territoire autour de l'économie circulaire : réemploi, réparation, recyclage, fabrication locale. Les dix lauréats choisis par le jury des partenaires seront accompagnés tout l'été, puis ouvriront ensemble leur collecte de financement participatif.",
    en: "The metropolitan authority calls on the makers of its territory for circular-economy projects: reuse, repair, recycling, local manufacturing. The ten laureates chosen by the partners' jury will be coached all summer, then open their crowdfunding collection together.",
    nl: 'De metropool doet een projectoproep aan de makers van haar grondgebied rond de circulaire economie: hergebruik, herstel, recyclage en lokale productie. De tien laureaten die de jury van de partners kiest, worden de hele zomer begeleid en starten daarna samen hun crowdfundingcampagne.',
  },
  categories: DEMO_CATEGORY_LABELS,
  territory: [
    { name: 'Lumière', postcode: '59000' },
    { name: 'Roubaix', postcode: '59100' },
    { name: 'Tourcoing', postcode: '59200' },
    { name: "Villeneuve-d'Ascq", postcode: '59650' },
    { name: 'Wattrelos', postcode: '59150' },
  ],
  goalMinCents: 100_000,
  goalMaxCents: 1_000_000,
  deadline: deadline.toISOString(),
  onePerApplicant: true,
  allowEditAfterSubmit: true,
  receiptPrefix: 'MAK26',
  // Outside the territory, an applicant is warned and may still apply: staff decide on the desk.
  ruleModes: { territory: 'advisory' },
  rules: [DEMO_TEAM_RULE],
  form: [
    {
      key: 'team_size',
      kind: 'number',
      label: { fr: "Combien êtes-vous dans l'équipe ?", en: 'How many are you in the team?', nl: 'Met hoeveel zijn jullie in het team?' },
      required: true,
      min: 1,
      max: 50,
    },
    {
      key: 'materials',
      kind: 'multiple_choice',
      label: { fr: 'Matériaux utilisés', en: 'Materials used', nl: 'Gebruikte materialen' },
      required: false,
      options: [
        { key: 'wood', label: { fr: 'Bois', en: 'Wood', nl: 'Hout' } },
        { key: 'textile', label: { fr: 'Textile', en: 'Textile', nl: 'Textiel' } },
        { key: 'electronics', label: { fr: 'Électronique', en: 'Electronics', nl: 'Elektronica' } },
        { key: 'plastic', label: { fr: 'Plastique', en: 'Plastic', nl: 'Kunststof' } },
      ],
    },
    {
      key: 'has_prototype',
      kind: 'yes_no',
      label: { fr: 'Avez-vous déjà un prototype ?', en: 'Do you already have a prototype?', nl: 'Hebben jullie al een prototype?' },
      required: true,
    },
    {
      key: 'community',
      kind: 'long_text',
      label: {
        fr: 'Votre premier cercle : qui vous soutiendra dès le premier jour ?',
        en: 'Your first circle: who will support you on day one?',
        nl: 'Jullie eerste kring: wie steunt jullie vanaf de eerste dag?',
      },
      required: false,
      maxLength: 2000,
    },
    {
      key: 'website',
      kind: 'url',
      label: { fr: 'Site web ou réseau social', en: 'Website or social network', nl: 'Website of sociaal netwerk' },
      required: false,
    },
    {
      key: 'pitch_deck',
      kind: 'file',
      label: { fr: 'Présentation (PDF, 5 Mo max.)', en: 'Pitch deck (PDF, 5 MB max.)', nl: 'Presentatie (pdf, max. 5 MB)' },
      required: false,
      accept: ['pdf'],
    },
  ],
});

/**
 * The demo authority and its programme, modelled on the reference "makers" call (MISSION.md).
 * Created once (under an advisory lock, so two instances starting together seed once); each start
 * prints fresh one-time sign-in links, one per role.
 */
export async function seedDemo(app: INestApplication, baseUrl: string, say: (m: string) => void): Promise<Record<string, string>> {
  const tenants = app.get(TenantsService);
  const users = app.get(UsersRepository);
  const auth = app.get(AuthService);
  const tx = app.get(TransactionRunner);
  const clock = app.get(Clock);

  // A session lock held over the whole check-then-create: a second instance waits, then finds the demo.
  const tenant = await withSessionLock(
    app.get(DataSource),
    SEED_LOCK,
    async (em) => (await em.getRepository(Tenant).findOneBy({ slug: 'demo' })) ?? (await createDemo()),
  );

  async function createDemo(): Promise<Tenant> {
    const created = await tenants.create(
      {
        slug: 'demo',
        name: 'Métropole de Lumière',
        hosts: ['localhost', '127.0.0.1'],
        primaryColor: '#1f4e9c',
        accentColor: '#a3461a',
        senderName: 'Métropole de Lumière — Tremplin',
        senderEmail: 'tremplin@demo.tremplin.test',
        languages: DEMO_LANGUAGES,
        defaultLocale: 'fr',
        timeZone: 'Europe/Paris',
      },
      null,
    );
    await tx.run(async (em) => {
      for (const person of DEMO_PEOPLE) {
        const user = await users.upsert(em, created.id, person.email, person.name);
        await users.grant(em, created.id, user.id, person.role);
        if (person.role === 'staff') await users.grant(em, created.id, user.id, 'platform_admin');
      }
    });
    const staff = (await users.findByEmail(created.id, DEMO_PEOPLE[0].email))!;
    const programmes = app.get(ProgrammesService);
    const programme = await programmes.create(
      created,
      {
        slug: 'makers-2026',
        title: { fr: 'Makers 2026 : économie circulaire', en: 'Makers 2026: circular economy', nl: 'Makers 2026: circulaire economie' },
        summary: {
          fr: "La Métropole et neuf partenaires locaux lancent un appel à projets pour les makers du territoire autour de l'économie circulaire. Dix lauréats seront accompagnés tout l'été puis lanceront ensemble leur collecte de financement participatif pendant six semaines.",
          en: 'The metropolitan authority and nine local partners call on the makers of the territory for circular-economy projects. Ten laureates will be coached all summer, then open their crowdfunding collection together for six weeks.',
          nl: 'De metropool en negen lokale partners doen een projectoproep aan de makers van het grondgebied rond de circulaire economie. Tien laureaten worden de hele zomer begeleid en starten daarna samen zes weken lang hun crowdfundingcampagne.',
        },
      },
      staff.id,
    );
    const now = clock.now().getTime();
    const at = (days: number) => new Date(now + days * DAY);
    await programmes.setTimeline(
      created,
      programme.id,
      {
        call_open: at(-1),
        screening: at(40),
        jury: at(50),
        announced: at(65),
        coaching: at(70),
        communication: at(130),
        campaign: at(158),
        settlement: at(200),
        results: at(210),
      },
      staff.id,
    );
    await app.get(ApplicationsService).setCall(created, programme.id, DEMO_CALL(at(40)), staff.id);
    await app.get(ProgrammesScheduler).tick();
    await seedDemoAdvisoryApplication(app, created, programme.id);
    // Who the authority is as a data controller: the legal pages' defaults are written from it.
    await app.get(LegalPagesService).saveSettings(created.id, DEMO_PRIVACY, staff.id);
    say('demo authority "Métropole de Lumière" and programme "Makers 2026" created');
    return created;
  }

  const links: Record<string, string> = {};
  await tx.run(async (em) => {
    for (const person of DEMO_PEOPLE) {
      const user = await users.findByEmail(tenant.id, person.email, em);
      if (user) links[person.label] = await auth.createLink(em, tenant.id, user.id, baseUrl, undefined, 24 * 60);
    }
  });
  say('one-time sign-in links for the demo (valid 24 hours):');
  for (const [label, url] of Object.entries(links)) say(`  ${label.padEnd(16)} ${url}`);
  return links;
}
