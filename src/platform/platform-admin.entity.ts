import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A person who runs the installation (adds authorities, their hosts and first staff). Not a member of
 * any authority: their credentials work on /platform and /api/platform only, whatever the host.
 */
@Entity('platform_admin')
@Index('platform_admin_email_key', ['email'], { unique: true })
@Check('platform_admin_email_lower', `email = lower(email)`)
export class PlatformAdmin {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') email: string;
  @Column('text') displayName: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * A platform admin's one-time sign-in link, browser session or API token. Only the token's SHA-256
 * is stored; every kind expires, links are used once.
 */
@Entity('platform_credential')
@Index('platform_credential_token_key', ['tokenHash'], { unique: true })
@Index('platform_credential_admin_idx', ['adminId'])
@Check('platform_credential_kind', `kind IN ('link', 'session', 'token')`)
export class PlatformCredential {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') adminId: string;
  @ManyToOne(() => PlatformAdmin, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'admin_id', foreignKeyConstraintName: 'platform_credential_admin_fk' })
  private adminRef?: PlatformAdmin;
  @Column('text') kind: 'link' | 'session' | 'token';
  @Column('text') tokenHash: string;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) usedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
