import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Supporters per page of the wall (`?supporters=2`). */
export const WALL_PAGE_SIZE = 10;

/** A supporter as the wall shows them: never their e-mail. */
export interface Supporter {
  id: string;
  displayName: string | null;
  anonymous: boolean;
  /** '' when they wrote none or the laureate hid it. */
  message: string;
  messageHidden: boolean;
  /** The language the contributor used on the form (their message is written in it, as far as we know). */
  locale: string;
  confirmedAt: Date;
}

/**
 * Contributions that were confirmed, whatever happened after: still confirmed, or refunded at the
 * settlement of an unfunded all-or-nothing campaign (refund_due, refunded). A chargeback during the
 * window clears `confirmed_at` (it no longer counts at all), and a payment confirmed after a settlement
 * goes straight to refund_due without it: neither is a supporter.
 */
const SUPPORTED = `c.campaign_id = $1 AND c.confirmed_at IS NOT NULL AND c.status IN ('confirmed', 'refund_due', 'refunded')`;

/** The supporters' wall and the figures of a campaign before its refunds, read from `contribution`. */
@Injectable()
export class SupportersRepository {
  /**
   * One page of the wall, newest first, and how many supporters there are in all: the page read along
   * `contribution_supporters_idx` (a few rows, not every supporter of the campaign), the count from the
   * index alone.
   */
  async wall(em: EntityManager, campaignId: string, offset: number, limit: number): Promise<{ items: Supporter[]; total: number }> {
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT c.id, c.display_name, c.anonymous, c.message, c.message_hidden_at, c.locale, c.confirmed_at
         FROM contribution c WHERE ${SUPPORTED}
        ORDER BY c.confirmed_at DESC, c.id DESC OFFSET $2 LIMIT $3`,
      [campaignId, offset, limit],
    );
    const total = await this.count(em, campaignId);
    return {
      total,
      items: rows.map((r) => ({
        id: r.id as string,
        displayName: (r.display_name as string | null) ?? null,
        anonymous: r.anonymous as boolean,
        message: r.message_hidden_at ? '' : ((r.message as string) ?? ''),
        messageHidden: !!r.message_hidden_at,
        locale: r.locale as string,
        confirmedAt: r.confirmed_at as Date,
      })),
    };
  }

  async count(em: EntityManager, campaignId: string): Promise<number> {
    const [row]: Array<{ n: string }> = await em.query(`SELECT count(*) AS n FROM contribution c WHERE ${SUPPORTED}`, [campaignId]);
    return Number(row.n);
  }

  /**
   * What a campaign had reached from its confirmed contributions, refunded ones included: the honest
   * figure of an unfunded campaign after settlement (its counters are not changed by the refunds).
   */
  async reached(em: EntityManager, campaignId: string): Promise<{ cents: number; contributors: number }> {
    // The tallies kept with every contribution (see contribution-tally.entity.ts) hold exactly that.
    const [row]: Array<{ cents: string; contributors: number }> = await em.query(
      `SELECT reached_cents AS cents, reached_people AS contributors FROM contribution_tally_campaign WHERE campaign_id = $1`,
      [campaignId],
    );
    return { cents: Number(row?.cents ?? 0), contributors: Number(row?.contributors ?? 0) };
  }

  /** Hides a supporter's message under the contribution's row lock; false when not a supporter of this campaign. */
  async hideMessage(em: EntityManager, tenantId: string, campaignId: string, contributionId: string, at: Date): Promise<'hidden' | 'already' | null> {
    const [row]: Array<{ message_hidden_at: Date | null }> = await em.query(
      `SELECT c.message_hidden_at FROM contribution c WHERE ${SUPPORTED} AND c.tenant_id = $2 AND c.id = $3 FOR UPDATE`,
      [campaignId, tenantId, contributionId],
    );
    if (!row) return null;
    if (row.message_hidden_at) return 'already';
    await em.query(`UPDATE contribution SET message_hidden_at = $2, updated_at = now() WHERE id = $1`, [contributionId, at]);
    return 'hidden';
  }
}
