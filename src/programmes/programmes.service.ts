import { cleanLocalized } from '../common/i18n/localized.js';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { isUniqueViolation, TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { GuardReason } from './domain/phase-guards.js';
import { assertTransition, isPhase, nextPhase, type Phase } from './domain/phase.js';
import { assertValidTimeline, dueTransitions, type Timeline } from './domain/timeline.js';
import { CreateProgrammeDto, UpdateProgrammeDto } from './dto/programme.dto.js';
import { PhaseHooks } from './phase-hooks.js';
import { Programme } from './programme.entity.js';
import { ProgrammesRepository } from './programmes.repository.js';

export function timelineOf(p: Programme): Timeline {
  const t: Timeline = {};
  for (const [phase, iso] of Object.entries(p.timeline ?? {})) {
    if (isPhase(phase) && phase !== 'draft' && iso) t[phase] = new Date(iso);
  }
  return t;
}

function nextInstant(phase: Phase, timeline: Timeline): Date | null {
  const next = nextPhase(phase);
  return next && next !== 'draft' ? (timeline[next] ?? null) : null;
}

@Injectable()
export class ProgrammesService {
  private readonly logger = new Logger('Programmes');

  constructor(
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsService,
    private readonly hooks: PhaseHooks,
    private readonly clock: Clock,
  ) {}

  list(tenantId: string) {
    return this.programmes.list(tenantId);
  }

  get(tenantId: string, id: string): Promise<Programme> {
    return this.programmes.found(tenantId, id);
  }

  async getBySlug(tenantId: string, slug: string): Promise<Programme> {
    const p = await this.programmes.getBySlug(tenantId, slug);
    if (!p) throw new DomainError('NOT_FOUND');
    return p;
  }

  /** Who a phase change tells by e-mail (every staff member), for its confirmation page. */
  async phaseAudience(tenantId: string): Promise<{ staff: number }> {
    return { staff: (await this.users.withRole(tenantId, 'staff')).length };
  }

  transitions(tenantId: string, id: string) {
    return this.programmes.transitions(tenantId, id);
  }

  async create(tenant: Tenant, dto: CreateProgrammeDto, actorUserId: string): Promise<Programme> {
    try {
      return await this.tx.run(async (em) => {
        const p = await this.programmes.insert(em, {
          tenantId: tenant.id,
          slug: dto.slug,
          title: cleanLocalized(dto.title),
          summary: cleanLocalized(dto.summary),
          phase: 'draft',
          timeline: {},
        });
        await this.audit.record(em, {
          tenantId: tenant.id,
          actorUserId,
          action: 'programme.created',
          subjectType: 'programme',
          subjectId: p.id,
          data: { slug: p.slug },
        });
        return p;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'programme_tenant_slug_key')) throw new DomainError('PROGRAMME_SLUG_TAKEN', { slug: dto.slug });
      throw err;
    }
  }

  async update(tenant: Tenant, id: string, dto: UpdateProgrammeDto, actorUserId: string): Promise<Programme> {
    return this.tx.run(async (em) => {
      const p = await this.lockOrNotFound(em, tenant.id, id);
      const patch: Partial<Programme> = {};
      if (dto.title !== undefined) patch.title = cleanLocalized(dto.title);
      if (dto.summary !== undefined) patch.summary = cleanLocalized(dto.summary);
      await this.programmes.update(em, p.id, patch);
      await this.audit.record(em, { tenantId: tenant.id, actorUserId, action: 'programme.updated', subjectType: 'programme', subjectId: p.id, data: patch });
      return { ...p, ...patch };
    });
  }

  /**
   * Replaces the timeline. Instants already passed for phases not yet reached will be caught up by
   * the next scheduler tick, one phase at a time, each with its guards.
   */
  async setTimeline(tenant: Tenant, id: string, timeline: Timeline, actorUserId: string): Promise<Programme> {
    assertValidTimeline(timeline);
    return this.tx.run(async (em) => {
      const p = await this.lockOrNotFound(em, tenant.id, id);
      const stored = Object.fromEntries(
        Object.entries(timeline)
          .filter(([, d]) => d)
          .map(([k, d]) => [k, (d as Date).toISOString()]),
      );
      const nextTransitionAt = nextInstant(p.phase, timeline);
      await this.programmes.update(em, p.id, { timeline: stored, nextTransitionAt, blockedReasons: null });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'programme.timeline_set',
        subjectType: 'programme',
        subjectId: p.id,
        data: { timeline: stored },
      });
      return { ...p, timeline: stored, nextTransitionAt };
    });
  }

  /** A manual move by staff, with a reason. `expectedFrom` guards against a stale page. */
  async transition(tenant: Tenant, id: string, to: Phase, reason: string, actorUserId: string, expectedFrom?: Phase): Promise<Programme> {
    return this.tx.run(async (em) => {
      const p = await this.lockOrNotFound(em, tenant.id, id);
      if (expectedFrom && p.phase !== expectedFrom) {
        throw new DomainError('PHASE_CHANGED_MEANWHILE', { current: p.phase, expected: expectedFrom });
      }
      assertTransition(p.phase, to);
      const blockers = await this.hooks.blockers(em, p, to);
      if (blockers.length) {
        throw new DomainError('PHASE_BLOCKED', {
          to,
          // Rendered in the reader's language by ErrorMessages (a list of message descriptors).
          reasons: blockers,
          blockers,
        });
      }
      return this.enter(em, tenant, p, to, { trigger: 'manual', actorUserId, reason });
    });
  }

  /**
   * The scheduler's work for one programme: every phase whose instant has passed, in order, in one
   * transaction holding the programme's row lock. Another instance holding the lock makes this a
   * no-op (SKIP LOCKED); the unique (programme, phase) key is the last line of defence.
   */
  async advanceDue(programmeId: string): Promise<Phase[]> {
    const entered: Phase[] = [];
    try {
      await this.tx.run(async (em) => {
        entered.length = 0;
        const p = await this.programmes.getForUpdate(em, undefined, programmeId, true);
        if (!p) return;
        const tenant = await this.tenants.get(p.tenantId);
        if (!tenant) return;
        let current = p;
        for (const step of dueTransitions(p.phase, timelineOf(p), this.clock.now())) {
          const blockers = await this.hooks.blockers(em, current, step.to);
          if (blockers.length) {
            await this.block(em, current, blockers);
            break;
          }
          current = await this.enter(em, tenant, current, step.to, { trigger: 'schedule', actorUserId: null, reason: null, at: step.at });
          entered.push(step.to);
        }
      });
    } catch (err) {
      if (isUniqueViolation(err, 'phase_transition_once_key')) return [];
      throw err;
    }
    return entered;
  }

  private async block(em: EntityManager, p: Programme, blockers: GuardReason[]): Promise<void> {
    if (JSON.stringify(p.blockedReasons) === JSON.stringify(blockers)) return;
    await this.programmes.update(em, p.id, { blockedReasons: blockers });
    await this.audit.record(em, {
      tenantId: p.tenantId,
      actorUserId: null,
      action: 'programme.transition_blocked',
      subjectType: 'programme',
      subjectId: p.id,
      data: { from: p.phase, reasons: blockers.map((b) => b.code) },
    });
  }

  private async enter(
    em: EntityManager,
    tenant: Tenant,
    p: Programme,
    to: Phase,
    how: { trigger: 'schedule' | 'manual'; actorUserId: string | null; reason: string | null; at?: Date },
  ): Promise<Programme> {
    const from = p.phase;
    assertTransition(from, to);
    const now = this.clock.now();
    const nextTransitionAt = nextInstant(to, timelineOf(p));
    await this.programmes.update(em, p.id, { phase: to, phaseChangedAt: now, nextTransitionAt, blockedReasons: null });
    await this.programmes.recordTransition(em, {
      tenantId: tenant.id,
      programmeId: p.id,
      fromPhase: from,
      toPhase: to,
      at: now,
      trigger: how.trigger,
      actorUserId: how.actorUserId,
      reason: how.reason,
    });
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId: how.actorUserId,
      action: 'programme.phase_changed',
      subjectType: 'programme',
      subjectId: p.id,
      data: { from, to, trigger: how.trigger, reason: how.reason, scheduledAt: how.at?.toISOString() ?? null },
    });
    const updated: Programme = { ...p, phase: to, phaseChangedAt: now, nextTransitionAt, blockedReasons: null };
    const siteUrl = await this.tenants.siteUrl(tenant, em);
    for (const staff of await this.users.withRole(tenant.id, 'staff', em)) {
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'phase-changed',
        locale: staff.locale ?? tenant.defaultLocale,
        to: staff.email,
        toName: staff.displayName,
        dedupeKey: `phase:${p.id}:${to}:${staff.id}`,
        payload: {
          programmeTitle: p.title,
          from,
          to,
          trigger: how.trigger,
          reason: how.reason,
          link: `${siteUrl}/staff/programmes/${p.id}`,
        },
      });
    }
    await this.hooks.entered(em, { tenant, programme: updated, from, to, at: now });
    this.logger.log(`programme ${p.id} moved ${from} -> ${to} (${how.trigger})`);
    return updated;
  }

  private lockOrNotFound(em: EntityManager, tenantId: string, id: string): Promise<Programme> {
    return this.programmes.lockFound(em, tenantId, id);
  }
}
