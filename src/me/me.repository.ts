import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * What "my space" still reads itself. Moved as-is from programmes.pages.controller.ts; the jury's
 * read API (jury/laureates.query.ts) replaces it, after which this file goes.
 */
@Injectable()
export class MeRepository {
  constructor(private readonly ds: DataSource) {}

  /** Programmes where this person is a confirmed laureate. */
  async laureateProgrammeIds(tenantId: string, userId: string): Promise<Set<string>> {
    // TODO(laureates.query): replace with the jury's read API (laureates of a person).
    return new Set((await this.ds.query(
      `SELECT o.programme_id FROM jury_outcome o JOIN application a ON a.id = o.application_id AND a.tenant_id = o.tenant_id
        WHERE o.tenant_id = $1 AND o.status = 'laureate' AND a.applicant_user_id = $2`, [tenantId, userId],
    ) as Array<{ programme_id: string }>).map((r) => r.programme_id));
  }
}
