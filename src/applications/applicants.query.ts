import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { Application } from './application.entity.js';

/** An application's project and its applicant, as other modules write to them. */
export interface ApplicantOf {
  applicationId: string;
  applicantUserId: string;
  title: string;
  applicantName: string;
  organisation: string;
  commune: string;
  /** The language the application was written in. */
  locale: Locale;
}

/** The applications module's read API on applicants, so that no other module reads `application` for them. */
@Injectable()
export class ApplicantsQuery {
  /** The applicants of these applications (unknown ids are left out). */
  async of(em: EntityManager, tenantId: string, applicationIds: readonly string[]): Promise<ApplicantOf[]> {
    if (!applicationIds.length) return [];
    const apps = await em.getRepository(Application).findBy({ tenantId, id: In([...new Set(applicationIds)]) });
    return apps.map((a) => ({
      applicationId: a.id,
      applicantUserId: a.applicantUserId,
      title: a.title,
      applicantName: a.applicantName,
      organisation: a.organisation,
      commune: a.commune,
      locale: a.locale,
    }));
  }
}
