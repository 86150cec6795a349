import { Application, ApplicationComment, ApplicationContactEmail } from '../applications/application.entity.js';
import { Call } from '../applications/call.entity.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { AuditEntry } from '../audit/audit-entry.entity.js';
import { ApiToken, RateLimitBucket, SignInLink, WebSession } from '../auth/credential.entity.js';
import { RoleGrant, User } from '../auth/user.entity.js';
import { ScheduledRun } from '../common/scheduling/scheduled-run.entity.js';
import { Jury, JuryAssignment, JuryBallot, JuryBallotEvent, JuryComparison, JuryConflict, JuryMember, JuryNote, JuryOutcome } from '../jury/jury.entity.js';
import { CoachingLaureate, CoachingMilestone, CoachingPlan, CoachingSession } from '../coaching/coaching.entity.js';
import { LaureateNeeds, Matching, Partner, PartnerContact, PartnerMatch } from '../partners/partner.entity.js';
import { OutboxMessage } from '../notifications/outbox-message.entity.js';
import { EmailSuppression } from '../notifications/email-suppression.entity.js';
import { PhaseTransition, Programme } from '../programmes/programme.entity.js';
import { Tenant, TenantHost } from '../tenants/tenant.entity.js';
import {
  Campaign,
  CampaignBacker,
  CampaignSettings,
  CampaignSubscriber,
  CampaignUpdate,
  Contribution,
  MatchAllocation,
  MatchBudget,
  MatchBudgetStripe,
  PaymentEvent,
  RewardTier,
} from '../campaigns/campaign.entity.js';
import { PaymentSecret, PaymentSettings } from '../campaigns/payment-settings.entity.js';
import { Consent, LegalPage, PrivacySettings } from '../privacy/privacy.entity.js';
import { Refund } from '../campaigns/refund.entity.js';
import { CONTRIBUTION_TALLY_ENTITIES } from '../campaigns/contribution-tally.entity.js';
import { ReportSnapshot } from '../reports/report-snapshot.entity.js';
import { PlatformAdmin, PlatformCredential } from '../platform/platform-admin.entity.js';

import { PrivacyRequest, RetentionRun } from '../privacy/privacy-request.entity.js';

export const ENTITIES = [
  ...CONTRIBUTION_TALLY_ENTITIES,
  PlatformAdmin,
  PlatformCredential,
  Tenant,
  TenantHost,
  User,
  RoleGrant,
  WebSession,
  SignInLink,
  ApiToken,
  RateLimitBucket,
  Programme,
  PhaseTransition,
  AuditEntry,
  OutboxMessage,
  EmailSuppression,
  ScheduledRun,
  Call,
  Application,
  ApplicationComment,
  ApplicationContactEmail,
  StoredFile,
  Jury,
  JuryMember,
  JuryConflict,
  JuryAssignment,
  JuryBallot,
  JuryComparison,
  JuryBallotEvent,
  JuryNote,
  JuryOutcome,
  CoachingPlan,
  CoachingLaureate,
  CoachingMilestone,
  CoachingSession,
  Partner,
  PartnerContact,
  LaureateNeeds,
  Matching,
  PartnerMatch,
  CampaignSettings,
  MatchBudget,
  MatchBudgetStripe,
  Campaign,
  RewardTier,
  Contribution,
  MatchAllocation,
  CampaignBacker,
  CampaignSubscriber,
  CampaignUpdate,
  PaymentEvent,
  PaymentSettings,
  PrivacySettings,
  LegalPage,
  Consent,
  PaymentSecret,
  Refund,
  ReportSnapshot,
  PrivacyRequest,
  RetentionRun,
];
