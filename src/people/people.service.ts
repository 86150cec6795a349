import type { Localized } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { type Role, ROLES } from '../auth/user.entity.js';
import { UsersRepository, type PeopleFilter } from '../auth/users.repository.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';

export const PEOPLE_PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PeopleQuery {
  role?: string;
  programmeId?: string;
  q?: string;
  page?: number;
  sort?: string;
  dir?: string;
}

/** A role as shown: tenant-wide, or for a programme named by its titles (never only its id). */
export interface GrantView {
  id: string;
  role: Role;
  programmeId: string | null;
  programme: { id: string; title: Localized } | null;
  grantedAt: Date;
}

export interface PersonView {
  id: string;
  email: string;
  displayName: string;
  grants: GrantView[];
}

/**
 * Who has access to an authority and with which roles, for staff. Jurors, coaches and partners
 * invited from their own pages are role grants too, so they are listed here with everyone else.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly users: UsersRepository,
    private readonly programmes: ProgrammesRepository,
  ) {}

  /** Unknown filters are ignored rather than refused: a stale bookmark still opens the list. */
  normalise(query: PeopleQuery): { role?: Role; programmeId?: string; q?: string; page: number; sort?: PeopleFilter['sort']; dir?: PeopleFilter['dir'] } {
    const role = ROLES.includes(query.role as Role) ? (query.role as Role) : undefined;
    const programmeId = query.programmeId && UUID.test(query.programmeId) ? query.programmeId : undefined;
    const q = query.q?.trim().slice(0, 200) || undefined;
    const page = Number.isInteger(Number(query.page)) && Number(query.page) >= 1 ? Math.min(Number(query.page), 100_000) : 1;
    const sort = (['name', 'email', 'since'] as const).find((x) => x === query.sort);
    const dir = query.dir === 'desc' ? 'desc' : query.dir === 'asc' ? 'asc' : undefined;
    return { role, programmeId, q, page, sort, dir };
  }

  async list(tenantId: string, query: PeopleQuery) {
    const f = this.normalise(query);
    const { total, people } = await this.users.listPeople(tenantId, {
      role: f.role,
      programmeId: f.programmeId,
      q: f.q,
      sort: f.sort,
      dir: f.dir,
      limit: PEOPLE_PAGE_SIZE,
      offset: (f.page - 1) * PEOPLE_PAGE_SIZE,
    });
    const titles = await this.titles(tenantId);
    return {
      filter: f,
      total,
      page: f.page,
      pageSize: PEOPLE_PAGE_SIZE,
      pages: Math.max(1, Math.ceil(total / PEOPLE_PAGE_SIZE)),
      items: people.map((p): PersonView => ({ id: p.id, email: p.email, displayName: p.displayName, grants: p.grants.map((g) => this.view(g, titles)) })),
    };
  }

  /** One person of the tenant with their roles; PERSON_NOT_FOUND otherwise (another authority's included). */
  async person(tenantId: string, userId: string): Promise<PersonView> {
    const user = UUID.test(userId) ? await this.users.findById(tenantId, userId) : null;
    if (!user) throw new DomainError('PERSON_NOT_FOUND');
    const grants = (await this.users.grants(tenantId, userId)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const titles = await this.titles(tenantId);
    return { id: user.id, email: user.email, displayName: user.displayName, grants: grants.map((g) => this.view(g, titles)) };
  }

  /** The authority's programmes, for the filter and the invitation's select. */
  async programmeOptions(tenantId: string) {
    return (await this.programmes.list(tenantId)).map((p) => ({ id: p.id, title: p.title }));
  }

  private async titles(tenantId: string) {
    return new Map((await this.programmeOptions(tenantId)).map((p) => [p.id, p]));
  }

  private view(g: { id: string; role: Role; programmeId: string | null; createdAt: Date }, titles: Map<string, GrantView['programme'] & object>): GrantView {
    return {
      id: g.id,
      role: g.role,
      programmeId: g.programmeId,
      programme: g.programmeId ? (titles.get(g.programmeId) ?? null) : null,
      grantedAt: g.createdAt,
    };
  }
}
