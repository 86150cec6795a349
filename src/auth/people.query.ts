import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { type Role, RoleGrant, User } from './user.entity.js';

/** A person as other modules need them: who they are and how to write to them. */
export interface PersonContact {
  id: string;
  displayName: string;
  email: string;
  /** The person's own choice; null means "the language of what they are answering". */
  locale: Locale | null;
}

const contactOf = (u: User): PersonContact => ({ id: u.id, displayName: u.displayName, email: u.email, locale: u.locale });

/**
 * The auth module's read API on people and their roles, for the other modules (coaching, partners,
 * jury...), so that none of them joins `app_user` or `role_grant` itself. Every method takes the
 * tenant id: another tenant's ids find nobody.
 */
@Injectable()
export class PeopleQuery {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  /** The contacts of these people (unknown ids are left out), ordered by e-mail. */
  async contacts(em: EntityManager, tenantId: string, userIds: readonly string[]): Promise<PersonContact[]> {
    if (!userIds.length) return [];
    const users = await em.getRepository(User).find({ where: { tenantId, id: In([...new Set(userIds)]) }, order: { email: 'ASC' } });
    return users.map(contactOf);
  }

  /** One person's contact, or null when they are not of this tenant. */
  async contact(em: EntityManager, tenantId: string, userId: string): Promise<PersonContact | null> {
    const user = await em.getRepository(User).findOneBy({ tenantId, id: userId });
    return user ? contactOf(user) : null;
  }

  /** People holding one of these roles tenant-wide or in the programme, each once, ordered by e-mail. */
  async withRoleIn(em: EntityManager, tenantId: string, roles: readonly Role[], programmeId: string): Promise<PersonContact[]> {
    const users = await em
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.tenant_id = :tenantId', { tenantId })
      .andWhere(
        (qb) =>
          `EXISTS ${qb
            .subQuery()
            .select('1')
            .from(RoleGrant, 'g')
            .where('g.user_id = u.id AND g.role IN (:...roles) AND (g.programme_id IS NULL OR g.programme_id = :programmeId)')
            .getQuery()}`,
        { roles, programmeId },
      )
      .orderBy('u.email')
      .getMany();
    return users.map(contactOf);
  }

  /** Whether the person holds one of these roles tenant-wide or in the programme. */
  async hasRoleIn(em: EntityManager, tenantId: string, userId: string, roles: readonly Role[], programmeId: string): Promise<boolean> {
    const n = await em
      .getRepository(RoleGrant)
      .createQueryBuilder('g')
      .where('g.tenant_id = :tenantId AND g.user_id = :userId AND g.role IN (:...roles)', { tenantId, userId, roles })
      .andWhere('(g.programme_id IS NULL OR g.programme_id = :programmeId)', { programmeId })
      .getCount();
    return n > 0;
  }
}
