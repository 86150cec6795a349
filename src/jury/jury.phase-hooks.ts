import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { PhaseHooks, type PhaseChange } from '../programmes/phase-hooks.js';
import { juryBlockers } from './domain/phase-guard.js';
import { JuryRepository } from './jury.repository.js';
import { JuryResultsService } from './jury-results.service.js';

/** How the jury takes part in the programme's lifecycle: its veto on announcing, and what a move does to the vote. */
@Injectable()
export class JuryPhaseHooks implements OnModuleInit {
  constructor(
    private readonly hooks: PhaseHooks,
    private readonly repo: JuryRepository,
    private readonly audit: AuditService,
    private readonly results: JuryResultsService,
  ) {}

  onModuleInit(): void {
    this.hooks.onTransitionStart(async (em, { programme, to }) => {
      if (to !== 'announced') return []; // the only move the jury's rule is about
      const jury = await this.repo.jury(em, programme.tenantId, programme.id);
      // No jury configured: a programme without a jury is not held back.
      if (!jury) return [];
      return juryBlockers(to, {
        voteClosed: jury.status === 'closed',
        confirmedLaureates: jury.confirmedAt ? await this.repo.countLaureates(em, programme.tenantId, programme.id) : 0,
      });
    });
    this.hooks.onEnter((em, change) => this.onPhaseEntered(em, change));
  }

  /**
   * Leaving the jury phase closes an open vote (a safety net: the `announced` guard already asks for a
   * closed vote). Entering `announced` sends the results if staff have confirmed but not yet announced,
   * in the same transaction as the move.
   */
  private async onPhaseEntered(em: EntityManager, change: PhaseChange): Promise<void> {
    const jury = await this.repo.lockJury(em, change.tenant.id, change.programme.id, 'update');
    if (!jury) return;
    if (change.from === 'jury' && jury.status === 'open') {
      await this.repo.updateJury(em, jury.id, { status: 'closed', closedAt: change.at, closedBy: 'phase' });
      await this.audit.record(em, {
        tenantId: change.tenant.id,
        actorUserId: null,
        action: 'jury.vote_closed',
        subjectType: 'programme',
        subjectId: change.programme.id,
        data: { by: 'phase', to: change.to },
      });
      jury.status = 'closed';
      await this.results.sealDraw(em, change.tenant, jury, null);
    }
    if (change.to === 'announced' && jury.confirmedAt && !jury.announcedAt) {
      await this.results.queueAnnouncement(em, change.tenant, change.programme, jury, null);
    }
  }
}
