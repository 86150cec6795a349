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

/** The person's own requests: kept as the authority's proof that it answered, under the pseudonym once erased. */
@Injectable()
export class PrivacyPersonalData implements PersonalDataHolder {
  readonly name = 'privacy';
  readonly covers = [
    { table: 'privacy_request', columns: ['email_key', 'user_id'] },
    { table: 'consent', columns: ['email_key', 'user_id'] },
  ];

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    const rows = await em.query(
      `SELECT kind, status, source, requested_at AS "requestedAt", due_at AS "dueAt", handled_at AS "handledAt", refusal
         FROM privacy_request WHERE tenant_id = $1 AND email_key = $2 AND status <> 'awaiting_confirmation' ORDER BY requested_at`,
      [s.tenantId, s.emailKey],
    );
    const consents = await em.query(
      `SELECT purpose, programme_id AS "programmeId", campaign_id AS "campaignId", text_version AS "textVersion", source,
              given_at AS "givenAt", withdrawn_at AS "withdrawnAt"
         FROM consent WHERE tenant_id = $1 AND (email_key = $2 OR ($3::uuid IS NOT NULL AND user_id = $3)) ORDER BY given_at`,
      [s.tenantId, s.emailKey, s.userId],
    );
    return [
      { name: 'privacyRequests', rows },
      { name: 'consents', rows: consents },
    ];
  }

  /** Consents go with the person: nothing may be sent to them any more. */
  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    return [
      await changedRows(em, 'erasure', 'consent', `DELETE FROM consent WHERE tenant_id = $1 AND (email_key = $2 OR ($3::uuid IS NOT NULL AND user_id = $3))`, [
        s.tenantId,
        s.emailKey,
        s.userId,
      ]),
      await changedRows(
        em,
        'erasure',
        'privacy_request',
        `UPDATE privacy_request SET email_key = $3, user_id = NULL, token_hash = NULL WHERE tenant_id = $1 AND email_key = $2`,
        [s.tenantId, s.emailKey, erasedEmail(s)],
      ),
    ];
  }
}
