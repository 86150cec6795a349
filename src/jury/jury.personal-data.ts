import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicationsPersonalData } from '../applications/applications.personal-data.js';
import { changedRows } from '../common/privacy/changed-rows.js';
import {
  type DataSubject,
  erasedEmail,
  type PersonalDataHolder,
  type PersonalDataSection,
  type RetentionCount,
} from '../common/privacy/personal-data-holder.js';
import { anchorCutoff, type RetentionPeriods } from '../common/privacy/retention.js';
import { PersonalDataRegistry } from '../privacy/personal-data.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';

/**
 * Jurors' data (membership, conflicts, ballots' comments, private notes) and the retention of
 * applications, which only the jury can sort into laureates and the others. Scores, ranks and
 * comparisons stay: the results rest on them, and they name no one once the juror is a pseudonym.
 */
@Injectable()
export class JuryPersonalData implements PersonalDataHolder, OnModuleInit {
  readonly name = 'jury';
  readonly covers = [
    { table: 'jury_member', columns: ['user_id', 'display_name', 'email', 'organisation'] },
    { table: 'jury_conflict', columns: ['reason'] },
    { table: 'jury_ballot', columns: ['comment'] },
    { table: 'jury_ballot_event', columns: ['data'] },
    { table: 'jury_note', columns: ['body'] },
    { table: 'jury_outcome', columns: ['withdrawn_reason'] },
  ];

  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly applications: ApplicationsPersonalData,
    private readonly programmes: ProgrammesRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    if (!s.userId) return [];
    const p = [s.tenantId, s.userId];
    const member = `SELECT id FROM jury_member WHERE tenant_id = $1 AND user_id = $2`;
    return [
      {
        name: 'juryMemberships',
        rows: await em.query(
          `SELECT programme_id AS "programmeId", display_name AS "displayName", email, organisation, weight, created_at AS "createdAt"
             FROM jury_member WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
          p,
        ),
      },
      {
        name: 'juryConflicts',
        rows: await em.query(
          `SELECT programme_id AS "programmeId", application_id AS "applicationId", reason, created_at AS "createdAt"
             FROM jury_conflict WHERE tenant_id = $1 AND member_id IN (${member}) ORDER BY created_at`,
          p,
        ),
      },
      {
        name: 'juryBallots',
        rows: await em.query(
          `SELECT programme_id AS "programmeId", application_id AS "applicationId", scores, rank, comment, updated_at AS "updatedAt"
             FROM jury_ballot WHERE tenant_id = $1 AND member_id IN (${member}) ORDER BY updated_at`,
          p,
        ),
      },
      {
        name: 'juryNotes',
        rows: await em.query(
          `SELECT application_id AS "applicationId", body, updated_at AS "updatedAt" FROM jury_note WHERE tenant_id = $1 AND member_id IN (${member}) ORDER BY updated_at`,
          p,
        ),
      },
    ];
  }

  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    if (!s.userId) return [];
    const p = [s.tenantId, s.userId];
    const member = `SELECT id FROM jury_member WHERE tenant_id = $1 AND user_id = $2`;
    return [
      await changedRows(em, 'erasure', 'jury_note', `DELETE FROM jury_note WHERE tenant_id = $1 AND member_id IN (${member})`, p),
      await changedRows(
        em,
        'erasure',
        'jury_ballot',
        `UPDATE jury_ballot SET comment = '' WHERE tenant_id = $1 AND member_id IN (${member}) AND comment <> ''`,
        p,
      ),
      await changedRows(
        em,
        'erasure',
        'jury_conflict',
        `UPDATE jury_conflict SET reason = '' WHERE tenant_id = $1 AND member_id IN (${member}) AND reason <> ''`,
        p,
      ),
      await changedRows(
        em,
        'erasure',
        'jury_ballot_event',
        `UPDATE jury_ballot_event SET data = data - 'reason' - 'comment' WHERE tenant_id = $1 AND member_id IN (${member}) AND (data ? 'reason' OR data ? 'comment')`,
        p,
      ),
      await changedRows(
        em,
        'erasure',
        'jury_outcome',
        `UPDATE jury_outcome SET withdrawn_reason = '' WHERE tenant_id = $1 AND withdrawn_by = $2 AND withdrawn_reason <> ''`,
        p,
      ),
      await changedRows(
        em,
        'erasure',
        'jury_member',
        `UPDATE jury_member SET display_name = $3, email = $4, organisation = '' WHERE tenant_id = $1 AND user_id = $2`,
        [...p, s.pseudonym, erasedEmail(s)],
      ),
    ];
  }

  async expire(em: EntityManager, tenantId: string, periods: RetentionPeriods, now: Date, dryRun: boolean): Promise<RetentionCount[]> {
    const counts: RetentionCount[] = [];
    const unselected = await this.programmes.enteredBefore(em, tenantId, 'results', anchorCutoff(now, periods.unselectedApplications));
    const laureates = await this.programmes.enteredBefore(em, tenantId, 'results', anchorCutoff(now, periods.laureateApplications));
    const laureateIds = await this.laureateApplicationIds(em, tenantId, [...new Set([...unselected, ...laureates].map((p) => p.programmeId))]);
    const others = await this.applications.notForgotten(
      em,
      tenantId,
      unselected.map((p) => p.programmeId),
      laureateIds,
    );
    const elders = await this.applications.notForgotten(
      em,
      tenantId,
      laureates.map((p) => p.programmeId),
      [],
      laureateIds,
    );
    if (dryRun) {
      counts.push({ kind: 'unselectedApplications', table: 'application', rows: others.length });
      counts.push({ kind: 'laureateApplications', table: 'application', rows: elders.length });
    } else {
      counts.push(...(await this.applications.forget(em, tenantId, others, 'unselectedApplications')));
      counts.push(...(await this.applications.forget(em, tenantId, elders, 'laureateApplications')));
    }
    const cutoff = anchorCutoff(now, periods.juryNotes);
    const announced = `SELECT m.id FROM jury_member m JOIN jury j ON j.tenant_id = m.tenant_id AND j.programme_id = m.programme_id
                        WHERE m.tenant_id = $1 AND j.announced_at < $2`;
    if (dryRun) {
      const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM jury_note WHERE tenant_id = $1 AND member_id IN (${announced})`, [tenantId, cutoff]);
      const [{ c }] = await em.query(`SELECT count(*)::int AS c FROM jury_ballot WHERE tenant_id = $1 AND comment <> '' AND member_id IN (${announced})`, [
        tenantId,
        cutoff,
      ]);
      counts.push({ kind: 'juryNotes', table: 'jury_note', rows: n }, { kind: 'juryNotes', table: 'jury_ballot', rows: c });
    } else {
      counts.push(
        await changedRows(em, 'juryNotes', 'jury_note', `DELETE FROM jury_note WHERE tenant_id = $1 AND member_id IN (${announced})`, [tenantId, cutoff]),
      );
      counts.push(
        await changedRows(
          em,
          'juryNotes',
          'jury_ballot',
          `UPDATE jury_ballot SET comment = '' WHERE tenant_id = $1 AND comment <> '' AND member_id IN (${announced})`,
          [tenantId, cutoff],
        ),
      );
    }
    return counts;
  }

  private async laureateApplicationIds(em: EntityManager, tenantId: string, programmeIds: string[]): Promise<string[]> {
    if (!programmeIds.length) return [];
    const rows: Array<{ id: string }> = await em.query(
      `SELECT application_id AS id FROM jury_outcome WHERE tenant_id = $1 AND programme_id = ANY($2::uuid[]) AND status = 'laureate'`,
      [tenantId, programmeIds],
    );
    return rows.map((r) => r.id);
  }
}
