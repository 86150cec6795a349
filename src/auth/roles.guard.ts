import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { type CsrfRequest, MULTIPART_FORM } from '../common/web/multipart-form.js';
import { hasRole } from './principal.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import type { Role } from './user.entity.js';

const ACCESS = 'tremplin:access';
/** Rows remembered as found in their tenant (see RolesGuard.inTenant), at most. */
const FOUND_MAX = 20_000;
export type Access = { public: true } | { roles: Role[]; programmeParam?: string } | { signedIn: true } | { platform: true };

/** Anyone, signed in or not. */
export const Public = () => SetMetadata(ACCESS, { public: true } satisfies Access);
/** Platform admins only (installation-wide routes under /platform and /api/platform, whatever the host). */
export const PlatformAdminOnly = () => SetMetadata(ACCESS, { platform: true } satisfies Access);
/** Any signed-in person of the tenant. */
export const SignedIn = () => SetMetadata(ACCESS, { signedIn: true } satisfies Access);
/**
 * Holders of one of the roles, tenant-wide, or for the programme named by the route parameter
 * `programmeParam` (default `programmeId`) when the route has one.
 */
export const Roles = (roles: Role[], programmeParam = 'programmeId') => SetMetadata(ACCESS, { roles, programmeParam } satisfies Access);

/** The access rule a route declares (method first, then its controller), for the OpenAPI document. */
export function accessOf(handler: object, controller: object): Access | undefined {
  return (Reflect.getMetadata(ACCESS, handler) ?? Reflect.getMetadata(ACCESS, controller)) as Access | undefined;
}

/**
 * Global guard, closed by default: a route that declares no access rule answers 403 to everyone,
 * so a forgotten decorator cannot open a route.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly ds: DataSource,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [ctx.getHandler(), ctx.getClass()]);
    const req = ctx.switchToHttp().getRequest<TremplinRequest & CsrfRequest>();
    // A multipart request whose CSRF token is still unread: only a route that reads it may take it.
    if (req.csrfDeferred && !this.reflector.get<boolean | undefined>(MULTIPART_FORM, ctx.getHandler())) throw new DomainError('CSRF_INVALID');
    if (!access) throw new DomainError('FORBIDDEN');
    // A campaign of another authority (or none) is not found before anything else is said about the
    // request (not even that its body is invalid).
    const campaignId = req.params?.campaignId as string | undefined;
    const campaignCheck = async () => {
      if (campaignId !== undefined && !(await this.inTenant('campaign', campaignId, req.tenant?.id))) throw new DomainError('NOT_FOUND');
    };
    if ('platform' in access) {
      if (!req.platformAdmin) throw new DomainError('UNAUTHENTICATED');
      return true;
    }
    if ('public' in access) {
      await campaignCheck();
      // Likewise a programme of another authority on a public route (before its body is validated).
      const programmeId = req.params?.programmeId as string | undefined;
      if (programmeId !== undefined && !(await this.inTenant('programme', programmeId, req.tenant?.id))) throw new DomainError('NOT_FOUND');
      return true;
    }
    if (!req.principal) throw new DomainError('UNAUTHENTICATED');
    await campaignCheck();
    if ('signedIn' in access) return true;
    const programmeId = access.programmeParam ? (req.params?.[access.programmeParam] as string | undefined) : undefined;
    // A programme of another authority (or none) is not found, whatever the role: 404 before 403,
    // so that a refusal never tells that the programme exists elsewhere.
    if (programmeId !== undefined && !(await this.inTenant('programme', programmeId, req.tenant?.id))) throw new DomainError('NOT_FOUND');
    if (hasRole(req.principal, access.roles, programmeId)) return true;
    if (req.principal.roles.includes('platform_admin') && !access.roles.includes('platform_admin')) {
      // Platform admins may act as staff of the tenant they signed in to.
      if (access.roles.includes('staff')) return true;
    }
    throw new DomainError('FORBIDDEN');
  }

  /**
   * Programmes and campaigns found in a tenant, remembered: a row's tenant never changes and neither is
   * ever deleted, so a "yes" stays true (a "no" is asked again: the row may be created meanwhile). A
   * public campaign's requests then reach the service without a query of their own here.
   */
  private readonly found = new Set<string>();

  private async inTenant(table: 'programme' | 'campaign', id: string, tenantId: string | undefined): Promise<boolean> {
    if (!tenantId || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
    const key = `${table}:${tenantId}:${id.toLowerCase()}`;
    if (this.found.has(key)) return true;
    const rows = await this.ds.query(`SELECT 1 FROM ${table} WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
    if (rows.length > 0) {
      if (this.found.size >= FOUND_MAX) this.found.clear();
      this.found.add(key);
    }
    return rows.length > 0;
  }
}
