import { applicationErrors } from './applications/applications.errors.js';
import { authErrors } from './auth/auth.errors.js';
import { campaignErrors } from './campaigns/campaigns.errors.js';
import { coachingDomainErrors, coachingErrors } from './coaching/coaching.errors.js';
import { commonErrors } from './common/errors/common.errors.js';
import type { ErrorCode, ErrorDescription } from './common/errors/domain-error.js';
import { juryDomainErrors, juryErrors } from './jury/jury.errors.js';
import { partnersDomainErrors, partnersErrors } from './partners/partners.errors.js';
import { peopleErrors } from './people/people.errors.js';
import { privacyErrors } from './privacy/privacy.errors.js';
import { notificationsErrors } from './notifications/notifications.errors.js';
import { programmeErrors } from './programmes/programmes.errors.js';
import { reportErrors } from './reports/reports.errors.js';
import { tenantErrors } from './tenants/tenants.errors.js';

/**
 * Every module's codes in one map, assembled here at the app root because `common/` imports no
 * domain; AppModule hands it to common's ErrorMessages, which the problem filter and the pages read.
 * Typed by every declared code (`ErrorCodes`): a module whose catalogue is not spread here fails to compile.
 */
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorDescription>> = {
  ...commonErrors,
  ...authErrors,
  ...applicationErrors,
  ...programmeErrors,
  ...tenantErrors,
  ...juryErrors,
  ...juryDomainErrors,
  ...coachingErrors,
  ...coachingDomainErrors,
  ...partnersErrors,
  ...partnersDomainErrors,
  ...campaignErrors,
  ...reportErrors,
  ...peopleErrors,
  ...privacyErrors,
  ...notificationsErrors,
};
