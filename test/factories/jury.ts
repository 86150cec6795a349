import { apiClient } from '../client/index.js';
import { UsersRepository } from '../../src/auth/users.repository.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import type { TestApp } from '../setup/test-app.js';
import { COMPLETE_APPLICATION, createPerson, type TestPerson, type TestTenant } from './index.js';

export interface EligibleApplication {
  id: string;
  title: string;
  email: string;
  receiptNumber: string;
  category: string;
}

/**
 * `n` submitted applications found eligible, written straight to the table (the screening desk has its
 * own tests): each with its own applicant, e-mail and a category alternating repair / reuse.
 */
export async function createEligibleApplications(
  t: TestApp,
  tt: TestTenant,
  programmeId: string,
  n: number,
  opts: { prefix?: string } = {},
): Promise<EligibleApplication[]> {
  const users = t.app.get(UsersRepository);
  const prefix = opts.prefix ?? 'app';
  return t.app.get(TransactionRunner).run(async (em) => {
    const out: EligibleApplication[] = [];
    for (let i = 1; i <= n; i++) {
      const email = `${prefix}-${i}-${programmeId.slice(0, 6)}@example.org`;
      const user = await users.upsert(em, tt.tenant.id, email, `Porteur ${i}`, 'fr');
      const title = `Projet ${prefix} ${String(i).padStart(2, '0')}`;
      const category = i % 2 ? 'repair' : 'reuse';
      const receiptNumber = `JRY-${prefix.toUpperCase()}-${String(i).padStart(5, '0')}`;
      const rows = await em.query(
        `INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, title, summary, category, goal_cents, commune,
           postcode, applicant_name, organisation, email, phone, consent, answers, receipt_number, submitted_at, locale)
         VALUES ($1, $2, $3, 'submitted', 'eligible', $4, $5, $6, 500000, 'Roubaix', '59100', $7, $8, $9, '+33 6 11 22 33 44', true, $10, $11, $12, 'fr')
         RETURNING id`,
        [
          tt.tenant.id,
          programmeId,
          user.id,
          title,
          COMPLETE_APPLICATION.summary,
          category,
          `Porteur ${i}`,
          `Structure ${i}`,
          email,
          JSON.stringify(COMPLETE_APPLICATION.answers),
          receiptNumber,
          new Date(Date.UTC(2026, 3, 1, 8, 0, i)),
        ],
      );
      out.push({ id: rows[0].id, title, email, receiptNumber, category });
    }
    return out;
  });
}

export interface TestJuror extends TestPerson {
  memberId: string;
}

/** Invites a juror through the API (as staff), then gives them an API token. */
export async function inviteJuror(
  t: TestApp,
  tt: TestTenant,
  staff: TestPerson,
  programmeId: string,
  opts: { email: string; organisation?: string; weight?: number },
): Promise<TestJuror> {
  // Through the typed client generated from docs/openapi.json (test/client).
  const { data, error, response } = await apiClient(t.app.getHttpServer(), tt.host, staff.token).POST('/api/programmes/{programmeId}/jury/members', {
    params: { path: { programmeId } },
    body: {
      email: opts.email,
      displayName: opts.email.split('@')[0],
      organisation: opts.organisation ?? 'Partenaire',
      ...(opts.weight ? { weight: opts.weight } : {}),
    },
  });
  if (response.status !== 201 || !data) throw new Error(`juror not invited: ${response.status} ${JSON.stringify(error)}`);
  const person = await createPerson(t, tt, 'juror', { programmeId, email: opts.email });
  return { ...person, memberId: data.id };
}
