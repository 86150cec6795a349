import type { Locale } from '../common/i18n/localized.js';
import { JoinColumn, ManyToOne, Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Programme } from '../programmes/programme.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';

export const ROLES = ['platform_admin', 'staff', 'juror', 'coach', 'partner', 'applicant'] as const;
export type Role = (typeof ROLES)[number];

/** A person known to one authority. E-mail is stored lower-cased, unique per tenant. */
@Entity('app_user')
@Index('app_user_tenant_email_key', ['tenantId', 'email'], { unique: true })
@Check('app_user_email_lower', `email = lower(email)`)
@Check('app_user_locale', `locale IS NULL OR locale ~ '^[a-z]{2,3}$'`)
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'app_user_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') email: string;
  @Column('text') displayName: string;
  @Column('text', { nullable: true }) passwordHash: string | null;
  @Column('text', { nullable: true }) locale: Locale | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** A role held in a tenant, either tenant-wide (programme null) or for one programme. */
@Entity('role_grant')
@Index('role_grant_tenant_user_idx', ['tenantId', 'userId'])
@Index('role_grant_wide_key', ['userId', 'role'], { unique: true, where: 'programme_id IS NULL' })
@Index('role_grant_programme_key', ['userId', 'role', 'programmeId'], { unique: true, where: 'programme_id IS NOT NULL' })
@Check('role_grant_role', `role IN ('platform_admin', 'staff', 'juror', 'coach', 'partner', 'applicant')`)
export class RoleGrant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') userId: string;
  @Column('text') role: Role;
  @Column('uuid', { nullable: true }) programmeId: string | null;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'role_grant_user_fk' })
  private userRef?: User;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'role_grant_programme_fk' })
  private programmeRef?: Programme;

  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
