import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedRows } from '../common/privacy/changed-rows.js';
import type { DataSubject, PersonalDataHolder, PersonalDataSection, RetentionCount } from '../common/privacy/personal-data-holder.js';
import { PersonalDataRegistry } from '../privacy/personal-data.js';

/** A partner's contact people (the partner itself is an organisation: its name and logo are not personal data). */
@Injectable()
export class PartnersPersonalData implements PersonalDataHolder, OnModuleInit {
  readonly name = 'partners';
  readonly covers = [{ table: 'partner_contact', columns: ['user_id'] }];

  constructor(private readonly registry: PersonalDataRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    if (!s.userId) return [];
    const rows = await em.query(
      `SELECT p.name AS partner, c.created_at AS "createdAt" FROM partner_contact c JOIN partner p ON p.id = c.partner_id
        WHERE c.tenant_id = $1 AND c.user_id = $2 ORDER BY c.created_at`,
      [s.tenantId, s.userId],
    );
    return [{ name: 'partnerContacts', rows }];
  }

  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    if (!s.userId) return [];
    return [await changedRows(em, 'erasure', 'partner_contact', `DELETE FROM partner_contact WHERE tenant_id = $1 AND user_id = $2`, [s.tenantId, s.userId])];
  }
}
