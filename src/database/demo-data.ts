import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withSessionLock } from '../common/db/advisory-lock.js';
import { Tenant } from '../tenants/tenant.entity.js';

/** Forty circular-economy projects of the demo territory, shared by the demo programmes. */
export const DEMO_PROJECTS = [
  'Atelier vélo solidaire',
  'Ressourcerie de quartier',
  'Meubles en palettes',
  'Repair café mobile',
  'Textiles upcyclés',
  'Imprimante 3D au plastique recyclé',
  'Luminaires en verre de récupération',
  'Compost de balcon',
  'Jouets en bois de chutes',
  'Sacs en voiles de bateau',
  'Réparation d’électroménager',
  'Bijoux en capsules',
  'Savonnerie zéro déchet',
  'Skates en érable recyclé',
  'Vaisselle en céramique locale',
  'Briques de chanvre',
  'Outilthèque partagée',
  'Lunettes en bois',
  'Vêtements de seconde main',
  'Filament 3D à partir de bouteilles',
  'Cartons en mobilier',
  'Ordinateurs reconditionnés',
  'Pots en marc de café',
  'Vélo-cargo fabriqué ici',
  'Cuir de pomme',
  'Tapis en chambres à air',
  'Fablab itinérant',
  'Épicerie en vrac sur roues',
  'Panneaux acoustiques en jean',
  'Réparation de smartphones',
  'Lampes en bouteilles',
  'Mobilier urbain en plastique récupéré',
  'Cosmétiques solides',
  'Sculptures en métal récupéré',
  'Vitraux de récupération',
  'Table de ping-pong en béton recyclé',
  'Guitares en bois local',
  'Nichoirs en chutes',
  'Chaussures réparées',
  'Serre en fenêtres',
];
export const DEMO_CATEGORIES = ['reuse', 'repair', 'recycling', 'local-making'];
/** The demo call's categories, labelled in each language of the demo authority. */
export const DEMO_CATEGORY_LABELS = [
  { key: 'reuse', label: { fr: 'Réemploi', en: 'Reuse', nl: 'Hergebruik' } },
  { key: 'repair', label: { fr: 'Réparation', en: 'Repair', nl: 'Herstel' } },
  { key: 'recycling', label: { fr: 'Recyclage', en: 'Recycling', nl: 'Recyclage' } },
  { key: 'local-making', label: { fr: 'Fabrication locale', en: 'Local making', nl: 'Lokale productie' } },
];
export const DEMO_COMMUNES: Array<[string, string]> = [
  ['Lumière', '59000'],
  ['Roubaix', '59100'],
  ['Tourcoing', '59200'],
  ["Villeneuve-d'Ascq", '59650'],
  ['Wattrelos', '59150'],
];

/**
 * Runs a demo programme's creation once: under an advisory lock (two instances starting together seed
 * once), only when the demo authority exists and the programme does not. `create` returns the line to
 * print, or null when it created nothing.
 */
export async function seedProgrammeOnce(
  app: INestApplication,
  lockId: number,
  slug: string,
  tenantSlug: string,
  say: (m: string) => void,
  create: (tenant: Tenant) => Promise<string | null>,
): Promise<void> {
  await withSessionLock(app.get(DataSource), lockId, async (em) => {
    const tenant = await em.getRepository(Tenant).findOneBy({ slug: tenantSlug });
    if (!tenant) return;
    if ((await em.query('SELECT 1 FROM programme WHERE tenant_id = $1 AND slug = $2', [tenant.id, slug])).length) return;
    const line = await create(tenant);
    if (line) say(line);
  });
}

/**
 * The call of a demo programme whose applications are written straight to the table (the coaching and
 * collection demos skip the call): every application belongs to a call, as in real life, so that the
 * applicant's page and the staff review open.
 */
export async function insertDemoCall(
  em: { query: (sql: string, args: unknown[]) => Promise<unknown> },
  tenantId: string,
  programmeId: string,
  receiptPrefix: string,
  deadline: Date,
): Promise<void> {
  await em.query(
    `INSERT INTO call (tenant_id, programme_id, text, categories, territory, goal_min_cents, goal_max_cents, deadline, receipt_prefix, receipt_seq)
     VALUES ($1, $2, $3, $4, $5, 100000, 1000000, $6, $7, 100) ON CONFLICT DO NOTHING`,
    [
      tenantId,
      programmeId,
      JSON.stringify({
        fr: 'Appel à projets de démonstration (clos).',
        en: 'Demonstration call for projects (closed).',
        nl: 'Projectoproep ter demonstratie (gesloten).',
      }),
      JSON.stringify(DEMO_CATEGORY_LABELS),
      JSON.stringify(DEMO_COMMUNES.map(([name, postcode]) => ({ name, postcode }))),
      deadline,
      receiptPrefix,
    ],
  );
}
