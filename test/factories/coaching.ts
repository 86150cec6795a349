import { TransactionRunner } from '../../src/common/db/transaction.js';
import type { Programme } from '../../src/programmes/programme.entity.js';
import type { TestApp } from '../setup/test-app.js';
import { createPerson, createProgramme, type TestPerson, type TestTenant } from './index.js';
import { createEligibleApplications, type EligibleApplication } from './jury.js';

export interface TestLaureate extends TestPerson {
  applicationId: string;
  title: string;
}

/**
 * `n` laureates of a programme: eligible applications with a confirmed 'laureate' outcome written
 * straight to jury_outcome (the jury has its own tests), and an API token for each applicant.
 */
export async function createLaureates(
  t: TestApp,
  tt: TestTenant,
  staff: TestPerson,
  programmeId: string,
  n: number,
  opts: { prefix?: string; locales?: Array<'fr' | 'en'> } = {},
): Promise<TestLaureate[]> {
  const apps: EligibleApplication[] = await createEligibleApplications(t, tt, programmeId, n, { prefix: opts.prefix ?? 'lau' });
  await t.app.get(TransactionRunner).run(async (em) => {
    for (const [i, a] of apps.entries()) {
      await em.query(
        `INSERT INTO jury_outcome (tenant_id, programme_id, application_id, status, rank, confirmed_by, confirmed_at) VALUES ($1, $2, $3, 'laureate', $4, $5, now())`,
        [tt.tenant.id, programmeId, a.id, i + 1, staff.userId],
      );
      const locale = opts.locales?.[i];
      if (locale) await em.query('UPDATE app_user SET locale = $1 WHERE tenant_id = $2 AND email = $3', [locale, tt.tenant.id, a.email]);
    }
  });
  const out: TestLaureate[] = [];
  for (const a of apps) {
    const person = await createPerson(t, tt, 'applicant', { programmeId, email: a.email });
    out.push({ ...person, applicationId: a.id, title: a.title });
  }
  return out;
}

/** A programme in its `announced` phase with `n` laureates. */
export async function createAnnouncedProgramme(
  t: TestApp,
  tt: TestTenant,
  staff: TestPerson,
  n: number,
  opts: { prefix?: string; slug?: string; locales?: Array<'fr' | 'en'> } = {},
): Promise<{ programme: Programme; laureates: TestLaureate[] }> {
  const programme = await createProgramme(t, tt, staff, { phase: 'announced', ...(opts.slug ? { slug: opts.slug } : {}) });
  const laureates = await createLaureates(t, tt, staff, programme.id, n, opts);
  return { programme, laureates };
}

/** The reference plan: a kick-off session, a written story, a budget file, an optional video link. */
export const TEST_PLAN = [
  {
    id: 'kickoff',
    kind: 'session',
    title: { fr: 'Kick-off', en: 'Kick-off' },
    days: 7,
    time: '10:00',
    place: 'Fablab, 12 rue du Port; salle 2',
    durationMinutes: 90,
    required: false,
  },
  { id: 'story', kind: 'deliverable', title: { fr: 'Campaign story', en: 'Campaign story' }, days: 10, evidence: 'text', required: true },
  { id: 'budget', kind: 'deliverable', title: { fr: 'Budget', en: 'Budget' }, days: 14, time: '18:00', evidence: 'file', required: true },
  { id: 'video', kind: 'deliverable', title: { fr: 'Video pitch', en: 'Video pitch' }, days: 21, time: '18:00', evidence: 'url', required: false },
];

/** A tiny valid PDF, recognised by its first bytes. */
export const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
