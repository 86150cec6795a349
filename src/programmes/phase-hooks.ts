import { hasText } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';
import { blockersFor, type GuardReason } from './domain/phase-guards.js';
import type { Phase } from './domain/phase.js';
import type { Programme } from './programme.entity.js';

export interface PhaseChange {
  tenant: Tenant;
  programme: Programme;
  from: Phase;
  to: Phase;
  at: Date;
}

/** A move about to be made: the programme as locked in the transaction of the move, and where it goes. */
export interface PhaseAttempt {
  programme: Programme;
  to: Phase;
}

/** A module's veto on a move: the reasons it may not be made now (empty when it may). */
export type PhaseGuard = (em: EntityManager, attempt: PhaseAttempt) => Promise<GuardReason[]>;

/**
 * How other capabilities take part in phase changes without the programmes module knowing them
 * (Vendure's `onTransitionStart`): guards registered by the module that owns the rule say why a move
 * may not be made, and listeners act inside the transaction of the move (open the campaigns, e-mail
 * the applicants...), so the move and its consequences commit together.
 */
@Injectable()
export class PhaseHooks {
  private readonly guards: PhaseGuard[] = [];
  private readonly listeners: Array<(em: EntityManager, change: PhaseChange) => Promise<void>> = [];

  onTransitionStart(guard: PhaseGuard): void {
    this.guards.push(guard);
  }

  onEnter(fn: (em: EntityManager, change: PhaseChange) => Promise<void>): void {
    this.listeners.push(fn);
  }

  /** Every reason against the move: the programme's own first, then each module's, in registration order. */
  async blockers(em: EntityManager, p: Programme, to: Phase): Promise<GuardReason[]> {
    const reasons = blockersFor(to, { hasTitle: hasText(p.title) });
    for (const guard of this.guards) reasons.push(...(await guard(em, { programme: p, to })));
    return reasons;
  }

  async entered(em: EntityManager, change: PhaseChange): Promise<void> {
    for (const listener of this.listeners) await listener(em, change);
  }
}
