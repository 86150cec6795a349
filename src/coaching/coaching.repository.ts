import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CoachingLaureate, CoachingMilestone, CoachingPlan } from './coaching.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

/** A laureate with their person and project, for lists. */
export interface LaureateRow extends CoachingLaureate {
  title: string;
  category: string | null;
  receiptNumber: string | null;
  displayName: string;
  email: string;
  locale: 'fr' | 'en';
  coachName: string | null;
  coachEmail: string | null;
}

/** Every query of the coaching module; each takes the tenant id, so another tenant's ids find nothing. */
@Injectable()
export class CoachingRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  plan(em: EntityManager, tenantId: string, programmeId: string): Promise<CoachingPlan | null> {
    return em.getRepository(CoachingPlan).findOneBy({ tenantId, programmeId });
  }

  /** The plan row, created empty on first use and locked (concurrent first uses end with one row). */
  async ensurePlan(em: EntityManager, tenantId: string, programmeId: string): Promise<CoachingPlan> {
    await em.query(
      `INSERT INTO coaching_plan (tenant_id, programme_id) VALUES ($1, $2) ON CONFLICT (tenant_id, programme_id) DO NOTHING`, [tenantId, programmeId],
    );
    return (await em.getRepository(CoachingPlan).createQueryBuilder('p')
      .where('p.tenant_id = :tenantId AND p.programme_id = :programmeId', { tenantId, programmeId })
      .setLock('pessimistic_write').getOne())!;
  }

  async updatePlan(em: EntityManager, id: string, patch: Partial<CoachingPlan>): Promise<void> {
    await em.getRepository(CoachingPlan).update({ id }, patch as never);
  }

  /** People who may coach in a programme: coaches (tenant-wide or of the programme), by e-mail. */
  async coaches(em: EntityManager, tenantId: string, programmeId: string): Promise<Array<{ id: string; displayName: string; email: string }>> {
    return em.query(
      `SELECT DISTINCT u.id, u.display_name AS "displayName", u.email FROM app_user u JOIN role_grant g ON g.user_id = u.id
        WHERE u.tenant_id = $1 AND g.role = 'coach' AND (g.programme_id IS NULL OR g.programme_id = $2) ORDER BY u.email`,
      [tenantId, programmeId],
    );
  }

  async mayCoach(em: EntityManager, tenantId: string, programmeId: string, userId: string): Promise<boolean> {
    const rows = await em.query(
      `SELECT 1 FROM role_grant WHERE tenant_id = $1 AND user_id = $2 AND role IN ('coach', 'staff') AND (programme_id IS NULL OR programme_id = $3) LIMIT 1`,
      [tenantId, userId, programmeId],
    );
    return rows.length > 0;
  }

  private laureateQuery(em: EntityManager) {
    return em.getRepository(CoachingLaureate).createQueryBuilder('l')
      .innerJoin('application', 'a', 'a.id = l.application_id')
      .innerJoin('app_user', 'u', 'u.id = l.user_id')
      .leftJoin('app_user', 'c', 'c.id = l.coach_user_id')
      .addSelect(['a.title AS a_title', 'a.category AS a_category', 'a.receipt_number AS a_receipt', 'a.locale AS a_locale',
        'u.display_name AS u_name', 'u.email AS u_email', 'u.locale AS u_locale', 'c.display_name AS c_name', 'c.email AS c_email']);
  }

  private async laureateRows(qb: ReturnType<CoachingRepository['laureateQuery']>): Promise<LaureateRow[]> {
    const { entities, raw } = await qb.orderBy('a.receipt_number', 'ASC').addOrderBy('l.id', 'ASC').getRawAndEntities();
    return entities.map((e) => {
      const r = raw.find((x: Record<string, unknown>) => x.l_id === e.id) as Record<string, string | null>;
      return Object.assign(e, {
        title: r.a_title ?? '', category: r.a_category, receiptNumber: r.a_receipt, displayName: r.u_name ?? '', email: r.u_email ?? '',
        locale: (r.u_locale ?? r.a_locale ?? 'fr') as 'fr' | 'en', coachName: r.c_name, coachEmail: r.c_email,
      });
    });
  }

  laureates(em: EntityManager, tenantId: string, programmeId: string, filter: { coachUserId?: string; userId?: string } = {}): Promise<LaureateRow[]> {
    const qb = this.laureateQuery(em).where('l.tenant_id = :tenantId AND l.programme_id = :programmeId', { tenantId, programmeId });
    if (filter.coachUserId) qb.andWhere('l.coach_user_id = :coach', { coach: filter.coachUserId });
    if (filter.userId) qb.andWhere('l.user_id = :user', { user: filter.userId });
    return this.laureateRows(qb);
  }

  async laureate(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<LaureateRow | null> {
    if (!isUuid(id)) return null;
    const rows = await this.laureateRows(this.laureateQuery(em)
      .where('l.tenant_id = :tenantId AND l.programme_id = :programmeId AND l.id = :id', { tenantId, programmeId, id }));
    return rows[0] ?? null;
  }

  /** Every laureate of programmes still in coaching (reminders run for them), across tenants. */
  async remindable(em: EntityManager): Promise<LaureateRow[]> {
    return this.laureateRows(this.laureateQuery(em).innerJoin('programme', 'p', 'p.id = l.programme_id')
      .where(`p.phase IN ('coaching', 'communication')`));
  }

  async byFeedToken(em: EntityManager, tenantId: string, tokenHash: string): Promise<LaureateRow | null> {
    const rows = await this.laureateRows(this.laureateQuery(em).where('l.tenant_id = :tenantId AND l.feed_token_hash = :tokenHash', { tenantId, tokenHash }));
    return rows[0] ?? null;
  }

  async updateLaureate(em: EntityManager, id: string, patch: Partial<CoachingLaureate>): Promise<void> {
    await em.getRepository(CoachingLaureate).update({ id }, patch as never);
  }

  milestones(em: EntityManager, tenantId: string, laureateIds: string[]): Promise<CoachingMilestone[]> {
    if (!laureateIds.length) return Promise.resolve([]);
    return em.getRepository(CoachingMilestone).createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.laureate_id IN (:...laureateIds)', { tenantId, laureateIds })
      .orderBy('m.at', 'ASC').addOrderBy('m.milestone_key', 'ASC').getMany();
  }

  milestone(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<CoachingMilestone | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return em.getRepository(CoachingMilestone).findOneBy({ tenantId, programmeId, id });
  }

  /** One milestone row, locked for a change. */
  lockMilestone(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<CoachingMilestone | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return em.getRepository(CoachingMilestone).createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.programme_id = :programmeId AND m.id = :id', { tenantId, programmeId, id })
      .setLock('pessimistic_write').getOne();
  }

  async updateMilestone(em: EntityManager, id: string, patch: Partial<CoachingMilestone>): Promise<void> {
    await em.getRepository(CoachingMilestone).update({ id }, patch as never);
  }
}
