import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { LayoutContext } from '../common/web/view.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { TremplinRequest } from './request-context.js';

/** What a page needs from the request: the layout's context, with the full tenant and principal. */
export interface PageContext extends LayoutContext {
  tenant: Tenant;
  principal?: Principal;
}

/** The tenant resolved for this request (always present behind the request-context middleware). */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): Tenant => {
  const tenant = ctx.switchToHttp().getRequest<TremplinRequest>().tenant;
  if (!tenant) throw new DomainError('TENANT_UNKNOWN');
  return tenant;
});

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined => ctx.switchToHttp().getRequest<TremplinRequest>().principal,
);

/** What a page needs from the request: tenant, language, base path, who is signed in, CSRF token. */
export const Page = createParamDecorator((_: unknown, ctx: ExecutionContext): PageContext => pageContext(ctx.switchToHttp().getRequest<TremplinRequest>()));

export function pageContext(req: TremplinRequest): PageContext {
  if (!req.tenant) throw new DomainError('TENANT_UNKNOWN');
  const url = req.url.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
  return { tenant: req.tenant, locale: req.locale, basePath: req.basePath, path: url, principal: req.principal, csrfToken: req.csrfToken };
}

/** The absolute base URL of this tenant's site, for links in e-mails: from configuration only. */
export function baseUrlOf(req: TremplinRequest): string {
  if (!req.tenant || !req.siteUrl) throw new DomainError('TENANT_UNKNOWN');
  return req.siteUrl;
}
