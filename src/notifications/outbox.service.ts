import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';

export interface OutgoingEmail {
  tenantId: string;
  template: string;
  locale: 'fr' | 'en';
  to: string;
  toName?: string | null;
  payload?: Record<string, unknown>;
  /** The business identity of this e-mail: queuing it again with the same key does nothing. */
  dedupeKey?: string;
}

/** Queues e-mails inside the caller's transaction: they exist if and only if the change committed. */
@Injectable()
export class OutboxService {
  constructor(private readonly clock: Clock) {}

  async enqueue(em: EntityManager, mail: OutgoingEmail): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO outbox_message (tenant_id, template, locale, to_address, to_name, payload, dedupe_key, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id`,
      [mail.tenantId, mail.template, mail.locale, mail.to, mail.toName ?? null, JSON.stringify(mail.payload ?? {}), mail.dedupeKey ?? null, this.clock.now()],
    );
    return rows.length > 0;
  }
}
