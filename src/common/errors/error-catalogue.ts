import { applicationErrors } from '../../applications/applications.errors.js';
import { authErrors } from '../../auth/auth.errors.js';
import { programmeErrors } from '../../programmes/programmes.errors.js';
import { tenantErrors } from '../../tenants/tenants.errors.js';
import { juryDomainErrors, juryErrors } from '../../jury/jury.errors.js';
import { coachingDomainErrors, coachingErrors } from '../../coaching/coaching.errors.js';
import { partnersDomainErrors, partnersErrors } from '../../partners/partners.errors.js';
import { campaignErrors } from '../../campaigns/campaigns.errors.js';
import { peopleErrors } from '../../people/people.errors.js';
import { reportErrors } from '../../reports/reports.errors.js';
import { commonErrors } from './common.errors.js';
import type { ErrorDescription } from './domain-error.js';

/** Every module's codes in one map; a code missing here is a compile error where it is declared. */
export const ERROR_CATALOGUE: Record<string, ErrorDescription> = {
  ...commonErrors, ...authErrors, ...applicationErrors, ...programmeErrors, ...tenantErrors, ...juryErrors, ...juryDomainErrors,
  ...coachingErrors, ...coachingDomainErrors, ...partnersErrors, ...partnersDomainErrors, ...campaignErrors,
  ...reportErrors, ...peopleErrors,
};
