import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedRows } from '../common/privacy/changed-rows.js';
import {
  type DataSubject,
  erasedEmail,
  type PersonalDataHolder,
  type PersonalDataSection,
  type RetentionCount,
} from '../common/privacy/personal-data-holder.js';
import { anchorCutoff, type RetentionPeriods } from '../common/privacy/retention.js';
import { ConsentService } from '../privacy/consent.service.js';
import { PersonalDataRegistry } from '../privacy/personal-data.js';
import { CampaignPageCache } from './campaign-page.cache.js';

/**
 * Contributors: their contributions keep every amount, match-funding, status and receipt number (the
 * accounts must stay exact); the address becomes a pseudonymous key, the same on every row of the
 * person, so that contributor counts and per-person limits are unchanged, and the name and message go.
 */
@Injectable()
export class CampaignsPersonalData implements PersonalDataHolder, OnModuleInit {
  readonly name = 'campaigns';
  readonly covers = [
    { table: 'contribution', columns: ['email', 'email_key', 'display_name', 'message', 'confirm_token_hash'] },
    { table: 'campaign_backer', columns: ['email_key'] },
    { table: 'campaign_subscriber', columns: ['email', 'email_key'] },
    { table: 'payment_event', columns: ['payload'] },
    { table: 'campaign_update', columns: ['author_user_id'] },
  ];

  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly pages: CampaignPageCache,
    private readonly consents: ConsentService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    const p = [s.tenantId, s.emailKey];
    return [
      {
        name: 'contributions',
        rows: await em.query(
          `SELECT receipt_number AS "receiptNumber", campaign_id AS "campaignId", amount_cents::int AS "amountCents", matched_cents::int AS "matchedCents",
                  status, email, display_name AS "displayName", anonymous, message, locale, provider, created_at AS "createdAt", confirmed_at AS "confirmedAt"
             FROM contribution WHERE tenant_id = $1 AND email_key = $2 ORDER BY created_at`,
          p,
        ),
      },
      {
        name: 'campaignSubscriptions',
        rows: await em.query(
          `SELECT campaign_id AS "campaignId", email, locale, created_at AS "createdAt" FROM campaign_subscriber WHERE tenant_id = $1 AND email_key = $2 ORDER BY created_at`,
          p,
        ),
      },
    ];
  }

  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    const p = [s.tenantId, s.emailKey];
    const pseudo = erasedEmail(s);
    const counts = [
      await changedRows(
        em,
        'erasure',
        'payment_event',
        `UPDATE payment_event SET payload = '{}'::jsonb
          WHERE tenant_id = $1 AND contribution_id IN (SELECT id FROM contribution WHERE tenant_id = $1 AND email_key = $2)`,
        p,
      ),
      await changedRows(
        em,
        'erasure',
        'campaign_backer',
        `UPDATE campaign_backer SET email_key = $3 WHERE email_key = $2 AND campaign_id IN (SELECT id FROM campaign WHERE tenant_id = $1)`,
        [...p, pseudo],
      ),
      await changedRows(
        em,
        'erasure',
        'contribution',
        `UPDATE contribution SET email = $3, email_key = $3, display_name = NULL, anonymous = true, message = '', confirm_token_hash = NULL
          WHERE tenant_id = $1 AND email_key = $2`,
        [...p, pseudo],
      ),
      await changedRows(em, 'erasure', 'campaign_subscriber', `DELETE FROM campaign_subscriber WHERE tenant_id = $1 AND email_key = $2`, p),
    ];
    this.pages.forget(s.tenantId);
    return counts;
  }

  async expire(em: EntityManager, tenantId: string, periods: RetentionPeriods, now: Date, dryRun: boolean): Promise<RetentionCount[]> {
    const settled = `SELECT id FROM campaign WHERE tenant_id = $1 AND settled_at < $2`;
    const due = `tenant_id = $1 AND campaign_id IN (${settled}) AND email NOT LIKE 'erased-%@invalid'`;
    const settledBefore = anchorCutoff(now, periods.contributorContacts);
    const openedBefore = anchorCutoff(now, periods.campaignSubscribers);
    const subscribers = `tenant_id = $1 AND campaign_id IN (SELECT id FROM campaign WHERE tenant_id = $1 AND opened_at < $2)`;
    const settledIds: string[] = (await em.query(settled, [tenantId, settledBefore])).map((r: { id: string }) => r.id);
    const consents = await this.consents.forgetCampaigns(em, tenantId, settledIds, dryRun);
    if (dryRun) {
      const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM contribution WHERE ${due}`, [tenantId, settledBefore]);
      const [{ m }] = await em.query(`SELECT count(*)::int AS m FROM campaign_subscriber WHERE ${subscribers}`, [tenantId, openedBefore]);
      return [
        consents,
        { kind: 'contributorContacts', table: 'contribution', rows: n },
        { kind: 'campaignSubscribers', table: 'campaign_subscriber', rows: m },
      ];
    }
    // One pseudonymous key per person and run, on their contributions and backer rows alike: counts stay exact.
    await em.query(
      `CREATE TEMP TABLE IF NOT EXISTS retention_key_map (email_key text PRIMARY KEY, pseudo text NOT NULL) ON COMMIT DROP;
       TRUNCATE retention_key_map`,
    );
    await em.query(
      `INSERT INTO retention_key_map SELECT k, 'erased-' || substr(md5(random()::text || k), 1, 12) || '@invalid'
         FROM (SELECT DISTINCT email_key AS k FROM contribution WHERE ${due}) d`,
      [tenantId, settledBefore],
    );
    const counts = [
      consents,
      await changedRows(
        em,
        'contributorContacts',
        'payment_event',
        `UPDATE payment_event SET payload = '{}'::jsonb WHERE tenant_id = $1 AND payload <> '{}'::jsonb AND contribution_id IN (SELECT id FROM contribution WHERE ${due})`,
        [tenantId, settledBefore],
      ),
      await changedRows(
        em,
        'contributorContacts',
        'campaign_backer',
        `UPDATE campaign_backer b SET email_key = m.pseudo FROM retention_key_map m WHERE b.email_key = m.email_key AND b.campaign_id IN (${settled})`,
        [tenantId, settledBefore],
      ),
      await changedRows(
        em,
        'contributorContacts',
        'contribution',
        `UPDATE contribution c SET email = m.pseudo, email_key = m.pseudo, display_name = NULL, anonymous = true, message = '', confirm_token_hash = NULL
           FROM retention_key_map m WHERE c.email_key = m.email_key AND ${due}`,
        [tenantId, settledBefore],
      ),
      await changedRows(em, 'campaignSubscribers', 'campaign_subscriber', `DELETE FROM campaign_subscriber WHERE ${subscribers}`, [tenantId, openedBefore]),
    ];
    if (counts.some((c) => c.rows > 0)) this.pages.forget(tenantId);
    return counts;
  }
}
