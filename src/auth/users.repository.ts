import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { type Role, RoleGrant, User } from './user.entity.js';

@Injectable()
export class UsersRepository {
  constructor(private readonly ds: DataSource) {}

  findByEmail(tenantId: string, email: string, em: EntityManager = this.ds.manager): Promise<User | null> {
    return em.getRepository(User).findOneBy({ tenantId, email });
  }

  findById(tenantId: string, id: string, em: EntityManager = this.ds.manager): Promise<User | null> {
    return em.getRepository(User).findOneBy({ tenantId, id });
  }

  /** Finds or creates the person; concurrent calls for one e-mail end with one row. */
  async upsert(em: EntityManager, tenantId: string, email: string, displayName: string, locale: 'fr' | 'en' | null = null): Promise<User> {
    await em.query(
      `INSERT INTO app_user (tenant_id, email, display_name, locale) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, email) DO NOTHING`,
      [tenantId, email, displayName, locale],
    );
    return (await this.findByEmail(tenantId, email, em))!;
  }

  async grant(em: EntityManager, tenantId: string, userId: string, role: Role, programmeId: string | null = null): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO role_grant (tenant_id, user_id, role, programme_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [tenantId, userId, role, programmeId],
    );
    return rows.length > 0;
  }

  grants(tenantId: string, userId: string): Promise<RoleGrant[]> {
    return this.ds.getRepository(RoleGrant).findBy({ tenantId, userId });
  }

  /** People holding a role tenant-wide (e.g. staff, to notify them). */
  async withRole(tenantId: string, role: Role, em: EntityManager = this.ds.manager): Promise<User[]> {
    return em.getRepository(User).createQueryBuilder('u')
      .innerJoin(RoleGrant, 'g', 'g.user_id = u.id AND g.tenant_id = u.tenant_id')
      .where('u.tenant_id = :tenantId AND g.role = :role AND g.programme_id IS NULL', { tenantId, role })
      .orderBy('u.email').getMany();
  }

  async setPassword(em: EntityManager, tenantId: string, userId: string, hash: string): Promise<void> {
    await em.getRepository(User).update({ tenantId, id: userId }, { passwordHash: hash });
  }
}
