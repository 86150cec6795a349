import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Application, ApplicationComment, ApplicationContactEmail } from './application.entity.js';
import { Call } from './call.entity.js';

export interface ApplicationFilter {
  status?: string;
  screening?: string;
  category?: string;
  commune?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

@Injectable()
export class ApplicationsRepository {
  constructor(private readonly ds: DataSource) {}

  call(tenantId: string, programmeId: string, em: EntityManager = this.ds.manager): Promise<Call | null> {
    return em.getRepository(Call).findOneBy({ tenantId, programmeId });
  }

  async saveCall(em: EntityManager, call: Partial<Call> & { tenantId: string; programmeId: string }): Promise<Call> {
    const repo = em.getRepository(Call);
    const existing = await repo.findOneBy({ tenantId: call.tenantId, programmeId: call.programmeId });
    return repo.save(existing ? repo.merge(existing, call) : repo.create(call));
  }

  get(tenantId: string, id: string, em: EntityManager = this.ds.manager): Promise<Application | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return em.getRepository(Application).findOneBy({ tenantId, id });
  }

  getForUpdate(em: EntityManager, tenantId: string, id: string): Promise<Application | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return em
      .getRepository(Application)
      .createQueryBuilder('a')
      .where('a.id = :id AND a.tenant_id = :tenantId', { id, tenantId })
      .setLock('pessimistic_write')
      .getOne();
  }

  byIdempotencyKey(em: EntityManager, tenantId: string, userId: string, key: string): Promise<Application | null> {
    return em.getRepository(Application).findOneBy({ tenantId, applicantUserId: userId, idempotencyKey: key });
  }

  /** Live (not withdrawn) applications of each applicant to a programme's call, for the one-per-applicant rule on the desk. */
  async liveCountsByApplicant(tenantId: string, programmeId: string): Promise<Map<string, number>> {
    const rows: Array<{ userId: string; n: number }> = await this.ds
      .getRepository(Application)
      .createQueryBuilder('a')
      .select('a.applicant_user_id', 'userId')
      .addSelect('count(*)::int', 'n')
      .where(`a.tenant_id = :tenantId AND a.programme_id = :programmeId AND a.status <> 'withdrawn'`, { tenantId, programmeId })
      .groupBy('a.applicant_user_id')
      .getRawMany();
    return new Map(rows.map((r) => [r.userId, Number(r.n)]));
  }

  liveCount(em: EntityManager, tenantId: string, programmeId: string, userId: string, exceptId?: string): Promise<number> {
    const qb = em
      .getRepository(Application)
      .createQueryBuilder('a')
      .where(`a.tenant_id = :tenantId AND a.programme_id = :programmeId AND a.applicant_user_id = :userId AND a.status <> 'withdrawn'`, {
        tenantId,
        programmeId,
        userId,
      });
    if (exceptId) qb.andWhere('a.id <> :exceptId', { exceptId });
    return qb.getCount();
  }

  insert(em: EntityManager, data: Partial<Application>): Promise<Application> {
    return em.getRepository(Application).save(em.getRepository(Application).create(data));
  }

  /** The latest contact address waiting for confirmation, if it has not expired. */
  pendingContactEmail(tenantId: string, applicationId: string, now: Date, em: EntityManager = this.ds.manager): Promise<ApplicationContactEmail | null> {
    return em
      .getRepository(ApplicationContactEmail)
      .createQueryBuilder('c')
      .where('c.tenant_id = :tenantId AND c.application_id = :applicationId AND c.confirmed_at IS NULL AND c.expires_at > :now', {
        tenantId,
        applicationId,
        now,
      })
      .orderBy('c.created_at', 'DESC')
      .getOne();
  }

  async addContactEmail(
    em: EntityManager,
    row: Pick<ApplicationContactEmail, 'tenantId' | 'applicationId' | 'email' | 'tokenHash' | 'expiresAt'>,
  ): Promise<void> {
    // A new address replaces any that was waiting: only the last one typed can be confirmed.
    await em.query(`DELETE FROM application_contact_email WHERE tenant_id = $1 AND application_id = $2 AND confirmed_at IS NULL`, [
      row.tenantId,
      row.applicationId,
    ]);
    await em.getRepository(ApplicationContactEmail).insert(row);
  }

  async dropPendingContactEmails(em: EntityManager, tenantId: string, applicationId: string): Promise<void> {
    await em.query(`DELETE FROM application_contact_email WHERE tenant_id = $1 AND application_id = $2 AND confirmed_at IS NULL`, [tenantId, applicationId]);
  }

  /** Uses a confirmation link once; the address and its application, or null when unknown, used or expired. */
  async confirmContactEmail(em: EntityManager, tenantId: string, tokenHash: string, now: Date): Promise<{ applicationId: string; email: string } | null> {
    const [rows]: [Array<{ application_id: string; email: string }>, number] = await em.query(
      `UPDATE application_contact_email SET confirmed_at = $3
       WHERE token_hash = $1 AND tenant_id = $2 AND confirmed_at IS NULL AND expires_at > $3 RETURNING application_id, email`,
      [tokenHash, tenantId, now],
    );
    return rows.length ? { applicationId: rows[0].application_id, email: rows[0].email } : null;
  }

  contactEmailByToken(tenantId: string, tokenHash: string, now: Date): Promise<ApplicationContactEmail | null> {
    return this.ds
      .getRepository(ApplicationContactEmail)
      .createQueryBuilder('c')
      .where('c.token_hash = :tokenHash AND c.tenant_id = :tenantId AND c.confirmed_at IS NULL AND c.expires_at > :now', { tokenHash, tenantId, now })
      .getOne();
  }

  async update(em: EntityManager, id: string, patch: Partial<Application>): Promise<void> {
    if (!Object.keys(patch).length) return; // an empty PATCH changes nothing
    await em.getRepository(Application).update({ id }, patch as never);
  }

  /** Hands out the next receipt number of a call atomically. */
  async nextReceiptSeq(em: EntityManager, callId: string): Promise<number> {
    const rows = await em.query(`UPDATE call SET receipt_seq = receipt_seq + 1 WHERE id = $1 RETURNING receipt_seq`, [callId]);
    return rows[0][0].receipt_seq;
  }

  mine(tenantId: string, userId: string): Promise<Application[]> {
    return this.ds.getRepository(Application).find({ where: { tenantId, applicantUserId: userId }, order: { createdAt: 'DESC' } });
  }

  /** The screening desk's list: drafts are the applicants' business and are not listed. */
  async list(tenantId: string, programmeId: string, f: ApplicationFilter): Promise<{ items: Application[]; total: number }> {
    const qb = this.ds
      .getRepository(Application)
      .createQueryBuilder('a')
      .where('a.tenant_id = :tenantId AND a.programme_id = :programmeId', { tenantId, programmeId });
    if (f.status) qb.andWhere('a.status = :status', { status: f.status });
    else qb.andWhere(`a.status <> 'draft'`);
    if (f.screening) qb.andWhere('a.screening = :screening', { screening: f.screening });
    if (f.category) qb.andWhere('a.category = :category', { category: f.category });
    if (f.commune) qb.andWhere('lower(a.commune) = lower(:commune)', { commune: f.commune });
    if (f.q) {
      qb.andWhere(`a.search_vector @@ plainto_tsquery('simple', :q)`, { q: f.q });
    }
    const [items, total] = await qb
      .orderBy('a.submitted_at', 'ASC', 'NULLS LAST')
      .addOrderBy('a.id')
      .take(Math.min(f.limit ?? 100, 1000))
      .skip(f.offset ?? 0)
      .getManyAndCount();
    return { items, total };
  }

  /** How many applications (drafts included) answer the programme's call. */
  countAll(tenantId: string, programmeId: string): Promise<number> {
    return this.ds.getRepository(Application).countBy({ tenantId, programmeId });
  }

  countSubmitted(em: EntityManager, tenantId: string, programmeId: string): Promise<number> {
    return em.getRepository(Application).countBy({ tenantId, programmeId, status: 'submitted' });
  }

  comments(tenantId: string, applicationId: string): Promise<ApplicationComment[]> {
    return this.ds.getRepository(ApplicationComment).find({ where: { tenantId, applicationId }, order: { createdAt: 'ASC' } });
  }

  async addComment(
    em: EntityManager,
    c: Pick<ApplicationComment, 'tenantId' | 'applicationId' | 'authorUserId' | 'body'> & { createdAt: Date },
  ): Promise<void> {
    await em.query(`INSERT INTO application_comment (tenant_id, application_id, author_user_id, body, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      c.tenantId,
      c.applicationId,
      c.authorUserId,
      c.body,
      c.createdAt,
    ]);
  }
}
