import type { Locale } from '../common/i18n/localized.js';
import { JoinColumn, ManyToOne, Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';
import type { EmailStream } from './domain/email-streams.js';
import type { MailPriority } from './domain/mail-priority.js';

/** `suppressed`: a bulk e-mail not sent because its address left its stream (email_suppression). */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';

/**
 * An e-mail to send, written in the transaction of the change that causes it. The worker claims rows
 * with FOR UPDATE SKIP LOCKED and a lease, so two instances never send the same row at once;
 * transactional mail first across all authorities, then each authority's other mail within its rate.
 */
@Entity('outbox_message')
@Index('outbox_message_dedupe_key', ['dedupeKey'], { unique: true, where: 'dedupe_key IS NOT NULL' })
// Claim order of the transactional pass: lowest priority value first, then the longest due.
@Index('outbox_message_due_idx', ['priority', 'nextAttemptAt'], { where: `status IN ('pending', 'sending')` })
// The same order within one authority (its rated mail), and a skip scan over the authorities with mail due.
@Index('outbox_message_tenant_due_idx', ['tenantId', 'priority', 'nextAttemptAt'], { where: `status IN ('pending', 'sending')` })
// An authority's rated claims of the last minute, counted against its send rate.
@Index('outbox_message_tenant_claimed_idx', ['tenantId', 'claimedAt'], { where: 'priority > 0' })
@Index('outbox_message_tenant_created_idx', ['tenantId', 'createdAt'])
@Check('outbox_message_status', `status IN ('pending', 'sending', 'sent', 'failed', 'suppressed')`)
@Check('outbox_message_priority', 'priority IN (0, 1, 2)')
@Check('outbox_message_locale', `locale ~ '^[a-z]{2,3}$'`)
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'outbox_message_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') template: string;
  @Column('text') locale: Locale;
  @Column('text') toAddress: string;
  @Column('text', { nullable: true }) toName: string | null;
  @Column('jsonb', { default: {} }) payload: Record<string, unknown>;
  /** Business key of the e-mail (e.g. "phase:<programme>:<phase>:<user>"): the same e-mail is never queued twice. */
  @Column('text', { nullable: true }) dedupeKey: string | null;
  /** 0 transactional, 1 personal, 2 bulk (domain/mail-priority.ts): sent in that order. */
  @Column('smallint', { default: 1 }) priority: MailPriority;
  /** The bulk stream (domain/email-streams.ts) at the time it was queued; null for a transactional e-mail. */
  @Column('text', { nullable: true }) stream: EmailStream | null;
  /** What within the stream (the campaign of a campaign update), for a scoped stream. */
  @Column('uuid', { nullable: true }) scopeId: string | null;
  @Column('text', { default: 'pending' }) status: OutboxStatus;
  @Column('int', { default: 0 }) attempts: number;
  @Column('timestamptz') nextAttemptAt: Date;
  /** When the last attempt was claimed: an authority's rate counts its claims of the last minute. */
  @Column('timestamptz', { nullable: true }) claimedAt: Date | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
