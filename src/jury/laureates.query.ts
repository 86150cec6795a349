import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A confirmed laureate of a programme (jury outcome `laureate`), with the application other modules
 * start from: coaching schedules, partner matching, campaign pages.
 */
export interface Laureate {
  applicationId: string;
  /** The applicant, who becomes the laureate. */
  userId: string;
  title: string;
  summary: string;
  /** The language the application (its title and summary) is written in. */
  locale: string;
  category: string | null;
  receiptNumber: string | null;
  goalCents: number | null;
  /** Position in the jury's ranking; null when not ranked (e.g. below quorum). */
  rank: number | null;
}

/**
 * How a list of laureates is ordered: by the jury's rank (unranked last), then ties by title (campaign
 * lists) or by receipt number then id (coaching and partners, a stable order for the matching).
 */
export type LaureateOrder = 'rank_then_title' | 'rank_then_receipt';

const ORDER_BY: Record<LaureateOrder, string> = {
  rank_then_title: 'o.rank NULLS LAST, a.title',
  rank_then_receipt: 'o.rank NULLS LAST, a.receipt_number, a.id',
};

interface LaureateRecord {
  application_id: string;
  user_id: string;
  title: string;
  summary: string;
  locale: string;
  category: string | null;
  receipt_number: string | null;
  goal_cents: string | null;
  rank: number | null;
}

/**
 * The jury's read API for other modules: who the laureates are. The only reader of `jury_outcome`
 * outside the jury module's own repository (the read models of `reports/` and `public/` aside).
 */
@Injectable()
export class LaureatesQuery {
  constructor(private readonly ds: DataSource) {}

  /** The laureates of a programme, or only those of one person (`userId`), in the given order. */
  async ofProgramme(
    em: EntityManager | null,
    tenantId: string,
    programmeId: string,
    order: LaureateOrder,
    opts: { userId?: string } = {},
  ): Promise<Laureate[]> {
    const rows: LaureateRecord[] = await (em ?? this.ds.manager).query(
      `SELECT a.id AS application_id, a.applicant_user_id AS user_id, a.title, a.summary, a.locale, a.category, a.receipt_number, a.goal_cents, o.rank
         FROM jury_outcome o JOIN application a ON a.id = o.application_id AND a.tenant_id = o.tenant_id
        WHERE o.tenant_id = $1 AND o.programme_id = $2 AND o.status = 'laureate' AND ($3::uuid IS NULL OR a.applicant_user_id = $3)
        ORDER BY ${ORDER_BY[order]}`,
      [tenantId, programmeId, opts.userId ?? null],
    );
    return rows.map((r) => ({
      applicationId: r.application_id,
      userId: r.user_id,
      title: r.title,
      summary: r.summary,
      locale: r.locale,
      category: r.category,
      receiptNumber: r.receipt_number,
      goalCents: r.goal_cents === null ? null : Number(r.goal_cents),
      rank: r.rank,
    }));
  }

  /** The programmes of which this person is a confirmed laureate. */
  async programmesOf(em: EntityManager | null, tenantId: string, userId: string): Promise<string[]> {
    const rows: Array<{ programme_id: string }> = await (em ?? this.ds.manager).query(
      `SELECT o.programme_id FROM jury_outcome o JOIN application a ON a.id = o.application_id AND a.tenant_id = o.tenant_id
        WHERE o.tenant_id = $1 AND o.status = 'laureate' AND a.applicant_user_id = $2`,
      [tenantId, userId],
    );
    return rows.map((r) => r.programme_id);
  }
}
