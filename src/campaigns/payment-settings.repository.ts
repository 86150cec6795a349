import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SecretField, SettingsProvider } from './domain/payment-settings.js';
import { PaymentSecret, PaymentSettings } from './payment-settings.entity.js';

/** The authorities' payment settings and sealed secrets; every query names the tenant. */
@Injectable()
export class PaymentSettingsRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  settings(em: EntityManager, tenantId: string, provider: SettingsProvider): Promise<PaymentSettings | null> {
    return em.getRepository(PaymentSettings).findOneBy({ tenantId, provider });
  }

  /**
   * The settings row, created on first use and locked: changes to one authority's provider settings
   * (two staff saving at once, a save and an "end rotation") happen one after the other.
   */
  async lockSettings(em: EntityManager, tenantId: string, provider: SettingsProvider, now: Date): Promise<PaymentSettings> {
    await em.query(`INSERT INTO payment_settings (tenant_id, provider, updated_at) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, provider) DO NOTHING`, [
      tenantId,
      provider,
      now,
    ]);
    return (await em
      .getRepository(PaymentSettings)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.tenant_id = :tenantId AND s.provider = :provider', { tenantId, provider })
      .getOne())!;
  }

  async updateSettings(
    em: EntityManager,
    id: string,
    patch: Partial<Pick<PaymentSettings, 'checkoutUrl' | 'refundUrl' | 'updatedAt' | 'updatedByUserId'>>,
  ): Promise<void> {
    await em.getRepository(PaymentSettings).update({ id }, patch);
  }

  /** The current value first, then a previous one still valid at `now`. */
  async validSecrets(em: EntityManager, tenantId: string, provider: SettingsProvider, name: SecretField, now: Date): Promise<PaymentSecret[]> {
    return em
      .getRepository(PaymentSecret)
      .createQueryBuilder('s')
      .where('s.tenant_id = :tenantId AND s.provider = :provider AND s.name = :name', { tenantId, provider, name })
      .andWhere('(s.valid_until IS NULL OR s.valid_until > :now)', { now })
      .orderBy('s.valid_until', 'ASC', 'NULLS FIRST')
      .addOrderBy('s.set_at', 'DESC')
      .getMany();
  }

  /** The current value becomes the previous one, accepted until `validUntil`. */
  async retireCurrent(em: EntityManager, tenantId: string, provider: SettingsProvider, name: SecretField, validUntil: Date): Promise<void> {
    await em.query(`UPDATE payment_secret SET valid_until = $4 WHERE tenant_id = $1 AND provider = $2 AND name = $3 AND valid_until IS NULL`, [
      tenantId,
      provider,
      name,
      validUntil,
    ]);
  }

  /** Forgets previous values (their ciphertext too); returns how many there were. */
  async deletePrevious(em: EntityManager, tenantId: string, provider: SettingsProvider, name: SecretField): Promise<number> {
    const [, n] = await em.query(`DELETE FROM payment_secret WHERE tenant_id = $1 AND provider = $2 AND name = $3 AND valid_until IS NOT NULL`, [
      tenantId,
      provider,
      name,
    ]);
    return Number(n ?? 0);
  }

  async insertSecret(em: EntityManager, row: Omit<PaymentSecret, 'id'>): Promise<void> {
    await em.getRepository(PaymentSecret).insert(row);
  }

  /** Previous values whose grace period is over, across authorities (scheduled clean-up). */
  async deleteExpired(now: Date): Promise<number> {
    const [, n] = await this.ds.query(`DELETE FROM payment_secret WHERE valid_until IS NOT NULL AND valid_until <= $1`, [now]);
    return Number(n ?? 0);
  }
}
