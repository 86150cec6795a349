import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Localized } from '../common/i18n/localized.js';
import { Tenant } from '../tenants/tenant.entity.js';

/**
 * Who the authority is as a data controller (GDPR art. 13) and as a publisher (LCEN art. 6): what the
 * default privacy notice, legal notice and accessibility statement are written from. One row per
 * authority, created on first save; until then the defaults say "not filled in yet".
 */
@Entity('privacy_settings')
@Check('privacy_settings_rgaa', `rgaa_status IN ('full', 'partial', 'none')`)
export class PrivacySettings {
  @PrimaryColumn('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'privacy_settings_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text', { default: '' }) controllerName: string;
  @Column('text', { default: '' }) controllerAddress: string;
  @Column('text', { default: '' }) dpoEmail: string;
  @Column('text', { default: '' }) dpoAddress: string;
  @Column('text', { default: '' }) publicationDirector: string;
  @Column('text', { default: '' }) hostName: string;
  @Column('text', { default: '' }) hostAddress: string;
  @Column('text', { default: '' }) hostContact: string;
  @Column('text', { default: 'none' }) rgaaStatus: 'full' | 'partial' | 'none';
  @Column('date', { nullable: true }) rgaaAuditDate: string | null;
  /** Months per retention kind (src/privacy/domain/retention.ts); read with `retentionPeriods()`. */
  @Column('jsonb', { default: {} }) retention: Record<string, number>;
  @Column('timestamptz', { nullable: true }) updatedAt: Date | null;
  @Column('uuid', { nullable: true }) updatedByUserId: string | null;
}

export const LEGAL_PAGE_KINDS = ['privacy', 'legal_notice', 'accessibility', 'call_rules'] as const;
export type LegalPageKind = (typeof LEGAL_PAGE_KINDS)[number];

/**
 * One published version of a legal page. Publishing adds a version, never rewrites one: an applicant
 * accepted the call's rules of a given version, which must stay readable as it was.
 */
@Entity('legal_page')
@Index('legal_page_version_key', ['tenantId', 'kind', 'scopeKey', 'version'], { unique: true })
@Check('legal_page_kind', `kind IN ('privacy', 'legal_notice', 'accessibility', 'call_rules')`)
@Check('legal_page_programme', `(kind = 'call_rules') = (programme_id IS NOT NULL)`)
@Check('legal_page_version_positive', 'version > 0')
export class LegalPage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'legal_page_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') kind: LegalPageKind;
  @Column('uuid', { nullable: true }) programmeId: string | null;
  /** The programme id, or '' for the authority's pages: one version sequence per page (NULLs are never equal in a unique key). */
  @Column('text', { default: '' }) scopeKey: string;
  @Column('integer') version: number;
  @Column('jsonb', { default: {} }) body: Localized;
  @Column('timestamptz') publishedAt: Date;
  @Column('uuid', { nullable: true }) publishedBy: string | null;
}

export const CONSENT_SOURCES = ['apply', 'contribution', 'account'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * One optional use a person agreed to (GDPR art. 7: the controller must be able to show it), with the
 * exact text version shown; withdrawing keeps the row (when it was given and withdrawn).
 */
@Entity('consent')
@Index('consent_subject_idx', ['tenantId', 'emailKey', 'purpose'])
@Index('consent_user_idx', ['tenantId', 'userId'])
@Check('consent_purpose', `purpose IN ('authority_news', 'partner_contact', 'campaign_news')`)
@Check('consent_withdrawn_after', 'withdrawn_at IS NULL OR withdrawn_at >= given_at')
export class Consent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'consent_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('uuid', { nullable: true }) userId: string | null;
  /** The e-mail, trimmed and lower-cased: contributors have no account. */
  @Column('text') emailKey: string;
  @Column('text') purpose: string;
  @Column('uuid', { nullable: true }) programmeId: string | null;
  @Column('uuid', { nullable: true }) campaignId: string | null;
  @Column('text') textVersion: string;
  @Column('timestamptz') givenAt: Date;
  @Column('timestamptz', { nullable: true }) withdrawnAt: Date | null;
  @Column('text') source: string;
}
