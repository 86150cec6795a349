import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedRows } from '../common/privacy/changed-rows.js';
import {
  type DataSubject,
  erasedEmail,
  type PersonalDataHolder,
  type PersonalDataSection,
  type RetentionCount,
} from '../common/privacy/personal-data-holder.js';
import type { RetentionPeriods } from '../common/privacy/retention.js';
import { anchorCutoff } from '../common/privacy/retention.js';

/** E-mails sent to a person: which ones and when (their content was rendered from data exported elsewhere). */
@Injectable()
export class NotificationsPersonalData implements PersonalDataHolder {
  readonly name = 'notifications';
  readonly covers = [
    { table: 'outbox_message', columns: ['to_address', 'to_name', 'payload'] },
    { table: 'email_suppression', columns: ['email_key'] },
  ];

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    const rows = await em.query(
      `SELECT template, locale, to_address AS "to", status, created_at AS "createdAt", sent_at AS "sentAt"
         FROM outbox_message WHERE tenant_id = $1 AND lower(to_address) = $2 ORDER BY created_at`,
      [s.tenantId, s.emailKey],
    );
    const unsubscribed = await em.query(
      `SELECT stream, scope_id AS "scopeId", created_at AS "createdAt" FROM email_suppression WHERE tenant_id = $1 AND email_key = $2 ORDER BY created_at`,
      [s.tenantId, s.emailKey],
    );
    return [
      { name: 'emails', rows },
      { name: 'unsubscribed', rows: unsubscribed },
    ];
  }

  /** Unsent e-mails to the person are dropped; sent ones keep their template and date, not the address or content. */
  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    return [
      await changedRows(em, 'erasure', 'email_suppression', `DELETE FROM email_suppression WHERE tenant_id = $1 AND email_key = $2`, [s.tenantId, s.emailKey]),
      await changedRows(em, 'erasure', 'outbox_message', `DELETE FROM outbox_message WHERE tenant_id = $1 AND lower(to_address) = $2 AND status <> 'sent'`, [
        s.tenantId,
        s.emailKey,
      ]),
      await changedRows(
        em,
        'erasure',
        'outbox_message',
        `UPDATE outbox_message SET to_address = $3, to_name = NULL, payload = '{}'::jsonb,
               dedupe_key = replace(dedupe_key, $2, $3) -- the key may name the address; it must still stop a second sending
          WHERE tenant_id = $1 AND lower(to_address) = $2`,
        [s.tenantId, s.emailKey, erasedEmail(s)],
      ),
    ];
  }

  /** Sent e-mails older than the period lose their address and content (the count of e-mails sent stays). */
  async expire(em: EntityManager, tenantId: string, periods: RetentionPeriods, now: Date, dryRun: boolean): Promise<RetentionCount[]> {
    const cutoff = anchorCutoff(now, periods.sentEmails);
    const where = `tenant_id = $1 AND status = 'sent' AND sent_at < $2 AND to_address NOT LIKE 'erased-%@invalid'`;
    if (dryRun) {
      const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM outbox_message WHERE ${where}`, [tenantId, cutoff]);
      return [{ kind: 'sentEmails', table: 'outbox_message', rows: n }];
    }
    return [
      await changedRows(
        em,
        'sentEmails',
        'outbox_message',
        `UPDATE outbox_message SET to_address = x.erased, to_name = NULL, payload = '{}'::jsonb, dedupe_key = replace(dedupe_key, lower(to_address), x.erased)
           FROM (SELECT id, 'erased-' || substr(md5(id::text), 1, 12) || '@invalid' AS erased FROM outbox_message WHERE ${where}) x
          WHERE outbox_message.id = x.id`,
        [tenantId, cutoff],
      ),
    ];
  }
}
