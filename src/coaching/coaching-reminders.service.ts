import { Injectable } from '@nestjs/common';
import { PeopleQuery } from '../auth/people.query.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { formatInstant } from '../common/web/view.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { CoachingRepository, type LaureateRow } from './coaching.repository.js';
import { CoachingService, toLaureateMilestone, weekOf, type MilestoneView } from './coaching.service.js';
import { dueReminders } from './domain/reminders.js';

/** Scheduled work of coaching: the laureates' milestone reminders and the coaches' weekly digest. */
@Injectable()
export class CoachingRemindersService {
  constructor(
    private readonly repo: CoachingRepository,
    private readonly coaching: CoachingService,
    private readonly programmes: ProgrammesRepository,
    private readonly people: PeopleQuery,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
  ) {}

  /**
   * Queues what is due now: milestone reminders (7 and 1 days before a due date, the day of a session,
   * once overdue) and each coach's weekly digest. Every e-mail carries a stable dedupe key (the domain's
   * reminder key, or coach and week), so ticks on several instances queue each one once.
   */
  async queueDue(now: Date): Promise<number> {
    let queued = 0;
    const em = this.repo.manager;
    const laureates = await this.repo.remindable(em, await this.programmes.idsInPhases(['coaching', 'communication'], em));
    const tenants = new Map<string, Tenant | null>();
    const tenantOf = async (id: string) => {
      if (!tenants.has(id)) tenants.set(id, await this.tenants.get(id));
      return tenants.get(id) ?? null;
    };
    const byCoach = new Map<string, { tenant: Tenant; items: Array<{ laureate: LaureateRow; milestone: MilestoneView }> }>();
    for (const l of laureates) {
      const tenant = await tenantOf(l.tenantId);
      if (!tenant) continue;
      const schedule = await this.coaching.scheduleOf(em, tenant.id, l, now);
      const reminders = dueReminders(
        schedule.milestones.map(toLaureateMilestone),
        {
          laureateId: l.id,
          muted: l.remindersMuted,
          timeZone: tenant.timeZone,
          locale: l.locale,
        },
        now,
        new Set(),
      );
      if (reminders.length) {
        const siteUrl = await this.tenants.siteUrl(tenant);
        const programme = await this.programmes.get(tenant.id, l.programmeId, em);
        queued += await this.tx.run(async (tem) => {
          let n = 0;
          for (const r of reminders) {
            const ok = await this.outbox.enqueue(tem, {
              tenantId: tenant.id,
              template: 'coaching-reminder',
              locale: r.locale,
              to: l.email,
              toName: l.displayName,
              dedupeKey: r.key,
              payload: {
                name: l.displayName,
                title: r.title,
                when: formatInstant(r.at, r.locale, r.timeZone),
                daysBefore: r.daysBefore ?? null,
                beforeDue: r.kind === 'before_due',
                sessionDay: r.kind === 'session_day',
                overdue: r.kind === 'overdue',
                programmeTitle: programme?.title ?? {},
                link: `${siteUrl}/coaching/programmes/${l.programmeId}`,
              },
            });
            if (ok) n++;
          }
          return n;
        });
      }
      if (l.coachUserId) {
        const awaiting = schedule.milestones.filter((m) => m.status === 'submitted' || m.effective === 'overdue');
        if (awaiting.length) {
          const entry = byCoach.get(l.coachUserId) ?? { tenant, items: [] };
          entry.items.push(...awaiting.map((milestone) => ({ laureate: l, milestone })));
          byCoach.set(l.coachUserId, entry);
        }
      }
    }
    for (const [coachUserId, { tenant, items }] of byCoach) queued += await this.queueDigest(tenant, coachUserId, items, now);
    return queued;
  }

  /** One digest per coach per week (Monday of the authority's week), whatever the number of instances. */
  private async queueDigest(
    tenant: Tenant,
    coachUserId: string,
    items: Array<{ laureate: LaureateRow; milestone: MilestoneView }>,
    now: Date,
  ): Promise<number> {
    const week = weekOf(now, tenant.timeZone);
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      const coach = await this.people.contact(em, tenant.id, coachUserId);
      if (!coach) return 0;
      const locale = coach.locale ?? tenant.defaultLocale;
      const programmes = [...new Set(items.map((i) => i.laureate.programmeId))];
      const ok = await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'coaching-digest',
        locale,
        to: coach.email,
        toName: coach.displayName,
        dedupeKey: `coaching-digest:${coachUserId}:${week}`,
        payload: {
          name: coach.displayName,
          week,
          toReview: items
            .filter((i) => i.milestone.status === 'submitted')
            .map((i) => ({ laureate: i.laureate.displayName, project: i.laureate.title, title: i.milestone.title })),
          overdue: items
            .filter((i) => i.milestone.effective === 'overdue')
            .map((i) => ({
              laureate: i.laureate.displayName,
              project: i.laureate.title,
              title: i.milestone.title,
              when: formatInstant(i.milestone.at, locale, tenant.timeZone),
            })),
          link: `${siteUrl}/coaching/programmes/${programmes[0]}/coach`,
        },
      });
      return ok ? 1 : 0;
    });
  }
}
