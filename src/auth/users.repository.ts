import { containsPattern } from '../common/db/like.js';
import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Principal } from './principal.js';
import { type Role, RoleGrant, User } from './user.entity.js';

export interface PeopleFilter {
  role?: Role;
  programmeId?: string;
  q?: string;
  /** A whitelisted column (by name by default) and its direction. */
  sort?: 'name' | 'email' | 'since';
  dir?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** The ORDER BY of the people list, from a whitelist (never text from the request). */
function peopleOrder(f: PeopleFilter): string {
  const dir = f.dir === 'desc' ? 'DESC' : 'ASC';
  if (f.sort === 'email') return `u.email ${dir}, u.id`;
  if (f.sort === 'since') return `u.created_at ${dir}, u.id`;
  return `lower(u.display_name) ${dir}, u.email ${dir}, u.id`;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly ds: DataSource) {}

  findByEmail(tenantId: string, email: string, em: EntityManager = this.ds.manager): Promise<User | null> {
    return em.getRepository(User).findOneBy({ tenantId, email });
  }

  findById(tenantId: string, id: string, em: EntityManager = this.ds.manager): Promise<User | null> {
    return em.getRepository(User).findOneBy({ tenantId, id });
  }

  async setLocale(em: EntityManager, tenantId: string, userId: string, locale: Locale | null): Promise<void> {
    await em.query(`UPDATE app_user SET locale = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, userId, locale]);
  }

  /** Finds or creates the person; concurrent calls for one e-mail end with one row. */
  async upsert(em: EntityManager, tenantId: string, email: string, displayName: string, locale: Locale | null = null): Promise<User> {
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
    return em
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoin(RoleGrant, 'g', 'g.user_id = u.id AND g.tenant_id = u.tenant_id')
      .where('u.tenant_id = :tenantId AND g.role = :role AND g.programme_id IS NULL', { tenantId, role })
      .orderBy('u.email')
      .getMany();
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

  /**
   * People holding at least one role in the tenant, filtered and paged, with the total for the pager.
   * `role` and `programmeId` filter on the grants (a person matches when one grant does); `q` searches
   * the name and e-mail (case-insensitive, LIKE wildcards taken literally).
   */
  async listPeople(
    tenantId: string,
    filter: PeopleFilter,
    em: EntityManager = this.ds.manager,
  ): Promise<{ total: number; people: Array<User & { grants: RoleGrant[] }> }> {
    const q = filter.q ? containsPattern(filter.q) : null;
    const where = `u.tenant_id = $1
      AND EXISTS (SELECT 1 FROM role_grant g WHERE g.tenant_id = u.tenant_id AND g.user_id = u.id
                  AND ($2::text IS NULL OR g.role = $2) AND ($3::uuid IS NULL OR g.programme_id = $3))
      AND ($4::text IS NULL OR u.email ILIKE $4 OR u.display_name ILIKE $4)`;
    const params = [tenantId, filter.role ?? null, filter.programmeId ?? null, q];
    const [{ total }] = await em.query(`SELECT count(*)::int AS total FROM app_user u WHERE ${where}`, params);
    const rows: Array<{ id: string }> = await em.query(`SELECT u.id FROM app_user u WHERE ${where} ORDER BY ${peopleOrder(filter)} LIMIT $5 OFFSET $6`, [
      ...params,
      filter.limit,
      filter.offset,
    ]);
    if (!rows.length) return { total, people: [] };
    const ids = rows.map((r) => r.id);
    const users = await em.getRepository(User).findBy({ tenantId, id: In(ids) });
    const grants = await em.getRepository(RoleGrant).find({ where: { tenantId, userId: In(ids) }, order: { createdAt: 'ASC' } });
    const byId = new Map(users.map((u) => [u.id, u]));
    return {
      total,
      people: ids.map((id) => Object.assign(byId.get(id)!, { grants: grants.filter((g) => g.userId === id) })),
    };
  }

  /** Removes one grant of the person; returns it, or undefined when the person has no such grant. */
  async revokeGrant(em: EntityManager, tenantId: string, userId: string, grantId: string): Promise<{ role: Role; programmeId: string | null } | undefined> {
    const [rows]: [Array<{ role: Role; programme_id: string | null }>] = await em.query(
      'DELETE FROM role_grant WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING role, programme_id',
      [tenantId, userId, grantId],
    );
    return rows[0] ? { role: rows[0].role, programmeId: rows[0].programme_id } : undefined;
  }

  /** How many tenant-wide staff grants the tenant has (never let it reach zero). */
  async countWideStaff(em: EntityManager, tenantId: string): Promise<number> {
    const [{ n }] = await em.query("SELECT count(*)::int AS n FROM role_grant WHERE tenant_id = $1 AND role = 'staff' AND programme_id IS NULL", [tenantId]);
    return n;
  }

  /** Serialises changes to the tenant's staff grants for the rest of the transaction (the last-staff rule). */
  async lockStaffGrants(em: EntityManager, tenantId: string): Promise<void> {
    await em.query("SELECT pg_advisory_xact_lock(hashtext('staff-grants:' || $1))", [tenantId]);
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
