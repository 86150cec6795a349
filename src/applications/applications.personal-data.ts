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
import { PersonalDataRegistry } from '../privacy/personal-data.js';
import { deleteFilesOf } from '../storage/storage.personal-data.js';

/**
 * Applications: what an applicant wrote and who they are. An erased or expired application keeps what
 * the programme's figures and the jury's results rest on (its receipt number, status, decision, title,
 * category, goal and place); the person (name, e-mail, phone, organisation, answers, files) goes.
 */
@Injectable()
export class ApplicationsPersonalData implements PersonalDataHolder, OnModuleInit {
  readonly name = 'applications';
  readonly covers = [
    { table: 'application', columns: ['applicant_user_id', 'applicant_name', 'organisation', 'email', 'phone', 'answers', 'summary', 'correction_message'] },
    { table: 'application_comment', columns: ['body'] },
    { table: 'application_contact_email', columns: ['email'] },
  ];

  constructor(private readonly registry: PersonalDataRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    const apps = await em.query(
      `SELECT id, programme_id AS "programmeId", receipt_number AS "receiptNumber", status, screening, screening_reason AS "screeningReason",
              title, summary, category, goal_cents::int AS "goalCents", commune, postcode, applicant_name AS "applicantName", organisation,
              email, phone, consent, answers, locale, submitted_at AS "submittedAt", created_at AS "createdAt"
         FROM application WHERE tenant_id = $1 AND (applicant_user_id = $2 OR lower(email) = $3) ORDER BY created_at`,
      [s.tenantId, s.userId, s.emailKey],
    );
    const ids = apps.map((a: { id: string }) => a.id);
    const contacts = await em.query(
      `SELECT application_id AS "applicationId", email, confirmed_at AS "confirmedAt", created_at AS "createdAt"
         FROM application_contact_email WHERE tenant_id = $1 AND (application_id = ANY($2::uuid[]) OR lower(email) = $3) ORDER BY created_at`,
      [s.tenantId, ids, s.emailKey],
    );
    return [
      { name: 'applications', rows: apps },
      { name: 'applicationContacts', rows: contacts },
    ];
  }

  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    const rows: Array<{ id: string }> = await em.query(`SELECT id FROM application WHERE tenant_id = $1 AND (applicant_user_id = $2 OR lower(email) = $3)`, [
      s.tenantId,
      s.userId,
      s.emailKey,
    ]);
    const counts = await this.forget(
      em,
      s.tenantId,
      rows.map((r) => r.id),
      'erasure',
      { name: s.pseudonym, email: erasedEmail(s) },
    );
    counts.push(
      await changedRows(em, 'erasure', 'application_contact_email', `DELETE FROM application_contact_email WHERE tenant_id = $1 AND lower(email) = $2`, [
        s.tenantId,
        s.emailKey,
      ]),
    );
    return counts;
  }

  /**
   * Removes the person from these applications (erasure, or retention once their period is over):
   * staff's notes on them and the contact addresses go, the files are deleted, the summary goes unless
   * the project became a laureate's public campaign (then the campaign's own pages hold it).
   */
  async forget(
    em: EntityManager,
    tenantId: string,
    ids: string[],
    kind: string,
    replacement: { name: string; email: string } | null = null,
    keepSummaryOf: string[] = [],
  ): Promise<RetentionCount[]> {
    if (!ids.length) return [{ kind, table: 'application', rows: 0 }];
    const name = replacement?.name ?? '';
    return [
      await changedRows(
        em,
        kind,
        'application',
        `UPDATE application
            SET applicant_name = $3, email = CASE WHEN $4::text IS NULL THEN 'erased-' || substr(md5(id::text), 1, 12) || '@invalid' ELSE $4 END,
                phone = '', organisation = '', answers = '{}'::jsonb, correction_message = NULL,
                summary = CASE WHEN id = ANY($5::uuid[]) THEN summary ELSE '' END
          WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
        [tenantId, ids, name, replacement?.email ?? null, keepSummaryOf],
      ),
      await changedRows(em, kind, 'application_comment', `DELETE FROM application_comment WHERE tenant_id = $1 AND application_id = ANY($2::uuid[])`, [
        tenantId,
        ids,
      ]),
      await changedRows(
        em,
        kind,
        'application_contact_email',
        `DELETE FROM application_contact_email WHERE tenant_id = $1 AND application_id = ANY($2::uuid[])`,
        [tenantId, ids],
      ),
      await deleteFilesOf(em, tenantId, 'application', ids),
    ];
  }

  /**
   * Applications of these programmes not yet forgotten by retention or erasure: all but `except`, or
   * only those in `only` when it is given.
   */
  async notForgotten(em: EntityManager, tenantId: string, programmeIds: string[], except: string[], only?: string[]): Promise<string[]> {
    if (!programmeIds.length || (only && !only.length)) return [];
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM application
        WHERE tenant_id = $1 AND programme_id = ANY($2::uuid[]) AND NOT (id = ANY($3::uuid[]))
          AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[])) AND email NOT LIKE 'erased-%@invalid'`,
      [tenantId, programmeIds, except, only ?? null],
    );
    return rows.map((r) => r.id);
  }
}
