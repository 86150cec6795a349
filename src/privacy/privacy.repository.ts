import type { RetentionCount } from '../common/privacy/personal-data-holder.js';
import { changedRows } from '../common/privacy/changed-rows.js';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { Consent, LegalPage, PrivacySettings, type LegalPageKind } from './privacy.entity.js';

/** The privacy module's tables; every query names the tenant. */
@Injectable()
export class PrivacyRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  settings(tenantId: string, em: EntityManager = this.ds.manager): Promise<PrivacySettings | null> {
    return em.getRepository(PrivacySettings).findOneBy({ tenantId });
  }

  /** Creates the row on first save and locks it: two saves at once happen one after the other. */
  async lockSettings(em: EntityManager, tenantId: string): Promise<PrivacySettings> {
    await em.query(`INSERT INTO privacy_settings (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING`, [tenantId]);
    return (await em
      .getRepository(PrivacySettings)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.tenant_id = :tenantId', { tenantId })
      .getOne())!;
  }

  async updateSettings(em: EntityManager, tenantId: string, patch: Partial<PrivacySettings>): Promise<void> {
    await em.getRepository(PrivacySettings).update({ tenantId }, patch);
  }

  /** The latest version of a page, or the given one. */
  page(tenantId: string, kind: LegalPageKind, scopeKey: string, version?: number, em: EntityManager = this.ds.manager): Promise<LegalPage | null> {
    return em.getRepository(LegalPage).findOne({ where: { tenantId, kind, scopeKey, ...(version ? { version } : {}) }, order: { version: 'DESC' } });
  }

  versions(tenantId: string, kind: LegalPageKind, scopeKey: string): Promise<LegalPage[]> {
    return this.ds.getRepository(LegalPage).find({ where: { tenantId, kind, scopeKey }, order: { version: 'DESC' } });
  }

  /**
   * The next version of a page: the per-page advisory lock orders two publications at once, the unique
   * key is the last line of defence.
   */
  async insertVersion(em: EntityManager, row: Omit<LegalPage, 'id' | 'version'>): Promise<LegalPage> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`legal_page:${row.tenantId}:${row.kind}:${row.scopeKey}`]);
    const [{ next }] = (await em.query(`SELECT COALESCE(MAX(version), 0) + 1 AS next FROM legal_page WHERE tenant_id = $1 AND kind = $2 AND scope_key = $3`, [
      row.tenantId,
      row.kind,
      row.scopeKey,
    ])) as Array<{ next: number }>;
    return em.getRepository(LegalPage).save(em.getRepository(LegalPage).create({ ...row, version: Number(next) }));
  }

  async insertConsent(em: EntityManager, row: Omit<Consent, 'id' | 'withdrawnAt'>): Promise<Consent> {
    return em.getRepository(Consent).save(em.getRepository(Consent).create({ ...row, withdrawnAt: null }));
  }

  /** The consents still in force for a purpose and scope (NULL scope columns: the authority-wide one). */
  activeConsents(
    em: EntityManager,
    tenantId: string,
    emailKey: string,
    purpose: string,
    programmeId: string | null,
    campaignId: string | null,
  ): Promise<Consent[]> {
    return em.getRepository(Consent).find({
      where: { tenantId, emailKey, purpose, programmeId: programmeId ?? IsNull(), campaignId: campaignId ?? IsNull(), withdrawnAt: IsNull() },
    });
  }

  /** A person's consents: under their account or their e-mail, newest first. */
  consentsOf(tenantId: string, userId: string | null, emailKey: string): Promise<Consent[]> {
    const qb = this.ds
      .getRepository(Consent)
      .createQueryBuilder('c')
      .where('c.tenant_id = :tenantId', { tenantId })
      .andWhere(userId ? '(c.email_key = :emailKey OR c.user_id = :userId)' : 'c.email_key = :emailKey', { emailKey, userId })
      .orderBy('c.given_at', 'DESC');
    return qb.getMany();
  }

  /** Withdraws one of a person's consents; false when it is not theirs or already withdrawn. */
  async withdraw(em: EntityManager, tenantId: string, id: string, userId: string | null, emailKey: string, now: Date): Promise<boolean> {
    const [, n] = await em.query(
      `UPDATE consent SET withdrawn_at = $5 WHERE tenant_id = $1 AND id = $2 AND withdrawn_at IS NULL AND (email_key = $4 OR ($3::uuid IS NOT NULL AND user_id = $3))`,
      [tenantId, id, userId, emailKey, now],
    );
    return Number(n ?? 0) > 0;
  }

  /** The e-mail keys among `emailKeys` with a consent in force for a purpose on a campaign. */
  async consentingKeys(
    tenantId: string,
    purpose: string,
    campaignId: string,
    emailKeys: readonly string[],
    em: EntityManager = this.ds.manager,
  ): Promise<Set<string>> {
    if (!emailKeys.length) return new Set();
    const rows = (await em.query(
      `SELECT DISTINCT email_key FROM consent WHERE tenant_id = $1 AND purpose = $2 AND campaign_id = $3 AND withdrawn_at IS NULL AND email_key = ANY($4)`,
      [tenantId, purpose, campaignId, emailKeys],
    )) as Array<{ email_key: string }>;
    return new Set(rows.map((r) => r.email_key));
  }

  async forgetCampaignConsents(em: EntityManager, tenantId: string, campaignIds: string[], dryRun: boolean): Promise<RetentionCount> {
    const where = `tenant_id = $1 AND campaign_id = ANY($2::uuid[])`;
    if (dryRun) {
      const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM consent WHERE ${where}`, [tenantId, campaignIds]);
      return { kind: 'contributorContacts', table: 'consent', rows: n };
    }
    return changedRows(em, 'contributorContacts', 'consent', `DELETE FROM consent WHERE ${where}`, [tenantId, campaignIds]);
  }
}
