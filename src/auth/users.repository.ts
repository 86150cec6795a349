import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../common/web/request-context.js';
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

  grants(tenantId: string, userId: string, em: EntityManager = this.ds.manager): Promise<RoleGrant[]> {
    return em.getRepository(RoleGrant).findBy({ tenantId, userId });
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

  /** Locks the person's row for the rest of the transaction (serialises what is decided per person). */
  async lock(em: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    const rows = await em.query('SELECT 1 FROM app_user WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [userId, tenantId]);
    return rows.length > 0;
  }

  /** Removes every role the person holds in the tenant; returns what was removed. */
  async revokeGrants(em: EntityManager, tenantId: string, userId: string): Promise<Array<{ role: Role; programmeId: string | null }>> {
    const [rows]: [Array<{ role: Role; programme_id: string | null }>] = await em.query(
      'DELETE FROM role_grant WHERE tenant_id = $1 AND user_id = $2 RETURNING role, programme_id',
      [tenantId, userId],
    );
    return rows.map((r) => ({ role: r.role, programmeId: r.programme_id }));
  }

  /** The person as a request sees them: identity and roles, tenant-wide and per programme. */
  async principal(tenantId: string, userId: string, via: Principal['via']): Promise<Principal | undefined> {
    const rows: Array<{ email: string; display_name: string; role: Role | null; programme_id: string | null }> = await this.ds.query(
      `SELECT u.email, u.display_name, g.role, g.programme_id
       FROM app_user u LEFT JOIN role_grant g ON g.user_id = u.id AND g.tenant_id = u.tenant_id
       WHERE u.id = $1 AND u.tenant_id = $2`,
      [userId, tenantId],
    );
    if (!rows.length) return undefined;
    const principal: Principal = { userId, email: rows[0].email, displayName: rows[0].display_name, roles: [], programmeRoles: {}, via };
    for (const r of rows) {
      if (!r.role) continue;
      if (r.programme_id) (principal.programmeRoles[r.programme_id] ??= []).push(r.role);
      else principal.roles.push(r.role);
    }
    return principal;
  }
}
