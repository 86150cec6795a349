import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicantsQuery } from '../applications/applicants.query.js';
import { AuditService } from '../audit/audit.service.js';
import { PeopleQuery } from '../auth/people.query.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { LaureatesQuery, type Laureate } from '../jury/laureates.query.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { computeMatching, type MatchingInput, type PairRef } from './domain/matching.js';
import { DEFAULT_WEIGHTS } from './domain/scoring.js';
import type { MatchingSettingsDto } from './dto/partners.dto.js';
import type { LaureateNeeds, Matching, Partner } from './partner.entity.js';
import { PartnersRepository } from './partners.repository.js';

const samePair = (a: PairRef, b: PairRef) => a.laureateId === b.laureateId && a.partnerId === b.partnerId;

/** Everything the matching reads, loaded once. */
interface MatchingState {
  programme: Programme;
  matching: Matching;
  partners: Partner[];
  laureates: Laureate[];
  needs: LaureateNeeds[];
}

/** Staff's matching of partners with laureates: its settings, the pairs fixed by hand, the run and its confirmation. */
@Injectable()
export class MatchingService {
  constructor(
    private readonly repo: PartnersRepository,
    private readonly people: PeopleQuery,
    private readonly applicants: ApplicantsQuery,
    private readonly programmes: ProgrammesRepository,
    private readonly laureates: LaureatesQuery,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
  ) {}

  async matching(tenant: Tenant, programmeId: string) {
    const state = await this.state(this.repo.manager, tenant, programmeId);
    return { ...state, stale: !!state.matching.result && state.matching.inputHash !== inputHash(this.input(state)) };
  }

  async saveSettings(tenant: Tenant, programmeId: string, dto: MatchingSettingsDto, actorUserId: string): Promise<Matching> {
    return this.tx.run(async (em) => {
      const m = await this.draftMatching(em, tenant, programmeId);
      const patch: Partial<Matching> = {};
      if (dto.weights) patch.weights = { ...dto.weights };
      if (dto.overlap) patch.overlap = dto.overlap;
      if (dto.sponsorsPerLaureate) patch.sponsorsPerLaureate = dto.sponsorsPerLaureate;
      await this.repo.updateMatching(em, m.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'matching.settings_saved',
        subjectType: 'programme',
        subjectId: programmeId,
        data: patch,
      });
      return { ...m, ...patch };
    });
  }

  /** Locks, forbids or frees one pair (the next run follows it). */
  async setPair(tenant: Tenant, programmeId: string, pair: PairRef, rule: 'lock' | 'forbid' | 'none', actorUserId: string): Promise<Matching> {
    return this.tx.run(async (em) => {
      const m = await this.draftMatching(em, tenant, programmeId);
      const laureates = await this.laureates.ofProgramme(em, tenant.id, programmeId, 'rank_then_receipt');
      const partners = await this.repo.partners(em, tenant.id, programmeId);
      if (!laureates.some((l) => l.applicationId === pair.laureateId) || !partners.some((p) => p.id === pair.partnerId))
        throw new DomainError('MATCHING_UNKNOWN_PAIR');
      const ref = { laureateId: pair.laureateId, partnerId: pair.partnerId };
      const locked = m.locked.filter((p) => !samePair(p, ref));
      const forbidden = m.forbidden.filter((p) => !samePair(p, ref));
      if (rule === 'lock') locked.push(ref);
      if (rule === 'forbid') forbidden.push(ref);
      await this.repo.updateMatching(em, m.id, { locked, forbidden });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: `matching.pair_${rule === 'none' ? 'freed' : rule === 'lock' ? 'locked' : 'forbidden'}`,
        subjectType: 'programme',
        subjectId: programmeId,
        data: ref,
      });
      return { ...m, locked, forbidden };
    });
  }

  /** Computes the optimal proposal from the current profiles, weights, locks and forbidden pairs. */
  async run(tenant: Tenant, programmeId: string, actorUserId: string): Promise<Matching> {
    return this.tx.run(async (em) => {
      await this.draftMatching(em, tenant, programmeId);
      const state = await this.state(em, tenant, programmeId);
      const input = this.input(state);
      const result = computeMatching(input);
      const patch = { result, inputHash: inputHash(input), runAt: this.clock.now() };
      await this.repo.updateMatching(em, state.matching.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'matching.run',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { pairs: result.pairs.length, unmatched: result.unmatched.length, totalScore: result.totalScore },
      });
      return { ...state.matching, ...patch };
    });
  }

  /** Confirms the last proposal (refused if anything it read has changed): sponsorships are recorded and both sides e-mailed. */
  async confirm(tenant: Tenant, programmeId: string, actorUserId: string): Promise<Matching> {
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      const m = await this.draftMatching(em, tenant, programmeId);
      const state = await this.state(em, tenant, programmeId);
      if (!m.result) throw new DomainError('MATCHING_NOT_RUN');
      if (m.inputHash !== inputHash(this.input(state))) throw new DomainError('MATCHING_STALE');
      const now = this.clock.now();
      for (const p of m.result.pairs) {
        await this.repo.insertMatch(em, {
          tenantId: tenant.id,
          programmeId,
          partnerId: p.partnerId,
          applicationId: p.laureateId,
          score: p.score,
          terms: p.terms,
          locked: p.locked,
          confirmedAt: now,
        });
      }
      const patch = { status: 'confirmed' as const, confirmedAt: now, confirmedBy: actorUserId };
      await this.repo.updateMatching(em, m.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'matching.confirmed',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { pairs: m.result.pairs.map((p) => ({ laureateId: p.laureateId, partnerId: p.partnerId, score: p.score })) },
      });
      await this.notify(em, tenant, state, m, siteUrl);
      return { ...m, ...patch };
    });
  }

  private async notify(em: EntityManager, tenant: Tenant, state: MatchingState, m: Matching, siteUrl: string): Promise<void> {
    const pairs = m.result!.pairs;
    // The laureate is written to at their account's address, in their language, else the application's.
    const applicants = await this.applicants.of(
      em,
      tenant.id,
      pairs.map((p) => p.laureateId),
    );
    const people = await this.people.contacts(
      em,
      tenant.id,
      applicants.map((a) => a.applicantUserId),
    );
    const apps = applicants.flatMap((a) => {
      const u = people.find((x) => x.id === a.applicantUserId);
      return u ? [{ id: a.applicationId, title: a.title, email: u.email, applicant_name: a.applicantName, locale: a.locale, user_locale: u.locale }] : [];
    });
    const { programme } = state;
    const titles = { programmeTitle: programme.title };
    for (const a of apps) {
      if (!a.email) continue;
      const partners = pairs
        .filter((p) => p.laureateId === a.id)
        .map((p) => state.partners.find((x) => x.id === p.partnerId)!)
        .map((p) => ({ name: p.name, description: p.description }));
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'partners-matched-laureate',
        locale: a.user_locale ?? a.locale,
        to: a.email,
        toName: a.applicant_name,
        dedupeKey: `partners-matched:${m.id}:laureate:${a.id}`,
        payload: { name: a.applicant_name, title: a.title, partners, ...titles, link: `${siteUrl}/partners/programmes/${programme.id}/needs` },
      });
    }
    for (const partner of state.partners) {
      const mine = pairs.filter((p) => p.partnerId === partner.id);
      if (!mine.length) continue;
      const laureates = mine.map((p) => ({ title: apps.find((a) => a.id === p.laureateId)?.title ?? '' }));
      const rows = await this.repo.contactsOf(em, tenant.id, [partner.id]);
      const contacts = (
        await this.people.contacts(
          em,
          tenant.id,
          rows.map((c) => c.userId),
        )
      ).map((u) => ({ id: u.id, email: u.email, display_name: u.displayName, locale: u.locale }));
      for (const c of contacts) {
        await this.outbox.enqueue(em, {
          tenantId: tenant.id,
          template: 'partners-matched-partner',
          locale: c.locale ?? tenant.defaultLocale,
          to: c.email,
          toName: c.display_name,
          dedupeKey: `partners-matched:${m.id}:partner:${partner.id}:${c.id}`,
          payload: { name: c.display_name, partner: partner.name, laureates, ...titles, link: `${siteUrl}/partners/programmes/${programme.id}` },
        });
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private input(state: MatchingState): MatchingInput {
    const needs = new Map(state.needs.map((n) => [n.applicationId, n]));
    const partnerIds = new Set(state.partners.map((p) => p.id));
    const laureateIds = new Set(state.laureates.map((l) => l.applicationId));
    const m = state.matching;
    return {
      laureates: state.laureates.map((l) => ({
        id: l.applicationId,
        needs: needs.get(l.applicationId)?.needs ?? [],
        ...(l.category ? { theme: l.category } : {}),
        preferences: (needs.get(l.applicationId)?.preferences ?? []).filter((id) => partnerIds.has(id)),
      })),
      partners: state.partners.map((p) => ({
        id: p.id,
        expertise: p.expertise,
        themes: p.themes,
        capacity: p.capacity,
        preferences: p.preferences.filter((id) => laureateIds.has(id)),
      })),
      weights: m.weights ?? { ...DEFAULT_WEIGHTS },
      overlap: m.overlap,
      sponsorsPerLaureate: m.sponsorsPerLaureate,
      // Pairs naming someone no longer in the round are dropped rather than failing the run.
      locked: m.locked.filter((p) => laureateIds.has(p.laureateId) && partnerIds.has(p.partnerId)),
      forbidden: m.forbidden,
    };
  }

  private async state(em: EntityManager, tenant: Tenant, programmeId: string): Promise<MatchingState> {
    const programme = await this.programmes.found(tenant.id, programmeId, em);
    const matching = (await this.repo.matching(em, tenant.id, programmeId)) ?? this.repo.newMatching(em, tenant.id, programmeId);
    const partners = await this.repo.partners(em, tenant.id, programmeId);
    const laureates = await this.laureates.ofProgramme(em, tenant.id, programmeId, 'rank_then_receipt');
    const needs = await this.repo.allNeeds(em, tenant.id, programmeId);
    return { programme, matching, partners, laureates, needs };
  }

  /** The matching row, created on first use, locked, and still a draft. */
  private async draftMatching(em: EntityManager, tenant: Tenant, programmeId: string): Promise<Matching> {
    await this.programmes.lockFound(em, tenant.id, programmeId);
    const m = await this.repo.lockMatching(em, tenant.id, programmeId);
    if (m.status === 'confirmed') throw new DomainError('MATCHING_ALREADY_CONFIRMED');
    return m;
  }
}

/** A fingerprint of the matching's input, to tell whether a proposal is still current. */
export function inputHash(input: MatchingInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}
