import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import type { Phase } from './domain/phase.js';
import { PhaseTransition, Programme } from './programme.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ProgrammesRepository {
  constructor(private readonly ds: DataSource) {}

  list(tenantId: string): Promise<Programme[]> {
    return this.ds.getRepository(Programme).find({ where: { tenantId }, order: { createdAt: 'DESC' } });
  }

  get(tenantId: string, id: string, em: EntityManager = this.ds.manager): Promise<Programme | null> {
    return em.getRepository(Programme).findOneBy({ tenantId, id });
  }

  /** The tenant's programme, or NOT_FOUND (a malformed id included): what may not be seen is not found. */
  async found(tenantId: string, id: string, em: EntityManager = this.ds.manager): Promise<Programme> {
    const p = UUID.test(id) ? await this.get(tenantId, id, em) : null;
    if (!p) throw new DomainError('NOT_FOUND');
    return p;
  }

  /** The same, locked for the rest of the transaction. */
  async lockFound(em: EntityManager, tenantId: string, id: string): Promise<Programme> {
    const p = UUID.test(id) ? await this.getForUpdate(em, tenantId, id) : null;
    if (!p) throw new DomainError('NOT_FOUND');
    return p;
  }

  getBySlug(tenantId: string, slug: string): Promise<Programme | null> {
    return this.ds.getRepository(Programme).findOneBy({ tenantId, slug });
  }

  /** Locks the programme row for the rest of the transaction; skipLocked lets another instance's work pass. */
  async getForUpdate(em: EntityManager, tenantId: string | undefined, id: string, skipLocked = false): Promise<Programme | null> {
    const qb = em.getRepository(Programme).createQueryBuilder('p').where('p.id = :id', { id });
    if (tenantId) qb.andWhere('p.tenant_id = :tenantId', { tenantId });
    return qb
      .setLock('pessimistic_write')
      .setOnLocked(skipLocked ? 'skip_locked' : (undefined as never))
      .getOne();
  }

  insert(em: EntityManager, data: Partial<Programme>): Promise<Programme> {
    return em.getRepository(Programme).save(em.getRepository(Programme).create(data));
  }

  async update(em: EntityManager, id: string, patch: Partial<Programme>): Promise<void> {
    if (!Object.keys(patch).length) return; // an empty PATCH changes nothing
    await em.getRepository(Programme).update({ id }, patch);
  }

  async recordTransition(em: EntityManager, t: Omit<PhaseTransition, 'id'>): Promise<void> {
    await em.getRepository(PhaseTransition).insert(t);
  }

  transitions(tenantId: string, programmeId: string): Promise<PhaseTransition[]> {
    return this.ds.getRepository(PhaseTransition).find({ where: { tenantId, programmeId }, order: { at: 'ASC', id: 'ASC' } });
  }

  /** Programmes whose next phase instant has passed, across tenants (the scheduler's query). */
  async due(now: Date, limit = 100): Promise<Array<{ id: string; tenantId: string }>> {
    const rows: Array<{ id: string; tenant_id: string }> = await this.ds.query(
      `SELECT id, tenant_id FROM programme WHERE next_transition_at <= $1 ORDER BY next_transition_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  countInPhase(tenantId: string, phase: Phase): Promise<number> {
    return this.ds.getRepository(Programme).countBy({ tenantId, phase });
  }

  /** The ids of the programmes in these phases, across tenants (e.g. those whose laureates get reminders). */
  async idsInPhases(phases: readonly Phase[], em: EntityManager = this.ds.manager): Promise<string[]> {
    const rows = await em.getRepository(Programme).find({ select: { id: true }, where: { phase: In([...phases]) } });
    return rows.map((r) => r.id);
  }

  /** The programmes of an authority that entered `phase` before `cutoff`, with the instant they did (retention anchors). */
  async enteredBefore(em: EntityManager, tenantId: string, phase: Phase, cutoff: Date): Promise<Array<{ programmeId: string; at: Date }>> {
    return em.query(`SELECT programme_id AS "programmeId", at FROM phase_transition WHERE tenant_id = $1 AND to_phase = $2 AND at < $3`, [
      tenantId,
      phase,
      cutoff,
    ]);
  }
}
