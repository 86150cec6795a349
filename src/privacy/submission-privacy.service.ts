import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConsentService, type OptionalConsents } from './consent.service.js';
import { LegalPagesService } from './legal-pages.service.js';

export type { OptionalConsents } from './consent.service.js';

/** Who submits, to what (an application's own fields: privacy does not know the application). */
export interface Submission {
  tenantId: string;
  userId: string;
  email: string;
  programmeId: string;
  locale: string;
}

/**
 * What privacy records when an application is submitted, in the submission's transaction: the optional
 * uses the applicant ticked, and the version of the call's rules they accepted (returned, to be kept on
 * the application; 0 while none is published and the default rules are shown).
 */
@Injectable()
export class SubmissionPrivacy {
  constructor(
    private readonly legal: LegalPagesService,
    private readonly consents: ConsentService,
  ) {}

  async accept(em: EntityManager, s: Submission, optional: OptionalConsents): Promise<number> {
    await this.consents.recordOptional(em, s, optional);
    return this.legal.currentRulesVersion(s.tenantId, s.programmeId, em);
  }
}
