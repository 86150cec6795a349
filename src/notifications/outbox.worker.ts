import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { EmailRenderer } from './email-renderer.service.js';
import { createMailTransport, type MailTransport } from './mail-transport.js';
import { OutboxMessage } from './outbox-message.entity.js';

const BATCH = 20;
const LEASE_MS = 2 * 60_000;
const MAX_ATTEMPTS = 8;

/** Retry delays grow: 30 s, 1 min, 2 min, ... capped at 1 h. */
export function backoffMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends queued e-mails. Rows are claimed with FOR UPDATE SKIP LOCKED under a lease, so concurrent
 * instances never send the same row at once, and a row whose sender died is picked up again once
 * its lease ends. A row is marked sent right after the transport accepts it.
 */
@Injectable()
export class OutboxWorker implements OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly transport: MailTransport;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly renderer: EmailRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.transport = createMailTransport(config.smtpUrl, config.dataDir, (m) => this.logger.log(m));
  }

  /** One pass; concurrent calls on one instance share the pass in progress. */
  runOnce(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Sends until nothing is due (tests and shutdown). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      total += n;
      if (n === 0) return total;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
    this.transport.close();
  }

  private async pass(): Promise<number> {
    const now = this.clock.now();
    const claimed: OutboxMessage[] = (await this.ds.query(
      `UPDATE outbox_message SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2
       WHERE id IN (
         SELECT id FROM outbox_message
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING id, tenant_id AS "tenantId", template, locale, to_address AS "toAddress", to_name AS "toName",
                 payload, attempts`,
      [now, new Date(now.getTime() + LEASE_MS)],
    ))[0];
    const tenants = new Map<string, Tenant | null>();
    for (const msg of claimed) {
      try {
        if (!tenants.has(msg.tenantId)) tenants.set(msg.tenantId, await this.ds.getRepository(Tenant).findOneBy({ id: msg.tenantId }));
        const tenant = tenants.get(msg.tenantId);
        if (!tenant) throw new Error('tenant no longer exists');
        const rendered = this.renderer.render(tenant, msg.template, msg.locale, msg.payload);
        await this.transport.send({
          id: msg.id,
          from: `"${tenant.senderName.replace(/"/g, '')}" <${tenant.senderEmail}>`,
          sender: this.config.mailFrom,
          to: msg.toName ? `"${msg.toName.replace(/"/g, '')}" <${msg.toAddress}>` : msg.toAddress,
          ...rendered,
        });
        await this.ds.query(`UPDATE outbox_message SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1`, [msg.id, this.clock.now()]);
      } catch (err) {
        const failed = msg.attempts >= MAX_ATTEMPTS;
        this.logger.warn(`e-mail ${msg.id} (${msg.template}) attempt ${msg.attempts} failed: ${(err as Error).message}`);
        await this.ds.query(
          `UPDATE outbox_message SET status = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1`,
          [msg.id, failed ? 'failed' : 'pending', new Date(this.clock.now().getTime() + backoffMs(msg.attempts)), String((err as Error).message).slice(0, 1000)],
        );
      }
    }
    return claimed.length;
  }
}
