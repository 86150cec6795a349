import type { Locale } from '../common/i18n/localized.js';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../auth/user.entity.js';
import { Programme } from '../programmes/programme.entity.js';
import type { Answers } from './domain/form.js';
import type { ApplicationStatus, ScreeningDecision } from './domain/application-state.js';

const cents = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** An applicant's project for a programme's call: a draft until submitted, then screened by staff. */
@Entity('application')
@Index('application_tenant_programme_status_idx', ['tenantId', 'programmeId', 'status'])
@Index('application_tenant_applicant_idx', ['tenantId', 'applicantUserId'])
@Index('application_receipt_key', ['tenantId', 'receiptNumber'], { unique: true, where: 'receipt_number IS NOT NULL' })
@Index('application_idempotency_key', ['tenantId', 'applicantUserId', 'idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
// Created by hand in the migration (GIN): declared so that schema comparison leaves it alone.
@Index('application_search_vector_idx', { synchronize: false })
@Check('application_status', `status IN ('draft', 'submitted', 'withdrawn')`)
@Check('application_screening', `screening IN ('pending', 'eligible', 'ineligible')`)
@Check('application_goal', 'goal_cents IS NULL OR goal_cents >= 0')
export class Application {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'application_programme_fk' })
  private programmeRef?: Programme;
  @Column('uuid') applicantUserId: string;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'applicant_user_id', foreignKeyConstraintName: 'application_applicant_fk' })
  private applicantRef?: User;
  @Column('text', { default: 'draft' }) status: ApplicationStatus;
  @Column('text', { default: 'pending' }) screening: ScreeningDecision;
  @Column('text', { nullable: true }) screeningReason: string | null;
  @Column('timestamptz', { nullable: true }) correctionUntil: Date | null;
  @Column('text', { nullable: true }) correctionMessage: string | null;
  @Column('text', { default: '' }) title: string;
  @Column('text', { default: '' }) summary: string;
  @Column('text', { nullable: true }) category: string | null;
  @Column('bigint', { nullable: true, transformer: cents }) goalCents: number | null;
  @Column('text', { default: '' }) commune: string;
  @Column('text', { default: '' }) postcode: string;
  @Column('text', { default: '' }) applicantName: string;
  @Column('text', { default: '' }) organisation: string;
  @Column('text', { default: '' }) email: string;
  @Column('text', { default: '' }) phone: string;
  @Column('boolean', { default: false }) consent: boolean;
  /** The version of the call's rules (src/privacy legal_page) the applicant accepted at submission; 0: the default rules, none published. */
  @Column('integer', { nullable: true }) acceptedRulesVersion: number | null;
  @Column('jsonb', { default: {} }) answers: Answers;
  @Column('text', { nullable: true }) receiptNumber: string | null;
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  /** The client's Idempotency-Key of the request that created the draft: a retry finds it. */
  @Column('text', { nullable: true }) idempotencyKey: string | null;
  @Column('text', { default: 'fr' }) locale: Locale;
  /**
   * Words of the application for the desk's full-text search, kept by a trigger (see the migration)
   * so that a search reads an index instead of computing every row's words.
   */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false }) searchVector: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Staff's internal notes on an application (never shown to the applicant). */
@Entity('application_comment')
@Index('application_comment_tenant_application_idx', ['tenantId', 'applicationId'])
export class ApplicationComment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'application_comment_application_fk' })
  private applicationRef?: Application;
  @Column('uuid') authorUserId: string;
  @Column('text') body: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * A contact address typed on an application that is not the applicant's own (verified) address: it
 * receives nothing about the application until someone opens the link sent to it. Only the token's
 * hash is stored.
 */
@Entity('application_contact_email')
@Index('application_contact_email_tenant_application_idx', ['tenantId', 'applicationId'])
@Index('application_contact_email_token_key', ['tokenHash'], { unique: true })
export class ApplicationContactEmail {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'application_contact_email_application_fk' })
  private applicationRef?: Application;
  @Column('text') email: string;
  @Column('text') tokenHash: string;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) confirmedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
