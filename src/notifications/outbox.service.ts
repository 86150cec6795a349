import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { type EmailTemplate, STREAMS, streamOf } from './domain/email-streams.js';
import { type MailPriority, priorityOf } from './domain/mail-priority.js';
import { OutboxRepository } from './outbox.repository.js';

export interface OutgoingEmail {
  tenantId: string;
  /** A template declared in domain/email-streams.ts (transactional or which bulk stream). */
  template: EmailTemplate;
  locale: Locale;
  to: string;
  toName?: string | null;
  payload?: Record<string, unknown>;
  /** The business identity of this e-mail: queuing it again with the same key does nothing. */
  dedupeKey?: string;
  /** Overrides the template's declared priority (domain/mail-priority.ts) for this one e-mail. */
  priority?: MailPriority;
  /** For a scoped bulk stream (campaign updates): the campaign, which its unsubscribe link stops. */
  scopeId?: string;
}

/** Queues e-mails inside the caller's transaction: they exist if and only if the change committed. */
@Injectable()
export class OutboxService {
  constructor(
    private readonly clock: Clock,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Queues one e-mail; false when its dedupe key was already queued. */
  async enqueue(em: EntityManager, mail: OutgoingEmail): Promise<boolean> {
    return (await this.enqueueMany(em, [mail])) > 0;
  }

  /** Queues many e-mails in one statement (a mailing to every contributor); returns how many were new. */
  enqueueMany(em: EntityManager, mails: readonly OutgoingEmail[]): Promise<number> {
    const now = this.clock.now();
    return this.outbox.insert(
      em,
      mails.map((m) => ({
        ...streamAndScope(m),
        tenantId: m.tenantId,
        template: m.template,
        locale: m.locale,
        toAddress: m.to,
        toName: m.toName ?? null,
        payload: m.payload ?? {},
        dedupeKey: m.dedupeKey ?? null,
        priority: m.priority ?? priorityOf(m.template),
        nextAttemptAt: now,
      })),
    );
  }
}

/** The bulk stream an e-mail is sent in, fixed when it is queued (staff and the worker read it on the row). */
function streamAndScope(m: OutgoingEmail): { stream: string | null; scopeId: string | null } {
  const stream = streamOf(m.template, m.payload ?? {});
  if (!stream) return { stream: null, scopeId: null };
  if (STREAMS[stream].scoped && !m.scopeId) throw new Error(`e-mail ${m.template} needs a scopeId (the campaign its unsubscribe link stops)`);
  return { stream, scopeId: STREAMS[stream].scoped ? m.scopeId! : null };
}
