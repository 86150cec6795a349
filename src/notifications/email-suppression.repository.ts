import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { UnsubscribeSubject } from './domain/unsubscribe-token.js';

/** Every query on email_suppression. */
@Injectable()
export class EmailSuppressionRepository {
  constructor(private readonly ds: DataSource) {}

  /** Idempotent: a second unsubscribe finds the row there (either unique index) and adds nothing. */
  async add(s: UnsubscribeSubject, em: EntityManager = this.ds.manager): Promise<void> {
    await em.query(`INSERT INTO email_suppression (tenant_id, email_key, stream, scope_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      s.tenantId,
      s.emailKey,
      s.stream,
      s.scopeId,
    ]);
  }

  /** Subscribe again: removes this very suppression (a whole-stream one stays for a scoped link). */
  async remove(s: UnsubscribeSubject, em: EntityManager = this.ds.manager): Promise<void> {
    await em.query(`DELETE FROM email_suppression WHERE tenant_id = $1 AND email_key = $2 AND stream = $3 AND scope_id IS NOT DISTINCT FROM $4::uuid`, [
      s.tenantId,
      s.emailKey,
      s.stream,
      s.scopeId,
    ]);
  }

  async has(s: UnsubscribeSubject, em: EntityManager = this.ds.manager): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM email_suppression WHERE tenant_id = $1 AND email_key = $2 AND stream = $3 AND scope_id IS NOT DISTINCT FROM $4::uuid`,
      [s.tenantId, s.emailKey, s.stream, s.scopeId],
    );
    return rows.length > 0;
  }

  /**
   * Of the given bulk e-mails (index, address key, stream, scope), those whose address left the stream
   * (whole, or for that scope): one statement for a worker's pass.
   */
  async suppressed(items: ReadonlyArray<{ tenantId: string; emailKey: string; stream: string; scopeId: string | null }>): Promise<Set<number>> {
    if (!items.length) return new Set();
    const rows: Array<{ i: number }> = await this.ds.query(
      `SELECT u.i FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) WITH ORDINALITY AS u(tenant_id, email_key, stream, scope_id, i)
       WHERE EXISTS (SELECT 1 FROM email_suppression s WHERE s.tenant_id = u.tenant_id AND s.email_key = u.email_key AND s.stream = u.stream
                     AND (s.scope_id IS NULL OR s.scope_id = u.scope_id))`,
      [items.map((x) => x.tenantId), items.map((x) => x.emailKey), items.map((x) => x.stream), items.map((x) => x.scopeId)],
    );
    return new Set(rows.map((r) => Number(r.i) - 1));
  }
}
