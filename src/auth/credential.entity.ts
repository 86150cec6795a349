import { Column, JoinColumn, ManyToOne, CreateDateColumn, Entity, Generated, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity.js';

/**
 * A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. `id` is the
 * non-secret handle by which a person or staff list and end a session (the hash is never shown).
 */
@Entity('web_session')
@Index('web_session_expires_idx', ['expiresAt'])
@Index('web_session_tenant_user_idx', ['tenantId', 'userId'])
@Index('web_session_id_key', ['id'], { unique: true })
export class WebSession {
  @PrimaryColumn('text') tokenHash: string;
  @Column('uuid') @Generated('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'web_session_user_fk' })
  private userRef?: User;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  /** Moved forward at most once an hour, with expiresAt: a session lives SESSION_TTL_DAYS after its last use. */
  @Column('timestamptz', { default: () => 'now()' }) lastUsedAt: Date;
  @Column('timestamptz') expiresAt: Date;
}

/** A one-time sign-in link sent by e-mail. Single use: used_at is set atomically on consumption. */
@Entity('sign_in_link')
@Index('sign_in_link_token_key', ['tokenHash'], { unique: true })
@Index('sign_in_link_tenant_user_idx', ['tenantId', 'userId'])
export class SignInLink {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'sign_in_link_user_fk' })
  private userRef?: User;
  @Column('text') tokenHash: string;
  @Column('text', { nullable: true }) redirectTo: string | null;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) usedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** A bearer token for the JSON API. It lives API_TOKEN_TTL_DAYS after its last use, until revoked. */
@Entity('api_token')
@Index('api_token_token_key', ['tokenHash'], { unique: true })
@Index('api_token_tenant_user_idx', ['tenantId', 'userId'])
@Index('api_token_expires_idx', ['expiresAt'])
export class ApiToken {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'api_token_user_fk' })
  private userRef?: User;
  @Column('text') tokenHash: string;
  @Column('text') name: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  /** Moved forward at most once an hour, with expiresAt (sliding lifetime without a write per request). */
  @Column('timestamptz', { default: () => 'now()' }) lastUsedAt: Date;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
}

/** Fixed-window counters for rate limits, shared by every app instance. */
@Entity('rate_limit_bucket')
@Index('rate_limit_bucket_window_idx', ['windowStart'])
export class RateLimitBucket {
  @PrimaryColumn('text') key: string;
  @PrimaryColumn('timestamptz') windowStart: Date;
  @Column('int') hits: number;
}
