import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type PersonContact, PeopleQuery } from '../auth/people.query.js';
import { CoachingLaureate, CoachingMilestone, CoachingPlan, CoachingSession, type StoredMilestone } from './coaching.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

/** A laureate with their person and project, for lists. */
export interface LaureateRow extends CoachingLaureate {
  title: string;
  /** The language the project's title is written in (its application's). */
  titleLang: Locale;
  category: string | null;
  receiptNumber: string | null;
  displayName: string;
  email: string;
  locale: Locale;
  coachName: string | null;
  coachEmail: string | null;
  coachLocale: Locale | null;
}

/** Every query of the coaching module; each takes the tenant id, so another tenant's ids find nothing. */
@Injectable()
export class CoachingRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly people: PeopleQuery,
  ) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  plan(em: EntityManager, tenantId: string, programmeId: string): Promise<CoachingPlan | null> {
    return em.getRepository(CoachingPlan).findOneBy({ tenantId, programmeId });
  }

  /** The plan row, created empty on first use and locked (concurrent first uses end with one row). */
  async ensurePlan(em: EntityManager, tenantId: string, programmeId: string): Promise<CoachingPlan> {
    await em.query(`INSERT INTO coaching_plan (tenant_id, programme_id) VALUES ($1, $2) ON CONFLICT (tenant_id, programme_id) DO NOTHING`, [
      tenantId,
      programmeId,
    ]);
    return (await em
      .getRepository(CoachingPlan)
      .createQueryBuilder('p')
      .where('p.tenant_id = :tenantId AND p.programme_id = :programmeId', { tenantId, programmeId })
      .setLock('pessimistic_write')
      .getOne())!;
  }

  async updatePlan(em: EntityManager, id: string, patch: Partial<CoachingPlan>): Promise<void> {
    await em.getRepository(CoachingPlan).update({ id }, patch as never);
  }

  // architecture exception: lists of laureates join `application` for the project's title, category and
  // language, and sort by its receipt number, in the one query that pages read. They also keep only
  // those still laureates (`jury_outcome`): one withdrawn after enrolment keeps their coaching row and
  // work (nothing is deleted) but leaves every list, count, reminder and the readiness rule at once.
  private laureateQuery(em: EntityManager) {
    return em
      .getRepository(CoachingLaureate)
      .createQueryBuilder('l')
      .innerJoin('application', 'a', 'a.id = l.application_id')
      .innerJoin('jury_outcome', 'jo', "jo.application_id = l.application_id AND jo.status = 'laureate'")
      .addSelect(['a.title AS a_title', 'a.category AS a_category', 'a.receipt_number AS a_receipt', 'a.locale AS a_locale']);
  }

  /** The rows with their person and coach, whose contacts the auth module gives (per tenant: reminders span tenants). */
  private async laureateRows(em: EntityManager, qb: ReturnType<CoachingRepository['laureateQuery']>): Promise<LaureateRow[]> {
    const { entities, raw } = await qb.orderBy('a.receipt_number', 'ASC').addOrderBy('l.id', 'ASC').getRawAndEntities();
    const people = new Map<string, PersonContact>();
    for (const tenantId of new Set(entities.map((e) => e.tenantId))) {
      const ids = entities.filter((e) => e.tenantId === tenantId).flatMap((e) => (e.coachUserId ? [e.userId, e.coachUserId] : [e.userId]));
      for (const person of await this.people.contacts(em, tenantId, ids)) people.set(person.id, person);
    }
    return entities
      .filter((e) => people.has(e.userId))
      .map((e) => {
        const r = raw.find((x: Record<string, unknown>) => x.l_id === e.id) as Record<string, string | null>;
        const u = people.get(e.userId)!;
        const c = e.coachUserId ? people.get(e.coachUserId) : undefined;
        return Object.assign(e, {
          title: r.a_title ?? '',
          titleLang: (r.a_locale ?? 'fr') as Locale,
          category: r.a_category,
          receiptNumber: r.a_receipt,
          displayName: u.displayName ?? '',
          email: u.email ?? '',
          locale: (u.locale ?? r.a_locale ?? 'fr') as Locale,
          coachName: c?.displayName ?? null,
          coachEmail: c?.email ?? null,
          coachLocale: (c?.locale ?? null) as Locale | null,
        });
      });
  }

  laureates(em: EntityManager, tenantId: string, programmeId: string, filter: { coachUserId?: string; userId?: string } = {}): Promise<LaureateRow[]> {
    const qb = this.laureateQuery(em).where('l.tenant_id = :tenantId AND l.programme_id = :programmeId', { tenantId, programmeId });
    if (filter.coachUserId) qb.andWhere('l.coach_user_id = :coach', { coach: filter.coachUserId });
    if (filter.userId) qb.andWhere('l.user_id = :user', { user: filter.userId });
    return this.laureateRows(em, qb);
  }

  async laureate(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<LaureateRow | null> {
    if (!isUuid(id)) return null;
    const rows = await this.laureateRows(
      em,
      this.laureateQuery(em).where('l.tenant_id = :tenantId AND l.programme_id = :programmeId AND l.id = :id', { tenantId, programmeId, id }),
    );
    return rows[0] ?? null;
  }

  /** Every laureate of these programmes (those still in coaching: reminders run for them), across tenants. */
  async remindable(em: EntityManager, programmeIds: readonly string[]): Promise<LaureateRow[]> {
    if (!programmeIds.length) return [];
    return this.laureateRows(em, this.laureateQuery(em).where('l.programme_id IN (:...programmeIds)', { programmeIds }));
  }

  async byFeedToken(em: EntityManager, tenantId: string, tokenHash: string): Promise<LaureateRow | null> {
    const rows = await this.laureateRows(
      em,
      this.laureateQuery(em).where('l.tenant_id = :tenantId AND l.feed_token_hash = :tokenHash', { tenantId, tokenHash }),
    );
    return rows[0] ?? null;
  }

  /** Enrols the laureates (once each): they get a coaching row, with no coach yet. */
  async enrol(em: EntityManager, tenantId: string, programmeId: string, laureates: ReadonlyArray<{ applicationId: string; userId: string }>): Promise<void> {
    for (const s of laureates) {
      await em.query(
        `INSERT INTO coaching_laureate (tenant_id, programme_id, application_id, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING`,
        [tenantId, programmeId, s.applicationId, s.userId],
      );
    }
  }

  async updateLaureate(em: EntityManager, id: string, patch: Partial<CoachingLaureate>): Promise<void> {
    await em.getRepository(CoachingLaureate).update({ id }, patch as never);
  }

  milestones(em: EntityManager, tenantId: string, laureateIds: string[]): Promise<CoachingMilestone[]> {
    if (!laureateIds.length) return Promise.resolve([]);
    return em
      .getRepository(CoachingMilestone)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.laureate_id IN (:...laureateIds)', { tenantId, laureateIds })
      .orderBy('m.at', 'ASC')
      .addOrderBy('m.milestone_key', 'ASC')
      .getMany();
  }

  milestone(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<CoachingMilestone | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return em.getRepository(CoachingMilestone).findOneBy({ tenantId, programmeId, id });
  }

  /** One milestone row, locked for a change. */
  lockMilestone(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<CoachingMilestone | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return em
      .getRepository(CoachingMilestone)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.programme_id = :programmeId AND m.id = :id', { tenantId, programmeId, id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * A laureate's milestone from the plan, upserted by its plan id: definition changes reach pending and
   * reviewed rows alike (their status is kept); nothing is written when nothing changed.
   */
  async upsertMilestone(em: EntityManager, tenantId: string, programmeId: string, laureateId: string, m: StoredMilestone, at: Date): Promise<void> {
    await em.query(
      `INSERT INTO coaching_milestone (tenant_id, programme_id, laureate_id, milestone_key, kind, title, description, required, at,
         duration_minutes, location, evidence_kind)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12)
       ON CONFLICT (laureate_id, milestone_key) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
         required = EXCLUDED.required, at = EXCLUDED.at, duration_minutes = EXCLUDED.duration_minutes, location = EXCLUDED.location,
         evidence_kind = EXCLUDED.evidence_kind, kind = EXCLUDED.kind, version = coaching_milestone.version + 1
       WHERE (coaching_milestone.status = 'pending' OR coaching_milestone.kind = EXCLUDED.kind)
         AND (coaching_milestone.title, coaching_milestone.description, coaching_milestone.required, coaching_milestone.at,
              coaching_milestone.duration_minutes, coaching_milestone.location, coaching_milestone.evidence_kind, coaching_milestone.kind)
         IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.description, EXCLUDED.required, EXCLUDED.at, EXCLUDED.duration_minutes,
              EXCLUDED.location, EXCLUDED.evidence_kind, EXCLUDED.kind)`,
      [
        tenantId,
        programmeId,
        laureateId,
        m.id,
        m.kind,
        JSON.stringify(m.title),
        JSON.stringify(m.description ?? {}),
        m.required,
        at,
        m.durationMinutes ?? null,
        m.location ? JSON.stringify(m.location) : null,
        m.kind === 'deliverable' ? m.evidence : null,
      ],
    );
  }

  /** Drops the laureate's milestones no longer in the plan, unless work was handed in for them. */
  async dropMilestonesNotIn(em: EntityManager, tenantId: string, laureateId: string, keys: string[]): Promise<void> {
    await em.query(
      `DELETE FROM coaching_milestone WHERE tenant_id = $1 AND laureate_id = $2 AND NOT (milestone_key = ANY($3)) AND evidence IS NULL AND status = 'pending'`,
      [tenantId, laureateId, keys],
    );
  }

  async updateMilestone(em: EntityManager, id: string, patch: Partial<CoachingMilestone>): Promise<void> {
    await em.getRepository(CoachingMilestone).update({ id }, patch as never);
  }

  /** Every laureate's row of one session of the plan (by its plan id), locked when `lock`. */
  sessionRows(em: EntityManager, tenantId: string, programmeId: string, key: string, lock = false): Promise<CoachingMilestone[]> {
    const qb = em
      .getRepository(CoachingMilestone)
      .createQueryBuilder('m')
      .where("m.tenant_id = :tenantId AND m.programme_id = :programmeId AND m.milestone_key = :key AND m.kind = 'session'", { tenantId, programmeId, key })
      .orderBy('m.id', 'ASC');
    if (lock) qb.setLock('pessimistic_write');
    return qb.getMany();
  }

  /** The programme's invited sessions (current and cancelled). */
  sessions(em: EntityManager, tenantId: string, programmeId: string): Promise<CoachingSession[]> {
    return em.getRepository(CoachingSession).find({ where: { tenantId, programmeId }, order: { milestoneKey: 'ASC' } });
  }

  /** A session's invitation row, created on first use and locked (concurrent first uses end with one row). */
  async ensureSession(em: EntityManager, tenantId: string, programmeId: string, key: string): Promise<CoachingSession> {
    await em.query(
      `INSERT INTO coaching_session (tenant_id, programme_id, milestone_key) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, programme_id, milestone_key) DO NOTHING`,
      [tenantId, programmeId, key],
    );
    return (await em
      .getRepository(CoachingSession)
      .createQueryBuilder('s')
      .where('s.tenant_id = :tenantId AND s.programme_id = :programmeId AND s.milestone_key = :key', { tenantId, programmeId, key })
      .setLock('pessimistic_write')
      .getOne())!;
  }

  async updateSession(em: EntityManager, id: string, patch: Partial<CoachingSession>): Promise<void> {
    await em.getRepository(CoachingSession).update({ id }, patch as never);
  }
}
