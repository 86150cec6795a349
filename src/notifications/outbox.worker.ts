import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { siteUrlFor } from '../tenants/domain/hosts.js';
import { RATE_WINDOW_MS, ratedClaimOrder, shareSlots } from './domain/mail-rate.js';
import { EmailRenderer } from './email-renderer.service.js';
import { createMailTransport, type MailTransport } from './mail-transport.js';
import { type ClaimedMessage, OutboxRepository } from './outbox.repository.js';
import { EmailSuppressionRepository } from './email-suppression.repository.js';
import { isStream } from './domain/email-streams.js';
import { emailKeyOf, signUnsubscribe, unsubscribeKey } from './domain/unsubscribe-token.js';

/** The iCalendar part a queued e-mail carries (`payload.calendar`, written when it was queued). */
function calendarOf(payload: Record<string, unknown>): { calendar?: { method: string; content: string } } {
  const c = payload.calendar as { method?: unknown; content?: unknown } | undefined;
  return c && typeof c.method === 'string' && typeof c.content === 'string' ? { calendar: { method: c.method, content: c.content } } : {};
}

/** Messages claimed by one pass. */
export const BATCH = 20;
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
 *
 * A pass claims transactional mail first, of every authority, however much older bulk mail waits;
 * the slots left go to the authorities' other mail, least served first, each within its send rate.
 */
@Injectable()
export class OutboxWorker implements OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly transport: MailTransport;
  private running: Promise<number> | undefined;
  private stopped = false;
  private readonly unsubscribeKey: Buffer;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly suppressions: EmailSuppressionRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly renderer: EmailRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.transport = createMailTransport(config.smtpUrl, config.dataDir, (m) => this.logger.log(m));
    this.unsubscribeKey = unsubscribeKey(config.appSecret);
  }

  /** One pass (at most BATCH messages); concurrent calls on one instance share the pass in progress. */
  runOnce(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Sends until nothing is due, or nothing more the send rates allow (tests and shutdown). */
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
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    // Committed on its own: nothing in the rated claim below can hold a sign-in link back.
    const urgent = await this.tx.run((em) => this.outbox.claimTransactional(em, now, leaseUntil, BATCH));
    let rated: ClaimedMessage[] = [];
    if (urgent.length < BATCH) {
      rated = await this.claimRated(now, leaseUntil, BATCH - urgent.length).catch((err: Error) => {
        this.logger.warn(`claiming rated e-mails failed: ${err.message}`);
        return [];
      });
    }
    const claimed = [...urgent, ...rated];
    const tenants = new Map<string, Tenant | null>();
    const sites = new Map<string, string>();
    const left = await this.leftTheirStream(claimed);
    for (const msg of claimed) {
      try {
        const stream = isStream(msg.stream) ? msg.stream : null;
        if (stream && !left) throw new Error('cannot tell whether the address unsubscribed');
        // Checked when sending, not when queuing: an unsubscribe stops what is already waiting too.
        if (stream && left!.has(msg.id)) {
          await this.outbox.markSuppressed(msg.id, this.clock.now());
          continue;
        }
        if (!tenants.has(msg.tenantId)) tenants.set(msg.tenantId, await this.outbox.tenant(msg.tenantId));
        const tenant = tenants.get(msg.tenantId);
        if (!tenant) throw new Error('tenant no longer exists');
        // The site's address (logo, unsubscribe link, the "why" line): from configuration and the
        // registered hosts, as every link, never from a request.
        if (!sites.has(tenant.id)) {
          sites.set(tenant.id, siteUrlFor(tenant.slug, await this.outbox.hostNames(tenant.id), this.config.publicUrl, this.config.port));
        }
        const site = sites.get(tenant.id)!.replace(/\/$/, '');
        const unsubscribeUrl = stream
          ? `${site}/unsubscribe/${signUnsubscribe(this.unsubscribeKey, { tenantId: tenant.id, emailKey: emailKeyOf(msg.toAddress), stream, scopeId: msg.scopeId })}`
          : undefined;
        const rendered = this.renderer.render(tenant, msg.template, msg.locale, msg.payload, site, { unsubscribeUrl });
        await this.transport.send({
          id: msg.id,
          from: `"${tenant.senderName.replace(/"/g, '')}" <${tenant.senderEmail}>`,
          sender: this.config.mailFrom,
          to: msg.toName ? `"${msg.toName.replace(/"/g, '')}" <${msg.toAddress}>` : msg.toAddress,
          ...rendered,
          ...calendarOf(msg.payload),
          unsubscribeUrl,
        });
        await this.outbox.markSent(msg.id, this.clock.now());
      } catch (err) {
        const failed = msg.attempts >= MAX_ATTEMPTS;
        this.logger.warn(`e-mail ${msg.id} (${msg.template}) attempt ${msg.attempts} failed: ${(err as Error).message}`);
        await this.outbox.markFailedAttempt(
          msg.id,
          failed ? 'failed' : 'pending',
          new Date(this.clock.now().getTime() + backoffMs(msg.attempts)),
          String((err as Error).message).slice(0, 1000),
        );
      }
    }
    return claimed.length;
  }

  /** The ids of the claimed bulk e-mails whose address left their stream; undefined when that cannot be read now. */
  private async leftTheirStream(claimed: readonly ClaimedMessage[]): Promise<Set<string> | undefined> {
    const bulk = claimed.filter((m) => isStream(m.stream));
    try {
      const hit = await this.suppressions.suppressed(
        bulk.map((m) => ({ tenantId: m.tenantId, emailKey: emailKeyOf(m.toAddress), stream: m.stream!, scopeId: m.scopeId })),
      );
      return new Set(bulk.filter((_, i) => hit.has(i)).map((m) => m.id));
    } catch (err) {
      this.logger.warn(`reading unsubscriptions failed: ${(err as Error).message}`);
      return undefined;
    }
  }

  /**
   * Personal and bulk mail, within each authority's rate. The budget is counted in PostgreSQL under
   * a per-authority advisory lock held until the claims commit, so it holds across instances.
   */
  private claimRated(now: Date, leaseUntil: Date, slots: number): Promise<ClaimedMessage[]> {
    return this.tx.run(async (em) => {
      const due = await this.outbox.tenantsWithRatedMailDue(em, now);
      const won = await this.outbox.lockTenants(em, due);
      const usage = await this.outbox.ratedClaimsSince(em, won, new Date(now.getTime() - RATE_WINDOW_MS));
      const claimed: ClaimedMessage[] = [];
      await shareSlots(slots, ratedClaimOrder(this.config.mailRatePerMinute, usage), async (tenantId, n) => {
        const rows = await this.outbox.claimRated(em, tenantId, now, leaseUntil, n);
        claimed.push(...rows);
        return rows.length;
      });
      return claimed;
    });
  }
}
