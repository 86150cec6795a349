import type { Locale, Localized } from '../common/i18n/localized.js';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import { Partner } from '../partners/partner.entity.js';
import { Programme } from '../programmes/programme.entity.js';
import type { StoredImage } from '../common/web/image-view.js';
import type { CampaignStatus, ContributionStatus } from './domain/states.js';

const cents = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/**
 * How a programme collects: the payment provider, the settlement policy and the match-funding rules.
 * The window itself is the programme's timeline: it opens at `campaign` and closes at `settlement`.
 */
@Entity('campaign_settings')
@Index('campaign_settings_programme_key', ['tenantId', 'programmeId'], { unique: true })
@Check('campaign_settings_provider', `payment_provider IN ('pledge', 'webhook', 'stripe')`)
@Check('campaign_settings_policy', `settlement_policy IN ('all_or_nothing', 'keep_it_all')`)
@Check('campaign_settings_factor', 'match_factor_percent >= 0 AND match_factor_percent <= 1000')
@Check('campaign_settings_grace', 'pending_grace_hours >= 0')
export class CampaignSettings {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'campaign_settings_programme_fk' })
  private programmeRef?: Programme;
  @Column('text', { default: 'pledge' }) paymentProvider: 'pledge' | 'webhook' | 'stripe';
  @Column('text', { default: 'all_or_nothing' }) settlementPolicy: 'all_or_nothing' | 'keep_it_all';
  /** Whether matched amounts count toward a campaign's goal at settlement. */
  @Column('boolean', { default: true }) matchCountsTowardGoal: boolean;
  /** How long a contribution may stay pending (payment not confirmed) before it expires. */
  @Column('int', { default: 72 }) pendingGraceHours: number;
  /** Matched cents per 100 citizen cents (100: one euro per euro). 0: no proportional match-funding. */
  @Column('int', { default: 0 }) matchFactorPercent: number;
  @Column('bigint', { nullable: true, transformer: cents }) matchCapPerContributionCents: number | null;
  @Column('bigint', { nullable: true, transformer: cents }) matchCapPerCampaignCents: number | null;
  /** How many of one contributor's contributions to one campaign are matched. */
  @Column('int', { nullable: true }) matchMaxPerContributor: number | null;
  /** Only contributions choosing a reward flagged `matchEligible` are matched. */
  @Column('boolean', { default: false }) matchOnlyListedRewards: boolean;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/**
 * A partner's match-funding budget on a programme. `ratio` budgets share the proportional matches;
 * `grant` budgets pay a fixed amount once a campaign reaches its thresholds. What remains is split
 * between the pool and the budget's stripes (MatchBudgetStripe), so that concurrent contributions do
 * not queue on this row; the CHECKs make a negative balance impossible whatever the application does.
 */
@Entity('match_budget')
@Index('match_budget_partner_kind_key', ['programmeId', 'partnerId', 'kind'], { unique: true })
@Index('match_budget_tenant_programme_idx', ['tenantId', 'programmeId'])
@Check('match_budget_kind', `kind IN ('ratio', 'grant')`)
@Check('match_budget_scope', `scope IN ('all', 'matched_laureates')`)
@Check('match_budget_pool', 'pool_cents >= 0 AND pool_cents <= total_cents')
@Check('match_budget_grant', `kind <> 'grant' OR (grant_cents > 0 AND grant_threshold_percent >= 0 AND grant_min_contributors >= 0)`)
export class MatchBudget {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'match_budget_programme_fk' })
  private programmeRef?: Programme;
  @Column('uuid') partnerId: string;
  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id', foreignKeyConstraintName: 'match_budget_partner_fk' })
  private partnerRef?: Partner;
  @Column('text') kind: 'ratio' | 'grant';
  @Column('text', { default: 'all' }) scope: 'all' | 'matched_laureates';
  @Column('bigint', { transformer: cents }) totalCents: number;
  /** Not handed to a stripe yet: only part of what remains. */
  @Column('bigint', { transformer: cents }) poolCents: number;
  @Column('bigint', { nullable: true, transformer: cents }) grantCents: number | null;
  @Column('int', { nullable: true }) grantThresholdPercent: number | null;
  @Column('int', { nullable: true }) grantMinContributors: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  /** What remains (the pool and the stripes), filled by MatchFundingRepository: not a column. */
  remainingCents: number;
}

/**
 * One of a budget's sixteen sub-budgets (migration MatchBudgetStripes1796250000000): a connection takes
 * from its own stripe, refilled from the pool, so that concurrent commits update different rows.
 */
@Entity('match_budget_stripe')
@Check('match_budget_stripe_remaining', 'remaining_cents >= 0')
@Check('match_budget_stripe_number', 'stripe >= 0 AND stripe < 16')
export class MatchBudgetStripe {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'match_budget_stripe_pkey' }) budgetId: string;
  @ManyToOne(() => MatchBudget, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'budget_id', foreignKeyConstraintName: 'match_budget_stripe_budget_fk' })
  private budgetRef?: MatchBudget;
  @PrimaryColumn('smallint', { primaryKeyConstraintName: 'match_budget_stripe_pkey' }) stripe: number;
  @Column('bigint', { default: 0, transformer: cents }) remainingCents: number;
}

/** A picture of a campaign's gallery: `id` names it in the editor's forms (remove, move). */
export interface GalleryImage {
  id: string;
  image: StoredImage;
  alt: Localized;
}

/** A question and its answer, each written in the languages the laureate chose. */
export interface FaqEntry {
  question: Localized;
  answer: Localized;
}

/** A laureate's collection page: written by the laureate, approved by staff, live during the window. */
@Entity('campaign')
@Index('campaign_application_key', ['applicationId'], { unique: true })
@Index('campaign_programme_slug_key', ['tenantId', 'programmeId', 'slug'], { unique: true })
@Index('campaign_tenant_programme_status_idx', ['tenantId', 'programmeId', 'status'])
@Index('campaign_tenant_laureate_idx', ['tenantId', 'laureateUserId'])
@Check('campaign_status', `status IN ('draft', 'in_review', 'changes_requested', 'approved', 'live', 'awaiting_funds', 'funded', 'not_funded')`)
@Check('campaign_goal', 'goal_cents > 0')
@Check('campaign_totals', 'collected_cents >= 0 AND matched_cents >= 0 AND contribution_count >= 0 AND contributor_count >= 0')
export class Campaign {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'campaign_programme_fk' })
  private programmeRef?: Programme;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'campaign_application_fk' })
  private applicationRef?: Application;
  @Column('uuid') laureateUserId: string;
  @Column('text') slug: string;
  /** Per language; the slug comes from the default language's text. */
  @Column('jsonb') title: Localized;
  @Column('jsonb', { default: {} }) summary: Localized;
  /** Sanitised HTML (allow-list) in each language, safe to render as is. */
  @Column('jsonb', { default: {} }) story: Localized;
  /** The cover (16:9 renditions, storage/images.ts); its text alternative per language is `imageAlt`. */
  @Column('jsonb', { nullable: true }) cover: StoredImage | null;
  @Column('jsonb', { default: {} }) imageAlt: Localized;
  /** Up to four more pictures, in the laureate's order, each with its own text alternative. */
  @Column('jsonb', { default: [] }) gallery: GalleryImage[];
  @Column('bigint', { transformer: cents }) goalCents: number;
  @Column('jsonb', { default: [] }) faq: FaqEntry[];
  @Column('text', { default: 'draft' }) status: CampaignStatus;
  @Column('text', { nullable: true }) reviewComment: string | null;
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  @Column('timestamptz', { nullable: true }) approvedAt: Date | null;
  @Column('uuid', { nullable: true }) approvedBy: string | null;
  @Column('timestamptz', { nullable: true }) openedAt: Date | null;
  @Column('timestamptz', { nullable: true }) closedAt: Date | null;
  @Column('timestamptz', { nullable: true }) settledAt: Date | null;
  /** Confirmed citizens' money, kept in the transaction of each confirmation (never pending or failed). */
  @Column('bigint', { default: 0, transformer: cents }) collectedCents: number;
  /** Confirmed match-funding (proportional and grants). */
  @Column('bigint', { default: 0, transformer: cents }) matchedCents: number;
  @Column('int', { default: 0 }) contributionCount: number;
  /** Distinct contributors (by e-mail) among confirmed contributions. */
  @Column('int', { default: 0 }) contributorCount: number;
  /** Human page views, flushed in batches from each instance's memory. */
  @Column('bigint', { default: 0, transformer: cents }) pageViews: number;
  @Column('timestamptz', { nullable: true }) lastUpdateAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A reward tier; `remaining` is decremented atomically with each contribution that picks it. */
@Entity('reward_tier')
@Index('reward_tier_campaign_idx', ['campaignId', 'position'])
@Check('reward_tier_minimum', 'min_amount_cents >= 100')
@Check('reward_tier_stock', 'remaining IS NULL OR (remaining >= 0 AND remaining <= quantity)')
@Check('reward_tier_quantity', '(quantity IS NULL) = (remaining IS NULL)')
export class RewardTier {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') campaignId: string;
  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'reward_tier_campaign_fk' })
  private campaignRef?: Campaign;
  @Column('int') position: number;
  @Column('jsonb') title: Localized;
  @Column('jsonb', { default: {} }) description: Localized;
  @Column('bigint', { transformer: cents }) minAmountCents: number;
  @Column('int', { nullable: true }) quantity: number | null;
  @Column('int', { nullable: true }) remaining: number | null;
  /** Month of estimated delivery, YYYY-MM. */
  @Column('text', { nullable: true }) estimatedDelivery: string | null;
  /** Counts for match-funding when the programme matches only listed rewards. */
  @Column('boolean', { default: true }) matchEligible: boolean;
}

/** A citizen's contribution; counted only once `confirmed`. */
@Entity('contribution')
@Index('contribution_idempotency_key', ['tenantId', 'idempotencyKey'], { unique: true })
@Index('contribution_provider_ref_key', ['provider', 'providerRef'], { unique: true, where: 'provider_ref IS NOT NULL' })
@Index('contribution_confirm_token_key', ['confirmTokenHash'], { unique: true, where: 'confirm_token_hash IS NOT NULL' })
@Index('contribution_receipt_key', ['tenantId', 'receiptNumber'], { unique: true, where: 'receipt_number IS NOT NULL' })
@Index('contribution_campaign_status_idx', ['campaignId', 'status'])
@Index('contribution_tenant_programme_idx', ['tenantId', 'programmeId', 'status'])
@Index('contribution_pending_expiry_idx', ['expiresAt'], { where: `status = 'pending'` })
// The supporters' wall: a page newest first, and the count from the index alone.
@Index('contribution_supporters_idx', ['campaignId', 'confirmedAt', 'id', 'status'], { where: 'confirmed_at IS NOT NULL' })
@Check('contribution_amount', 'amount_cents >= 100')
@Check('contribution_matched', 'matched_cents >= 0')
@Check('contribution_status', `status IN ('pending', 'confirmed', 'failed', 'expired', 'refund_due', 'refunded')`)
export class Contribution {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') campaignId: string;
  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'contribution_campaign_fk' })
  private campaignRef?: Campaign;
  @Column('uuid', { nullable: true }) rewardTierId: string | null;
  @ManyToOne(() => RewardTier, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reward_tier_id', foreignKeyConstraintName: 'contribution_reward_tier_fk' })
  private rewardRef?: RewardTier;
  @Column('bigint', { transformer: cents }) amountCents: number;
  /** Match-funding reserved (pending) or granted (confirmed) for this contribution. */
  @Column('bigint', { default: 0, transformer: cents }) matchedCents: number;
  @Column('text') email: string;
  /** The e-mail, trimmed and lower-cased: who the contributor is for counting and match limits. */
  @Column('text') emailKey: string;
  @Column('text', { nullable: true }) displayName: string | null;
  @Column('boolean', { default: false }) anonymous: boolean;
  @Column('text', { default: '' }) message: string;
  /** Set when the laureate hid the message from the supporters' wall (the name stays). */
  @Column('timestamptz', { nullable: true }) messageHiddenAt: Date | null;
  @Column('text', { default: 'fr' }) locale: Locale;
  @Column('text', { default: 'pending' }) status: ContributionStatus;
  @Column('text') provider: string;
  @Column('text', { nullable: true }) providerRef: string | null;
  @Column('text') idempotencyKey: string;
  /** A fingerprint of the request: the same key with another body is refused. */
  @Column('text') requestHash: string;
  @Column('text', { nullable: true }) confirmTokenHash: string | null;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) confirmedAt: Date | null;
  @Column('timestamptz', { nullable: true }) endedAt: Date | null;
  @Column('text', { nullable: true }) receiptNumber: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Match-funding taken from a budget: reserved with a contribution, confirmed with it, or released. */
@Entity('match_allocation')
@Index('match_allocation_contribution_idx', ['contributionId'])
@Index('match_allocation_campaign_idx', ['campaignId', 'status'])
@Index('match_allocation_grant_once_key', ['budgetId', 'campaignId'], { unique: true, where: `kind = 'grant'` })
@Check('match_allocation_amount', 'amount_cents > 0')
@Check('match_allocation_kind', `kind IN ('ratio', 'grant')`)
@Check('match_allocation_status', `status IN ('reserved', 'confirmed', 'released')`)
export class MatchAllocation {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') campaignId: string;
  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'match_allocation_campaign_fk' })
  private campaignRef?: Campaign;
  @Column('uuid') budgetId: string;
  @ManyToOne(() => MatchBudget, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'budget_id', foreignKeyConstraintName: 'match_allocation_budget_fk' })
  private budgetRef?: MatchBudget;
  @Column('uuid', { nullable: true }) contributionId: string | null;
  @ManyToOne(() => Contribution, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contribution_id', foreignKeyConstraintName: 'match_allocation_contribution_fk' })
  private contributionRef?: Contribution;
  @Column('text') kind: 'ratio' | 'grant';
  @Column('bigint', { transformer: cents }) amountCents: number;
  @Column('text', { default: 'reserved' }) status: 'reserved' | 'confirmed' | 'released';
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** One row per distinct confirmed contributor of a campaign: its insert decides the contributor count. */
@Entity('campaign_backer')
@Index('campaign_backer_key', ['campaignId', 'emailKey'], { unique: true })
export class CampaignBacker {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid') campaignId: string;
  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'campaign_backer_campaign_fk' })
  private campaignRef?: Campaign;
  @Column('text') emailKey: string;
}

/** "Notify me" before the window: one e-mail at the opening. */
@Entity('campaign_subscriber')
@Index('campaign_subscriber_key', ['campaignId', 'emailKey'], { unique: true })
export class CampaignSubscriber {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') campaignId: string;
  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'campaign_subscriber_campaign_fk' })
  private campaignRef?: Campaign;
  @Column('text') email: string;
  @Column('text') emailKey: string;
  @Column('text', { default: 'fr' }) locale: Locale;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** A laureate's news to their contributors, e-mailed through the outbox. */
@Entity('campaign_update')
@Index('campaign_update_campaign_idx', ['campaignId', 'createdAt'])
@Index('campaign_update_idempotency_key', ['campaignId', 'idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
export class CampaignUpdate {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') campaignId: string;
  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'campaign_update_campaign_fk' })
  private campaignRef?: Campaign;
  @Column('uuid') authorUserId: string;
  @Column('jsonb') title: Localized;
  /** Plain text in each language the laureate wrote it in; each contributor gets their own language. */
  @Column('jsonb') body: Localized;
  @Column('text', { nullable: true }) idempotencyKey: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Every payment provider event received, once: the unique key makes a replay a no-op. */
@Entity('payment_event')
@Index('payment_event_once_key', ['tenantId', 'provider', 'eventId'], { unique: true })
export class PaymentEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid') tenantId: string;
  @Column('text') provider: string;
  @Column('text') eventId: string;
  @Column('text') type: string;
  @Column('uuid', { nullable: true }) contributionId: string | null;
  @Column('jsonb') payload: Record<string, unknown>;
  /** What the event did (e.g. `confirmed`, `ignored:already_confirmed`). */
  @Column('text') outcome: string;
  @CreateDateColumn({ type: 'timestamptz' }) receivedAt: Date;
}
