import type { INestApplication } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { UsersRepository } from '../auth/users.repository.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { ApplicationsService } from '../applications/applications.service.js';
import type { QuestionRuleDto } from '../applications/dto/call.dto.js';
import type { Tenant } from '../tenants/tenant.entity.js';

/** The demo call's rule written on a question: advisory, so that staff see and decide on the applications that miss it. */
export const DEMO_TEAM_RULE: QuestionRuleDto = {
  id: 'team-of-two',
  field: 'answers.team_size',
  operator: 'at_least',
  value: 2,
  message: {
    fr: "Le jury retient en priorité les équipes d'au moins deux personnes.",
    en: 'The jury gives priority to teams of at least two people.',
    nl: 'De jury geeft voorrang aan teams van minstens twee personen.',
  },
  mode: 'advisory',
};

/**
 * One application submitted through the real service that fails the demo call's advisory rules (a
 * maker from outside the territory, alone): it waits on the screening desk with the failed rules.
 */
export async function seedDemoAdvisoryApplication(app: INestApplication, tenant: Tenant, programmeId: string): Promise<void> {
  const users = app.get(UsersRepository);
  const applications = app.get(ApplicationsService);
  const email = 'hors-territoire@demo.tremplin.test';
  const user = await app.get(TransactionRunner).run((em) => users.upsert(em, tenant.id, email, 'Lucas Petit', 'fr'));
  const principal: Principal = { userId: user.id, email, displayName: 'Lucas Petit', roles: [], programmeRoles: {}, via: 'session' };
  const draft = await applications.start(tenant, programmeId, principal, { locale: 'fr' });
  await applications.saveDraft(
    tenant,
    draft.id,
    principal,
    {
      title: 'Ressourcerie mobile',
      summary: "Un camion-atelier qui répare les petits meubles et l'électroménager sur les marchés, avec des pièces de réemploi.",
      category: 'reuse',
      goalCents: 450_000,
      commune: 'Lens',
      postcode: '62300',
      applicantName: 'Lucas Petit',
      organisation: 'Ressourcerie mobile',
      consent: true,
      answers: { team_size: 1, has_prototype: false, materials: ['wood'] },
    },
    'fr',
  );
  await applications.submit(tenant, draft.id, principal, 'fr');
}
