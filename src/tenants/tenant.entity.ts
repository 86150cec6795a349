import { JoinColumn, ManyToOne, Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type { Locale } from '../common/i18n/localized.js';
import type { Locale } from '../common/i18n/localized.js';
import type { StoredImage } from '../common/web/image-view.js';

/** A local authority: one white-labelled site of the installation. */
@Entity('tenant')
@Check('tenant_slug_format', `slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'`)
@Check('tenant_languages', `cardinality(languages) >= 1 AND default_locale = ANY (languages)`)
@Check('tenant_colours', `primary_color ~ '^#[0-9a-f]{6}$' AND accent_color ~ '^#[0-9a-f]{6}$'`)
export class Tenant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('tenant_slug_key', { unique: true }) @Column('text') slug: string;
  @Column('text') name: string;
  /** A logo at an address of the authority's own (kept for sites set up before uploads); an uploaded `logo` wins. */
  @Column('text', { nullable: true }) logoUrl: string | null;
  /** The uploaded logo's renditions (src/storage/images.ts): served at /images/<id>.<ext>. */
  @Column('jsonb', { nullable: true }) logo: StoredImage | null;
  @Column('text', { default: '#1f4e9c' }) primaryColor: string;
  @Column('text', { default: '#b3541e' }) accentColor: string;
  @Column('text') senderName: string;
  @Column('text') senderEmail: string;
  /** The languages the site is offered in (each has a catalogue in templates/i18n/), its default among them. */
  @Column('text', { array: true, default: () => "'{fr,en}'" }) languages: Locale[];
  @Column('text', { default: 'fr' }) defaultLocale: Locale;
  @Column('text', { default: 'Europe/Paris' }) timeZone: string;
  /** Set by a platform admin: the site answers a "suspended" page; nothing is deleted. */
  @Column('timestamptz', { nullable: true }) suspendedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Host names that serve a tenant; a host serves at most one tenant. */
@Entity('tenant_host')
@Index('tenant_host_tenant_idx', ['tenantId'])
export class TenantHost {
  @Column('text', { primary: true }) host: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'tenant_host_tenant_fk' })
  private tenantRef?: Tenant;
}
