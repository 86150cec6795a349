import type { Localized } from '../../src/common/i18n/localized.js';
import { randomBytes } from 'node:crypto';
import { AuthService } from '../../src/auth/auth.service.js';
import type { Role } from '../../src/auth/user.entity.js';
import { UsersRepository } from '../../src/auth/users.repository.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import type { Phase } from '../../src/programmes/domain/phase.js';
import type { Timeline } from '../../src/programmes/domain/timeline.js';
import { Programme } from '../../src/programmes/programme.entity.js';
import { ProgrammesService } from '../../src/programmes/programmes.service.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import type { TestApp } from '../setup/test-app.js';
import { apiClient } from '../client/index.js';
import type { components } from '../client/openapi.js';

type CallBody = components['schemas']['CallDto'];

const suffix = () => randomBytes(3).toString('hex');

export interface TestTenant {
  tenant: Tenant;
  host: string;
}

export async function createTenant(
  t: TestApp,
  overrides: { slug?: string; languages?: string[]; defaultLocale?: string; timeZone?: string; hosts?: string[] } = {},
): Promise<TestTenant> {
  const slug = overrides.slug ?? `city-${suffix()}`;
  const host = overrides.hosts?.[0] ?? `${slug}.test`;
  const tenant = await t.app.get(TenantsService).create(
    {
      slug,
      name: `Ville ${slug}`,
      hosts: overrides.hosts ?? [host],
      senderName: `Ville ${slug}`,
      senderEmail: `contact@${host}`,
      languages: overrides.languages,
      defaultLocale: overrides.defaultLocale ?? 'fr',
      timeZone: overrides.timeZone ?? 'Europe/Paris',
    },
    null,
  );
  return { tenant, host };
}

export interface TestPerson {
  userId: string;
  email: string;
  token: string;
  /** Headers for an API call as this person in their tenant. */
  headers: Record<string, string>;
}

export async function createPerson(
  t: TestApp,
  tt: TestTenant,
  role: Role | null,
  opts: { programmeId?: string; email?: string; locale?: string } = {},
): Promise<TestPerson> {
  const email = opts.email ?? `${role ?? 'citizen'}-${suffix()}@example.org`;
  const users = t.app.get(UsersRepository);
  const user = await t.app.get(TransactionRunner).run(async (em) => {
    const u = await users.upsert(em, tt.tenant.id, email, email.split('@')[0], opts.locale ?? null);
    if (role) await users.grant(em, tt.tenant.id, u.id, role, opts.programmeId ?? null);
    return u;
  });
  const token = await t.app.get(AuthService).createApiToken(tt.tenant.id, user.id, 'test');
  return { userId: user.id, email, token, headers: { Host: tt.host, Authorization: `Bearer ${token}` } };
}

export async function createProgramme(
  t: TestApp,
  tt: TestTenant,
  staff: TestPerson,
  opts: { timeline?: Timeline; phase?: Phase; slug?: string; title?: Localized; summary?: Localized } = {},
): Promise<Programme> {
  const programmes = t.app.get(ProgrammesService);
  let p = await programmes.create(
    tt.tenant,
    {
      slug: opts.slug ?? `prog-${suffix()}`,
      title: opts.title ?? { fr: 'Makers : économie circulaire', en: 'Makers: circular economy' },
      summary: opts.summary ?? { fr: 'Appel à projets', en: 'Call for projects' },
    },
    staff.userId,
  );
  if (opts.phase) {
    while (p.phase !== opts.phase) {
      const { nextPhase } = await import('../../src/programmes/domain/phase.js');
      p = await programmes.transition(tt.tenant, p.id, nextPhase(p.phase)!, 'test set-up', staff.userId);
    }
  }
  if (opts.timeline) p = await programmes.setTimeline(tt.tenant, p.id, opts.timeline, staff.userId);
  return p;
}

/** A call like the reference one: makers of the territory, goals from 1,000 to 10,000 EUR. */
export async function createCall(t: TestApp, tt: TestTenant, staff: TestPerson, programmeId: string, overrides: Record<string, unknown> = {}) {
  // Through the typed client generated from docs/openapi.json (test/client): the body is checked
  // against the document when the tests are compiled, the answer by the contract check.
  const client = apiClient(t.app.getHttpServer(), tt.host, staff.token);
  const { data, error, response } = await client.PUT('/api/programmes/{programmeId}/call', {
    params: { path: { programmeId } },
    body: {
      text: { fr: 'Appel à projets makers', en: 'Makers call' },
      categories: [
        { key: 'reuse', label: { fr: 'Réemploi', en: 'Reuse' } },
        { key: 'repair', label: { fr: 'Réparation', en: 'Repair' } },
      ],
      territory: [
        { name: 'Lille', postcode: '59000' },
        { name: 'Roubaix', postcode: '59100' },
        { name: "Villeneuve-d'Ascq", postcode: '59650' },
      ],
      goalMinCents: 100_000,
      goalMaxCents: 1_000_000,
      deadline: '2026-05-31T23:59:59+02:00',
      onePerApplicant: true,
      allowEditAfterSubmit: true,
      receiptPrefix: 'MAK26',
      form: [
        { key: 'team_size', kind: 'number', label: { fr: "Taille de l'équipe", en: 'Team size' }, required: true, min: 1, max: 50 },
        { key: 'website', kind: 'url', label: { fr: 'Site web', en: 'Website' }, required: false },
        {
          key: 'materials',
          kind: 'multiple_choice',
          label: { fr: 'Matériaux', en: 'Materials' },
          required: false,
          options: [
            { key: 'wood', label: { fr: 'Bois', en: 'Wood' } },
            { key: 'textile', label: { fr: 'Textile', en: 'Textile' } },
          ],
        },
        { key: 'has_prototype', kind: 'yes_no', label: { fr: 'Avez-vous un prototype ?', en: 'Do you have a prototype?' }, required: true },
        {
          key: 'pitch_deck',
          kind: 'file',
          label: { fr: 'Présentation (PDF)', en: 'Pitch deck (PDF)' },
          required: false,
          accept: ['pdf'],
          maxSizeBytes: 1048576,
        },
      ],
      ...(overrides as Partial<CallBody>),
    },
  });
  if (response.status !== 200 || !data) throw new Error(`call not created: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** The fixed fields and answers of a complete, eligible application. */
export const COMPLETE_APPLICATION = {
  title: 'Atelier vélo solidaire',
  summary: 'Un atelier de réparation de vélos avec des pièces de réemploi pour le quartier.',
  category: 'repair',
  goalCents: 600_000,
  commune: 'Roubaix',
  postcode: '59100',
  applicantName: 'Inès Lefebvre',
  organisation: 'Atelier Réemploi',
  phone: '+33 6 00 00 00 00',
  consent: true,
  answers: { team_size: 3, has_prototype: true, materials: ['wood'] },
};
