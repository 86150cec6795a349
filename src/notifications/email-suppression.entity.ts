import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';
import type { EmailStream } from './domain/email-streams.js';

/**
 * An address that left a bulk stream of one authority (RFC 8058 one-click, or the unsubscribe page):
 * the outbox does not send it that stream's e-mails. Personal data (an e-mail address). `scope_id` is
 * the campaign for campaign updates; null for a whole stream. Unique, so unsubscribing twice is once.
 */
@Entity('email_suppression')
@Index('email_suppression_stream_key', ['tenantId', 'emailKey', 'stream'], { unique: true, where: 'scope_id IS NULL' })
@Index('email_suppression_scope_key', ['tenantId', 'emailKey', 'stream', 'scopeId'], { unique: true, where: 'scope_id IS NOT NULL' })
export class EmailSuppression {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'email_suppression_tenant_fk' })
  private tenantRef?: Tenant;
  /** The address, trimmed and lower-cased (as contributions' `email_key`). */
  @Column('text') emailKey: string;
  @Column('text') stream: EmailStream;
  @Column('uuid', { nullable: true }) scopeId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
