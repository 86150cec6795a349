import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../auth/users.repository.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { dueNudges } from './domain/nudges.js';

/** The laureates' reminders during the window: an opening tip, news to post, the last days. */
@Injectable()
export class NudgesService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
  ) {}

  /** The laureates' nudges due now; each queued once (outbox dedupe key from the domain). */
  async queueNudges(now: Date): Promise<number> {
    let n = 0;
    for (const c of await this.campaigns.liveForNudges()) {
      if (!c.opensAt || !c.closesAt) continue;
      const nudges = dueNudges({
        opensAt: new Date(c.openedAt ?? c.opensAt),
        closesAt: new Date(c.closesAt),
        now,
        goalReached: c.collectedCents >= c.goalCents,
        lastUpdateAt: c.lastUpdateAt ? new Date(c.lastUpdateAt) : null,
      });
      if (!nudges.length) continue;
      const tenant = await this.tenants.get(c.tenantId);
      const laureate = tenant && (await this.users.findById(c.tenantId, c.laureateUserId));
      if (!tenant || !laureate) continue;
      const site = await this.tenants.siteUrl(tenant);
      await this.tx.run(async (em) => {
        for (const nudge of nudges) {
          const queued = await this.outbox.enqueue(em, {
            tenantId: c.tenantId,
            template: 'campaign-nudge',
            locale: laureate.locale ?? tenant.defaultLocale,
            to: laureate.email,
            toName: laureate.displayName,
            dedupeKey: `nudge:${c.id}:${nudge.key}`,
            payload: {
              campaignTitle: c.title,
              kind: nudge.kind,
              openingTip: nudge.kind === 'opening_tip',
              updateReminder: nudge.kind === 'update_reminder',
              closingAlert: nudge.kind === 'closing_alert',
              daysLeft: nudge.kind === 'closing_alert' ? nudge.daysLeft : null,
              percent: Math.floor((c.collectedCents * 100) / c.goalCents),
              link: `${site}/campaigns/${c.id}/edit`,
            },
          });
          if (queued) n++;
        }
      });
    }
    return n;
  }
}
