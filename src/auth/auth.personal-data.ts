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

/** Accounts: the person's own account, roles and credentials (secrets are never exported). */
@Injectable()
export class AuthPersonalData implements PersonalDataHolder {
  readonly name = 'auth';
  readonly covers = [
    { table: 'app_user', columns: ['email', 'display_name', 'password_hash', 'locale'] },
    { table: 'role_grant', columns: ['user_id'] },
    { table: 'web_session', columns: ['user_id'] },
    { table: 'sign_in_link', columns: ['user_id', 'redirect_to'] },
    { table: 'api_token', columns: ['user_id', 'name'] },
  ];

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    if (!s.userId) return [];
    const q = (sql: string) => em.query(sql, [s.tenantId, s.userId]);
    return [
      {
        name: 'account',
        rows: await q(`SELECT email, display_name AS "displayName", locale, password_hash IS NOT NULL AS "hasPassword", created_at AS "createdAt"
                       FROM app_user WHERE tenant_id = $1 AND id = $2`),
      },
      { name: 'roles', rows: await q(`SELECT role, programme_id AS "programmeId" FROM role_grant WHERE tenant_id = $1 AND user_id = $2 ORDER BY role`) },
      {
        name: 'sessions',
        rows: await q(`SELECT created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt"
                       FROM web_session WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`),
      },
      {
        name: 'signInLinks',
        rows: await q(`SELECT created_at AS "createdAt", expires_at AS "expiresAt", used_at AS "usedAt"
                       FROM sign_in_link WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`),
      },
      {
        name: 'apiTokens',
        rows: await q(`SELECT name, created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"
                       FROM api_token WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`),
      },
    ];
  }

  /** The account stays (ballots, decisions and audit entries point to it) under the pseudonym; every way in is removed. */
  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    if (!s.userId) return [];
    const counts: RetentionCount[] = [];
    for (const table of ['web_session', 'sign_in_link', 'api_token', 'role_grant']) {
      counts.push(await changedRows(em, 'erasure', table, `DELETE FROM ${table} WHERE tenant_id = $1 AND user_id = $2`, [s.tenantId, s.userId]));
    }
    const sql = `UPDATE app_user SET email = $3, display_name = $4, password_hash = NULL, locale = NULL WHERE tenant_id = $1 AND id = $2`;
    counts.push(await changedRows(em, 'erasure', 'app_user', sql, [s.tenantId, s.userId, erasedEmail(s), s.pseudonym]));
    return counts;
  }
}
