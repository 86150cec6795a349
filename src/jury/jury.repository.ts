import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import { Jury, JuryAssignment, JuryBallot, JuryBallotEvent, JuryComparison, JuryConflict, JuryMember, JuryNote, JuryOutcome } from './jury.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

/** Every query of the jury module; each takes the tenant id, so another tenant's ids find nothing. */
@Injectable()
export class JuryRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  jury(em: EntityManager, tenantId: string, programmeId: string): Promise<Jury | null> {
    return em.getRepository(Jury).findOneBy({ tenantId, programmeId });
  }

  /**
   * Locks the jury row. Ballots take it FOR SHARE and opening or closing the vote FOR UPDATE, so a
   * ballot either commits before the close or sees the vote closed: none slips in after.
   */
  lockJury(em: EntityManager, tenantId: string, programmeId: string, mode: 'share' | 'update'): Promise<Jury | null> {
    return em
      .getRepository(Jury)
      .createQueryBuilder('j')
      .where('j.tenant_id = :tenantId AND j.programme_id = :programmeId', { tenantId, programmeId })
      .setLock(mode === 'share' ? 'pessimistic_read' : 'pessimistic_write')
      .getOne();
  }

  /** The jury row, created with defaults on first use (concurrent first uses end with one row). */
  async ensureJury(em: EntityManager, tenantId: string, programmeId: string): Promise<Jury> {
    await em.query(`INSERT INTO jury (tenant_id, programme_id) VALUES ($1, $2) ON CONFLICT (tenant_id, programme_id) DO NOTHING`, [tenantId, programmeId]);
    return (await this.lockJury(em, tenantId, programmeId, 'update'))!;
  }

  async updateJury(em: EntityManager, id: string, patch: Partial<Jury>): Promise<void> {
    await em.getRepository(Jury).update({ id }, patch as never);
  }

  /** Sets the draw's seed once: the first caller's seed wins, a later caller reads it. */
  async setDrawSeed(em: EntityManager, id: string, seed: string): Promise<{ seed: string; won: boolean }> {
    // TypeORM answers UPDATE/DELETE ... RETURNING on PostgreSQL with [rows, count].
    const [rows]: [Array<{ draw_seed: string }>, number] = await em.query(
      `UPDATE jury SET draw_seed = $2 WHERE id = $1 AND draw_seed IS NULL RETURNING draw_seed`,
      [id, seed],
    );
    if (rows.length) return { seed: rows[0].draw_seed, won: true };
    const [row] = await em.query(`SELECT draw_seed FROM jury WHERE id = $1`, [id]);
    return { seed: row.draw_seed, won: false };
  }

  members(em: EntityManager, tenantId: string, programmeId: string): Promise<JuryMember[]> {
    return em.getRepository(JuryMember).find({ where: { tenantId, programmeId }, order: { displayName: 'ASC', id: 'ASC' } });
  }

  member(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<JuryMember | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return em.getRepository(JuryMember).findOneBy({ tenantId, programmeId, id });
  }

  /** The member row of a signed-in juror, locked so that one juror's changes run one at a time. */
  memberOfUser(em: EntityManager, tenantId: string, programmeId: string, userId: string, lock = false): Promise<JuryMember | null> {
    const qb = em
      .getRepository(JuryMember)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.programme_id = :programmeId AND m.user_id = :userId', { tenantId, programmeId, userId });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  async insertMember(
    em: EntityManager,
    m: Pick<JuryMember, 'tenantId' | 'programmeId' | 'userId' | 'displayName' | 'email' | 'organisation' | 'weight'>,
  ): Promise<JuryMember> {
    await em.query(
      `INSERT INTO jury_member (tenant_id, programme_id, user_id, display_name, email, organisation, weight)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, programme_id, user_id) DO UPDATE SET organisation = EXCLUDED.organisation, weight = EXCLUDED.weight`,
      [m.tenantId, m.programmeId, m.userId, m.displayName, m.email, m.organisation, m.weight],
    );
    return (await this.memberOfUser(em, m.tenantId, m.programmeId, m.userId))!;
  }

  async updateMember(em: EntityManager, id: string, patch: Partial<JuryMember>): Promise<void> {
    await em.getRepository(JuryMember).update({ id }, patch as never);
  }

  async deleteMember(em: EntityManager, m: JuryMember): Promise<void> {
    await em.getRepository(JuryMember).delete({ id: m.id });
    await em.query(`DELETE FROM role_grant WHERE tenant_id = $1 AND user_id = $2 AND role = 'juror' AND programme_id = $3`, [
      m.tenantId,
      m.userId,
      m.programmeId,
    ]);
  }

  conflicts(em: EntityManager, tenantId: string, programmeId: string): Promise<JuryConflict[]> {
    return em.getRepository(JuryConflict).find({ where: { tenantId, programmeId }, order: { createdAt: 'ASC' } });
  }

  /** True when the conflict is new. */
  async insertConflict(
    em: EntityManager,
    c: Pick<JuryConflict, 'tenantId' | 'programmeId' | 'memberId' | 'applicationId' | 'reason' | 'declaredBy'> & { at: Date },
  ): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO jury_conflict (tenant_id, programme_id, member_id, application_id, reason, declared_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (member_id, application_id) DO NOTHING RETURNING id`,
      [c.tenantId, c.programmeId, c.memberId, c.applicationId, c.reason, c.declaredBy, c.at],
    );
    return rows.length > 0;
  }

  /** The withdrawn conflict's row, or null when there was none (withdrawing twice is a no-op). */
  async deleteConflict(em: EntityManager, tenantId: string, memberId: string, applicationId: string): Promise<{ reason: string } | null> {
    const [rows]: [Array<{ reason: string }>, number] = await em.query(
      `DELETE FROM jury_conflict WHERE tenant_id = $1 AND member_id = $2 AND application_id = $3 RETURNING reason`,
      [tenantId, memberId, applicationId],
    );
    return rows[0] ?? null;
  }

  /** One reassignment of an application at a time (two jurors withdrawing from it at once must not pick the same reader). */
  async lockApplicationReaders(em: EntityManager, applicationId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('jury_assignment:' || $1))`, [applicationId]);
  }

  async addAssignments(em: EntityManager, tenantId: string, programmeId: string, applicationId: string, memberIds: readonly string[]): Promise<void> {
    if (!memberIds.length) return;
    await em.query(
      `INSERT INTO jury_assignment (tenant_id, programme_id, member_id, application_id)
       SELECT $1, $2, m, $3 FROM unnest($4::uuid[]) AS m ON CONFLICT (member_id, application_id) DO NOTHING`,
      [tenantId, programmeId, applicationId, memberIds],
    );
  }

  assignments(em: EntityManager, tenantId: string, programmeId: string): Promise<JuryAssignment[]> {
    return em.getRepository(JuryAssignment).findBy({ tenantId, programmeId });
  }

  async replaceAssignments(
    em: EntityManager,
    tenantId: string,
    programmeId: string,
    pairs: ReadonlyArray<{ jurorId: string; applicationId: string }>,
  ): Promise<void> {
    await em.query(`DELETE FROM jury_assignment WHERE tenant_id = $1 AND programme_id = $2`, [tenantId, programmeId]);
    if (!pairs.length) return;
    await em.query(
      `INSERT INTO jury_assignment (tenant_id, programme_id, member_id, application_id)
       SELECT $1, $2, x.member_id, x.application_id FROM unnest($3::uuid[], $4::uuid[]) AS x(member_id, application_id)`,
      [tenantId, programmeId, pairs.map((p) => p.jurorId), pairs.map((p) => p.applicationId)],
    );
  }

  ballots(em: EntityManager, tenantId: string, programmeId: string, memberId?: string): Promise<JuryBallot[]> {
    return em.getRepository(JuryBallot).find({
      where: { tenantId, programmeId, ...(memberId ? { memberId } : {}) },
      order: { memberId: 'ASC', applicationId: 'ASC' },
    });
  }

  ballot(em: EntityManager, memberId: string, applicationId: string): Promise<JuryBallot | null> {
    return em.getRepository(JuryBallot).findOneBy({ memberId, applicationId });
  }

  async saveBallot(
    em: EntityManager,
    b: Pick<JuryBallot, 'tenantId' | 'programmeId' | 'memberId' | 'applicationId' | 'scores' | 'picked' | 'rank' | 'comment'>,
  ): Promise<void> {
    await em.query(
      `INSERT INTO jury_ballot (tenant_id, programme_id, member_id, application_id, scores, picked, rank, comment)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (member_id, application_id) DO UPDATE SET scores = EXCLUDED.scores, picked = EXCLUDED.picked, rank = EXCLUDED.rank,
         comment = EXCLUDED.comment, version = jury_ballot.version + 1, updated_at = now()`,
      [b.tenantId, b.programmeId, b.memberId, b.applicationId, b.scores === null ? null : JSON.stringify(b.scores), b.picked, b.rank, b.comment],
    );
  }

  async deleteBallot(em: EntityManager, memberId: string, applicationId: string): Promise<void> {
    await em.getRepository(JuryBallot).delete({ memberId, applicationId });
  }

  comparisons(em: EntityManager, tenantId: string, programmeId: string, memberId?: string): Promise<JuryComparison[]> {
    return em.getRepository(JuryComparison).find({
      where: { tenantId, programmeId, ...(memberId ? { memberId } : {}) },
      order: { memberId: 'ASC', firstId: 'ASC', secondId: 'ASC' },
    });
  }

  /** Records (or changes) the juror's preference on a pair; returns false when it was already so. */
  async saveComparison(em: EntityManager, c: { tenantId: string; programmeId: string; memberId: string; winnerId: string; loserId: string }): Promise<boolean> {
    const [firstId, secondId] = c.winnerId < c.loserId ? [c.winnerId, c.loserId] : [c.loserId, c.winnerId];
    const rows = await em.query(
      `INSERT INTO jury_comparison (tenant_id, programme_id, member_id, first_id, second_id, winner_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (member_id, first_id, second_id) DO UPDATE SET winner_id = EXCLUDED.winner_id, updated_at = now()
         WHERE jury_comparison.winner_id <> EXCLUDED.winner_id
       RETURNING id`,
      [c.tenantId, c.programmeId, c.memberId, firstId, secondId, c.winnerId],
    );
    return rows.length > 0;
  }

  async deleteComparisonsWith(em: EntityManager, memberId: string, applicationId: string): Promise<void> {
    await em.query(`DELETE FROM jury_comparison WHERE member_id = $1 AND (first_id = $2 OR second_id = $2)`, [memberId, applicationId]);
  }

  async recordEvent(
    em: EntityManager,
    e: Pick<JuryBallotEvent, 'tenantId' | 'programmeId' | 'memberId' | 'applicationId' | 'kind' | 'data' | 'at'>,
  ): Promise<void> {
    await em.query(`INSERT INTO jury_ballot_event (tenant_id, programme_id, member_id, application_id, kind, data, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      e.tenantId,
      e.programmeId,
      e.memberId,
      e.applicationId,
      e.kind,
      JSON.stringify(e.data),
      e.at,
    ]);
  }

  events(tenantId: string, programmeId: string): Promise<JuryBallotEvent[]> {
    return this.ds.getRepository(JuryBallotEvent).find({ where: { tenantId, programmeId }, order: { id: 'ASC' } });
  }

  note(em: EntityManager, memberId: string, applicationId: string): Promise<JuryNote | null> {
    return em.getRepository(JuryNote).findOneBy({ memberId, applicationId });
  }

  notes(em: EntityManager, memberId: string): Promise<JuryNote[]> {
    return em.getRepository(JuryNote).findBy({ memberId });
  }

  async saveNote(em: EntityManager, n: { tenantId: string; memberId: string; applicationId: string; body: string }): Promise<void> {
    if (!n.body.trim()) {
      await em.getRepository(JuryNote).delete({ memberId: n.memberId, applicationId: n.applicationId });
      return;
    }
    await em.query(
      `INSERT INTO jury_note (tenant_id, member_id, application_id, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (member_id, application_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
      [n.tenantId, n.memberId, n.applicationId, n.body],
    );
  }

  outcomes(em: EntityManager, tenantId: string, programmeId: string): Promise<JuryOutcome[]> {
    return em.getRepository(JuryOutcome).find({ where: { tenantId, programmeId }, order: { rank: { direction: 'ASC', nulls: 'LAST' } } });
  }

  async replaceOutcomes(
    em: EntityManager,
    tenantId: string,
    programmeId: string,
    rows: Array<
      Omit<
        JuryOutcome,
        | 'id'
        | 'tenantId'
        | 'programmeId'
        | 'withdrawnAt'
        | 'withdrawnReason'
        | 'withdrawnBy'
        | 'withdrawnByLaureate'
        | 'promotedAt'
        | 'promotedBy'
        | 'promotedFromPosition'
      >
    >,
  ): Promise<void> {
    await em.query(`DELETE FROM jury_outcome WHERE tenant_id = $1 AND programme_id = $2`, [tenantId, programmeId]);
    if (rows.length) await em.getRepository(JuryOutcome).insert(rows.map((r) => ({ ...r, tenantId, programmeId })));
  }

  /** One outcome locked for a change (withdrawal), or null. */
  lockOutcome(em: EntityManager, tenantId: string, programmeId: string, applicationId: string): Promise<JuryOutcome | null> {
    return em
      .getRepository(JuryOutcome)
      .createQueryBuilder('o')
      .setLock('pessimistic_write')
      .where('o.tenant_id = :tenantId AND o.programme_id = :programmeId AND o.application_id = :applicationId', { tenantId, programmeId, applicationId })
      .getOne();
  }

  async updateOutcome(em: EntityManager, id: string, patch: Partial<JuryOutcome>): Promise<void> {
    await em.getRepository(JuryOutcome).update({ id }, patch);
  }

  countLaureates(em: EntityManager, tenantId: string, programmeId: string): Promise<number> {
    return em.getRepository(JuryOutcome).countBy({ tenantId, programmeId, status: 'laureate' });
  }

  /** The jury's applications: submitted and found eligible at screening. */
  eligibleApplications(em: EntityManager, tenantId: string, programmeId: string): Promise<Application[]> {
    return em.getRepository(Application).find({
      where: { tenantId, programmeId, status: 'submitted', screening: 'eligible' },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
  }

  applications(em: EntityManager, tenantId: string, ids: readonly string[]): Promise<Application[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.getRepository(Application).find({ where: { tenantId, id: In([...ids]) }, order: { submittedAt: 'ASC', id: 'ASC' } });
  }

  application(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<Application | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return em.getRepository(Application).findOneBy({ tenantId, programmeId, id });
  }
}
