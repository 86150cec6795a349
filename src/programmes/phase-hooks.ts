import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';
import { blockersFor, type GuardReason, type PhaseFacts } from './domain/phase-guards.js';
import type { Phase } from './domain/phase.js';
import type { Programme } from './programme.entity.js';

/** A module's own veto on entering a phase: why not (empty when it may), read in the move's transaction. */
export type PhaseVeto = (em: EntityManager, programme: Programme, to: Phase) => Promise<GuardReason[]>;

export interface PhaseChange {
  tenant: Tenant;
  programme: Programme;
  from: Phase;
  to: Phase;
  at: Date;
}

/**
 * How other capabilities take part in phase changes without the programmes module knowing them:
 * fact providers feed the guards, modules that own a rule veto a move with their reasons (Vendure's
 * `onTransitionStart`), and listeners act inside the transaction of the move (open the
 * campaigns, e-mail the applicants...), so the move and its consequences commit together.
 */
@Injectable()
export class PhaseHooks {
  private readonly factProviders: Array<(em: EntityManager, p: Programme) => Promise<Partial<PhaseFacts>>> = [];
  private readonly vetoes: PhaseVeto[] = [];
  private readonly listeners: Array<(em: EntityManager, change: PhaseChange) => Promise<void>> = [];

  provideFacts(fn: (em: EntityManager, p: Programme) => Promise<Partial<PhaseFacts>>): void {
    this.factProviders.push(fn);
  }

  veto(fn: PhaseVeto): void {
    this.vetoes.push(fn);
  }

  onEnter(fn: (em: EntityManager, change: PhaseChange) => Promise<void>): void {
    this.listeners.push(fn);
  }

  async facts(em: EntityManager, p: Programme): Promise<PhaseFacts> {
    const facts: PhaseFacts = {
      hasTitle: !!(p.titleFr.trim() || p.titleEn.trim()),
      submittedApplications: null, voteClosed: null, confirmedLaureates: null,
    };
    for (const provide of this.factProviders) Object.assign(facts, await provide(em, p));
    return facts;
  }

  /** Why the programme may not enter `to`: the guards fed by the facts, then each module's veto. */
  async blockers(em: EntityManager, p: Programme, to: Phase): Promise<GuardReason[]> {
    const reasons = blockersFor(to, await this.facts(em, p));
    for (const veto of this.vetoes) reasons.push(...(await veto(em, p, to)));
    return reasons;
  }

  async entered(em: EntityManager, change: PhaseChange): Promise<void> {
    for (const listener of this.listeners) await listener(em, change);
  }
}
