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

const suffix = () => randomBytes(3).toString('hex');

export interface TestTenant {
  tenant: Tenant;
  host: string;
}

export async function createTenant(t: TestApp, overrides: { slug?: string; defaultLocale?: 'fr' | 'en'; timeZone?: string } = {}): Promise<TestTenant> {
  const slug = overrides.slug ?? `city-${suffix()}`;
  const host = `${slug}.test`;
  const tenant = await t.app.get(TenantsService).create({
    slug, name: `Ville ${slug}`, hosts: [host], senderName: `Ville ${slug}`, senderEmail: `contact@${host}`,
    defaultLocale: overrides.defaultLocale ?? 'fr', timeZone: overrides.timeZone ?? 'Europe/Paris',
  }, null);
  return { tenant, host };
}

export interface TestPerson {
  userId: string;
  email: string;
  token: string;
  /** Headers for an API call as this person in their tenant. */
  headers: Record<string, string>;
}

export async function createPerson(t: TestApp, tt: TestTenant, role: Role | null, opts: { programmeId?: string; email?: string; locale?: 'fr' | 'en' } = {}): Promise<TestPerson> {
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
  t: TestApp, tt: TestTenant, staff: TestPerson, opts: { timeline?: Timeline; phase?: Phase; slug?: string } = {},
): Promise<Programme> {
  const programmes = t.app.get(ProgrammesService);
  let p = await programmes.create(tt.tenant, {
    slug: opts.slug ?? `prog-${suffix()}`, titleFr: 'Makers : économie circulaire', titleEn: 'Makers: circular economy',
    summaryFr: 'Appel à projets', summaryEn: 'Call for projects',
  }, staff.userId);
  if (opts.phase) {
    while (p.phase !== opts.phase) {
      const { nextPhase } = await import('../../src/programmes/domain/phase.js');
      p = await programmes.transition(tt.tenant, p.id, nextPhase(p.phase)!, 'test set-up', staff.userId);
    }
  }
  if (opts.timeline) p = await programmes.setTimeline(tt.tenant, p.id, opts.timeline, staff.userId);
  return p;
}
