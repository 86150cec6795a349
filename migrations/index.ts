import { Foundation1795461713169 } from './1795461713169-Foundation.js';
import { Applications1795463549434 } from './1795463549434-Applications.js';
import { Jury1795464941585 } from './1795464941585-Jury.js';
import { ApplicationSearch1795464964079 } from './1795464964079-ApplicationSearch.js';
import { Coaching1795466371399 } from './1795466371399-Coaching.js';
import { Campaigns1795469579013 } from './1795469579013-Campaigns.js';
import { ReportSnapshotImmutable1795472000000 } from './1795472000000-ReportSnapshotImmutable.js';
import { SessionLifetimes1795473000000 } from './1795473000000-SessionLifetimes.js';
import { OutboxPriorities1795473600000 } from './1795473600000-OutboxPriorities.js';
import { OutboxPrioritiesBackfill1795473600001 } from './1795473600001-OutboxPrioritiesBackfill.js';
import { ApplicationContactEmail1796136446991 } from './1796136446991-ApplicationContactEmail.js';
import { PaymentSettings1796137072527 } from './1796137072527-PaymentSettings.js';
import { PlatformAdmins1796137152209 } from './1796137152209-PlatformAdmins.js';
import { TenantLanguages1796145895268 } from './1796145895268-TenantLanguages.js';
import { LocalizedProgrammeContent1796146000000 } from './1796146000000-LocalizedProgrammeContent.js';
import { OutboxLocaleAnyLanguage1796146129093 } from './1796146129093-OutboxLocaleAnyLanguage.js';
import { LocalesAnyLanguage1796150412000 } from './1796150412000-LocalesAnyLanguage.js';
import { LocalizedCampaignContent1796150000000 } from './1796150000000-LocalizedCampaignContent.js';
import { GuardReasonMessages1796146200000 } from './1796146200000-GuardReasonMessages.js';
import { TenantLogo1796160000000 } from './1796160000000-TenantLogo.js';
import { SupporterMessageHidden1796170000000 } from './1796170000000-SupporterMessageHidden.js';
import { CoachingSessionsAttendance1796205000000 } from './1796205000000-CoachingSessionsAttendance.js';
import { JuryDrawSeedAndScaleCutOff1796190000000 } from './1796190000000-JuryDrawSeedAndScaleCutOff.js';
import { CallEligibilityRules1796210000000 } from './1796210000000-CallEligibilityRules.js';
import { JuryWaitingListPromotion1796213000000 } from './1796213000000-JuryWaitingListPromotion.js';
import { PrivacyRequests1796221000000 } from './1796221000000-PrivacyRequests.js';
import { EmailSuppression1796220000000 } from './1796220000000-EmailSuppression.js';
import { PrivacyLegalPagesConsents1796222000000 } from './1796222000000-PrivacyLegalPagesConsents.js';
import { MatchTakeAtCommit1796230000000 } from './1796230000000-MatchTakeAtCommit.js';
import { ContributionTallies1796240000000 } from './1796240000000-ContributionTallies.js';
import { MatchBudgetStripes1796250000000 } from './1796250000000-MatchBudgetStripes.js';
import { ContributionKeyLookup1796260000000 } from './1796260000000-ContributionKeyLookup.js';
import { ProgrammePeopleStripes1796270000000 } from './1796270000000-ProgrammePeopleStripes.js';
import { SupportersIndex1796230000001 } from './1796230000001-SupportersIndex.js';
import { CampaignImages1796170000001 } from './1796170000001-CampaignImages.js';
import { StripeProvider1796180000000 } from './1796180000000-StripeProvider.js';
import { Refunds1796200000000 } from './1796200000000-Refunds.js';

// Every migration, in order. Listed by hand (not a glob) so that the ESM build and the tests load the same set.
// One per line, so that branches adding migrations merge cleanly.
export const MIGRATIONS: Function[] = [
  Foundation1795461713169,
  Applications1795463549434,
  Jury1795464941585,
  ApplicationSearch1795464964079,
  Coaching1795466371399,
  Campaigns1795469579013,
  ReportSnapshotImmutable1795472000000,
  SessionLifetimes1795473000000,
  OutboxPriorities1795473600000,
  OutboxPrioritiesBackfill1795473600001,
  ApplicationContactEmail1796136446991,
  PaymentSettings1796137072527,
  PlatformAdmins1796137152209,
  TenantLanguages1796145895268,
  LocalizedProgrammeContent1796146000000,
  OutboxLocaleAnyLanguage1796146129093,
  LocalesAnyLanguage1796150412000,
  LocalizedCampaignContent1796150000000,
  GuardReasonMessages1796146200000,
  TenantLogo1796160000000,
  SupporterMessageHidden1796170000000,
  CampaignImages1796170000001,
  StripeProvider1796180000000,
  JuryDrawSeedAndScaleCutOff1796190000000,
  Refunds1796200000000,
  CoachingSessionsAttendance1796205000000,
  CallEligibilityRules1796210000000,
  JuryWaitingListPromotion1796213000000,
  EmailSuppression1796220000000,
  PrivacyRequests1796221000000,
  PrivacyLegalPagesConsents1796222000000,
  MatchTakeAtCommit1796230000000,
  SupportersIndex1796230000001,
  ContributionTallies1796240000000,
  MatchBudgetStripes1796250000000,
  ContributionKeyLookup1796260000000,
  ProgrammePeopleStripes1796270000000,
];
