import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';

/** A change to a programme's laureates after the announcement: one withdrawn, or one promoted from the waiting list. */
export interface LaureateChange {
  tenant: Tenant;
  programmeId: string;
  kind: 'withdrawn' | 'promoted';
  applicationId: string;
  at: Date;
}

/**
 * How modules that start from the laureates (coaching) follow a change without the jury knowing them
 * (the jury may not import coaching: docs/architecture.md). Listeners run inside the transaction of the
 * change, so e.g. a promoted laureate's coaching schedule commits with the promotion, or neither does.
 */
@Injectable()
export class LaureateChanges {
  private readonly listeners: Array<(em: EntityManager, change: LaureateChange) => Promise<void>> = [];

  onChange(fn: (em: EntityManager, change: LaureateChange) => Promise<void>): void {
    this.listeners.push(fn);
  }

  async changed(em: EntityManager, change: LaureateChange): Promise<void> {
    for (const listener of this.listeners) await listener(em, change);
  }
}
