import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedRows } from '../common/privacy/changed-rows.js';
import type { DataSubject, PersonalDataHolder, PersonalDataSection, RetentionCount } from '../common/privacy/personal-data-holder.js';

/**
 * The audit log is kept whole (it is the authority's proof of what was done): entries stay, the
 * person's account becomes their pseudonym, and their e-mail and names are replaced by it inside the
 * entries' details.
 */
@Injectable()
export class AuditPersonalData implements PersonalDataHolder {
  readonly name = 'audit';
  readonly covers = [{ table: 'audit_entry', columns: ['actor_user_id', 'data'] }];

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    if (!s.userId) return [];
    const rows = await em.query(`SELECT at, action, subject_type AS "subjectType" FROM audit_entry WHERE tenant_id = $1 AND actor_user_id = $2 ORDER BY id`, [
      s.tenantId,
      s.userId,
    ]);
    return [{ name: 'actionsRecorded', rows }];
  }

  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    const counts: RetentionCount[] = [];
    const words = [...new Set([s.emailKey, ...s.names].map((w) => w.trim()).filter((w) => w.length >= 3))];
    for (const word of words) {
      // Matched in the JSON text as JSON writes it, case-insensitively (an e-mail may have been typed in capitals).
      const pattern = escapeRegExp(JSON.stringify(word).slice(1, -1));
      counts.push(
        await changedRows(
          em,
          'erasure',
          'audit_entry',
          `UPDATE audit_entry SET data = regexp_replace(data::text, $2, $3, 'gi')::jsonb WHERE tenant_id = $1 AND data::text ~* $2`,
          [s.tenantId, pattern, s.pseudonym],
        ),
      );
    }
    return counts;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
