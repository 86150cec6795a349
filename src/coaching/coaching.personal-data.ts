import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedRows } from '../common/privacy/changed-rows.js';
import type { DataSubject, PersonalDataHolder, PersonalDataSection, RetentionCount } from '../common/privacy/personal-data-holder.js';
import { PersonalDataRegistry } from '../privacy/personal-data.js';

/**
 * A laureate's coaching: what they handed in and the coach's feedback on it. Statuses, dates and
 * attendance stay (readiness and the programme's history rest on them); the work itself goes.
 */
@Injectable()
export class CoachingPersonalData implements PersonalDataHolder, OnModuleInit {
  readonly name = 'coaching';
  readonly covers = [
    { table: 'coaching_laureate', columns: ['user_id', 'coach_user_id', 'feed_token_hash'] },
    { table: 'coaching_milestone', columns: ['evidence', 'feedback', 'attendance'] },
  ];

  constructor(private readonly registry: PersonalDataRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    if (!s.userId) return [];
    const p = [s.tenantId, s.userId];
    return [
      {
        name: 'coaching',
        rows: await em.query(
          `SELECT programme_id AS "programmeId", application_id AS "applicationId", reminders_muted AS "remindersMuted", created_at AS "createdAt"
             FROM coaching_laureate WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
          p,
        ),
      },
      {
        name: 'milestones',
        rows: await em.query(
          `SELECT m.programme_id AS "programmeId", m.title, m.kind, m.at, m.status, m.evidence, m.submitted_at AS "submittedAt", m.feedback,
                  m.reviewed_at AS "reviewedAt", m.attendance
             FROM coaching_milestone m JOIN coaching_laureate l ON l.id = m.laureate_id
            WHERE m.tenant_id = $1 AND l.user_id = $2 ORDER BY m.at`,
          p,
        ),
      },
    ];
  }

  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    if (!s.userId) return [];
    const p = [s.tenantId, s.userId];
    return [
      await changedRows(
        em,
        'erasure',
        'coaching_milestone',
        `UPDATE coaching_milestone SET evidence = NULL, feedback = ''
          WHERE tenant_id = $1 AND laureate_id IN (SELECT id FROM coaching_laureate WHERE tenant_id = $1 AND user_id = $2)
            AND (evidence IS NOT NULL OR feedback <> '')`,
        p,
      ),
      await changedRows(
        em,
        'erasure',
        'coaching_laureate',
        `UPDATE coaching_laureate SET feed_token_hash = NULL WHERE tenant_id = $1 AND user_id = $2 AND feed_token_hash IS NOT NULL`,
        p,
      ),
    ];
  }
}
