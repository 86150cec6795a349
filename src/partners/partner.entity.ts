import type { StoredImage } from '../common/web/image-view.js';
import type { Localized } from '../common/i18n/localized.js';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import { User } from '../auth/user.entity.js';
import { Programme } from '../programmes/programme.entity.js';
import type { MatchingResult, PairRef } from './domain/matching.js';
import type { MatchingWeights, OverlapMeasure, ScoreTerm } from './domain/scoring.js';

const cents = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** A sponsor partner of a programme: what it offers, how many laureates it can take, whom it prefers. */
@Entity('partner')
@Index('partner_programme_name_key', ['tenantId', 'programmeId', 'name'], { unique: true })
@Check('partner_capacity', 'capacity >= 0')
@Check('partner_budget', 'match_funding_cents IS NULL OR match_funding_cents >= 0')
export class Partner {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'partner_programme_fk' })
  private programmeRef?: Programme;
  @Column('text') name: string;
  @Column('text', { nullable: true }) logoUrl: string | null;
  /** An uploaded logo (storage/images.ts); shown before `logoUrl`, which the API keeps. */
  @Column('jsonb', { nullable: true }) logo: StoredImage | null;
  /** What the partner offers, in each language; expertise and themes stay keyword lists (matching reads them). */
  @Column('jsonb', { default: {} }) description: Localized;
  @Column('jsonb', { default: [] }) expertise: string[];
  @Column('jsonb', { default: [] }) themes: string[];
  @Column('int', { default: 1 }) capacity: number;
  /** Match-funding budget in cents, for the campaigns (optional). */
  @Column('bigint', { nullable: true, transformer: cents }) matchFundingCents: number | null;
  /** Laureate (application) ids, best first. */
  @Column('jsonb', { default: [] }) preferences: string[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A person who signs in for a partner (role 'partner' for the programme). */
@Entity('partner_contact')
@Index('partner_contact_key', ['partnerId', 'userId'], { unique: true })
@Index('partner_contact_tenant_user_idx', ['tenantId', 'userId'])
export class PartnerContact {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') partnerId: string;
  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id', foreignKeyConstraintName: 'partner_contact_partner_fk' })
  private partnerRef?: Partner;
  @Column('uuid') userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'partner_contact_user_fk' })
  private userRef?: User;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** What a laureate needs (tags) and the partners they would like, best first. */
@Entity('laureate_needs')
@Index('laureate_needs_application_key', ['applicationId'], { unique: true })
@Index('laureate_needs_tenant_programme_idx', ['tenantId', 'programmeId'])
export class LaureateNeeds {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'laureate_needs_application_fk' })
  private applicationRef?: Application;
  @Column('jsonb', { default: [] }) needs: string[];
  /** Partner ids, best first. */
  @Column('jsonb', { default: [] }) preferences: string[];
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A programme's matching: staff's weights, locks and forbidden pairs, the last proposal, and its confirmation. */
@Entity('matching')
@Index('matching_programme_key', ['tenantId', 'programmeId'], { unique: true })
@Check('matching_status', `status IN ('draft', 'confirmed')`)
@Check('matching_sponsors', 'sponsors_per_laureate >= 1')
@Check('matching_overlap', `overlap IN ('jaccard', 'count')`)
export class Matching {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'matching_programme_fk' })
  private programmeRef?: Programme;
  @Column('jsonb', { nullable: true }) weights: MatchingWeights | null;
  @Column('text', { default: 'jaccard' }) overlap: OverlapMeasure;
  @Column('int', { default: 1 }) sponsorsPerLaureate: number;
  @Column('jsonb', { default: [] }) locked: PairRef[];
  @Column('jsonb', { default: [] }) forbidden: PairRef[];
  @Column('jsonb', { nullable: true }) result: MatchingResult | null;
  /** A fingerprint of everything the last run read, to refuse confirming a stale proposal. */
  @Column('text', { nullable: true }) inputHash: string | null;
  @Column('timestamptz', { nullable: true }) runAt: Date | null;
  @Column('text', { default: 'draft' }) status: 'draft' | 'confirmed';
  @Column('timestamptz', { nullable: true }) confirmedAt: Date | null;
  @Column('uuid', { nullable: true }) confirmedBy: string | null;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A confirmed sponsorship: the partner sponsors the laureate; the terms say why they were paired. */
@Entity('partner_match')
@Index('partner_match_pair_key', ['partnerId', 'applicationId'], { unique: true })
@Index('partner_match_tenant_programme_idx', ['tenantId', 'programmeId'])
export class PartnerMatch {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') partnerId: string;
  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id', foreignKeyConstraintName: 'partner_match_partner_fk' })
  private partnerRef?: Partner;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'partner_match_application_fk' })
  private applicationRef?: Application;
  @Column('double precision') score: number;
  @Column('jsonb', { default: [] }) terms: ScoreTerm[];
  @Column('boolean', { default: false }) locked: boolean;
  @Column('timestamptz') confirmedAt: Date;
}
