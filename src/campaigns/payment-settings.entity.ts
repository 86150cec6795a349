import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';

/*
 * An authority's payment settings belong to the campaigns module, not to tenants: campaigns owns the
 * payment providers (src/campaigns/payments), chooses one per programme, verifies their webhooks and
 * starts their checkouts. Tenants only say who the authority is; it would otherwise have to know about
 * providers, and campaigns would have to read another module's secrets table.
 */

/** What is not secret in an authority's settings for one provider (the checkout page of the webhook provider). */
@Entity('payment_settings')
@Index('payment_settings_tenant_provider_key', ['tenantId', 'provider'], { unique: true })
@Check('payment_settings_provider', `provider IN ('webhook', 'stripe')`)
export class PaymentSettings {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'payment_settings_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') provider: 'webhook' | 'stripe';
  /** Null: the installation's PAYMENT_CHECKOUT_URL (webhook provider only). */
  @Column('text', { nullable: true }) checkoutUrl: string | null;
  /** Where refunds are asked (webhook provider only): a signed POST per refund. Null: refunds are made by hand. */
  @Column('text', { nullable: true }) refundUrl: string | null;
  @Column('timestamptz') updatedAt: Date;
  @Column('uuid', { nullable: true }) updatedByUserId: string | null;
}

/**
 * One named secret of an authority's provider, sealed (AES-256-GCM, see domain/sealing.ts): never in
 * clear text here. The current value has no `valid_until`; after a rotation the previous one stays,
 * accepted until `valid_until`, then is deleted. At most one current value per field (partial unique).
 */
@Entity('payment_secret')
@Index('payment_secret_current_key', ['tenantId', 'provider', 'name'], { unique: true, where: 'valid_until IS NULL' })
@Index('payment_secret_tenant_idx', ['tenantId', 'provider', 'name'])
@Check('payment_secret_field', `(provider, name) IN (('webhook', 'webhook_secret'), ('stripe', 'secret_key'), ('stripe', 'endpoint_secret'))`)
@Check('payment_secret_sizes', 'octet_length(iv) = 12 AND octet_length(auth_tag) = 16')
@Check('payment_secret_role', `set_by_role IN ('staff', 'platform_admin')`)
export class PaymentSecret {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'payment_secret_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') provider: 'webhook' | 'stripe';
  @Column('text') name: 'webhook_secret' | 'secret_key' | 'endpoint_secret';
  /** Which derived key sealed the value (its version and fingerprint). */
  @Column('text') keyId: string;
  @Column('bytea') iv: Buffer;
  @Column('bytea') authTag: Buffer;
  @Column('bytea') ciphertext: Buffer;
  @Column('timestamptz') setAt: Date;
  /** Staff of the authority, or a platform admin (who may belong to another authority: no foreign key). */
  @Column('uuid', { nullable: true }) setByUserId: string | null;
  @Column('text') setByRole: 'staff' | 'platform_admin';
  /** Null: the current value. Otherwise a previous value, still accepted until then. */
  @Column('timestamptz', { nullable: true }) validUntil: Date | null;
}
