import { Body, Controller, HttpCode, Get, Header, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { InvitePersonDto } from '../auth/dto/auth.dto.js';
import { Public, Roles } from '../auth/roles.guard.js';
import { type FieldProblem } from '../common/errors/domain-error.js';
import { baseUrlOf, CurrentTenant, Page } from '../common/web/current.decorators.js';
import { checkForm, errorMap, withFieldErrors } from '../common/web/forms.js';
import type { TremplinRequest } from '../common/web/request-context.js';
import { type PageContext, ViewService } from '../common/web/view.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { BrandingDto } from './dto/branding.dto.js';
import type { Tenant } from './tenant.entity.js';
import { TenantsService } from './tenants.service.js';

@ApiExcludeController()
@Controller()
export class TenantsPagesController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly views: ViewService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The tenant's colours as CSS custom properties (kept out of inline styles for a strict CSP). */
  @Get('theme.css') @Public() @Header('Content-Type', 'text/css; charset=utf-8') @Header('Cache-Control', 'public, max-age=60')
  theme(@CurrentTenant() tenant: Tenant) {
    return `:root { --brand: ${tenant.primaryColor}; --accent: ${tenant.accentColor}; }\n`;
  }

  @Get('staff/branding') @Roles(['staff'])
  branding(@Page() page: PageContext) {
    return this.views.page('pages/staff/branding', page, { title: this.views.t(page.locale, 'staff.branding'), values: page.tenant });
  }

  @Post('staff/branding') @HttpCode(200) @Roles(['staff'])
  async saveBranding(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const again = (errors: FieldProblem[]) => res.status(400).send(this.views.page('pages/staff/branding', page, {
      title: this.views.t(page.locale, 'staff.branding'), values: body, errors: errorMap(errors), errorList: errors,
    }));
    const form = checkForm(BrandingDto, body);
    if (!form.ok) return again(form.errors);
    const saved = await withFieldErrors(() => this.tenants.updateBranding(page.tenant, form.value, page.principal!.userId));
    if (!saved.ok) return again(saved.errors);
    return res.redirect(303, `${page.basePath}/staff/branding?saved=1`);
  }

  @Get('staff/people') @Roles(['staff'])
  people(@Page() page: PageContext) {
    return this.views.page('pages/staff/people', page, { title: this.views.t(page.locale, 'staff.people'), values: {} });
  }

  @Post('staff/people') @HttpCode(200) @Roles(['staff'])
  async invite(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Req() req: TremplinRequest, @Res() res: Response) {
    const again = (errors: FieldProblem[]) => res.status(400).send(this.views.page('pages/staff/people', page, {
      title: this.views.t(page.locale, 'staff.people'), values: body, errors: errorMap(errors), errorList: errors,
    }));
    const form = checkForm(InvitePersonDto, body);
    if (!form.ok) return again(form.errors);
    const done = await withFieldErrors(() => this.auth.invite(page.tenant, page.principal!.userId, form.value, baseUrlOf(req)));
    if (!done.ok) return again(done.errors);
    return res.send(this.views.page('pages/staff/people', page, {
      title: this.views.t(page.locale, 'staff.people'), values: {}, invited: { email: done.value.user.email, granted: done.value.granted },
    }));
  }

  @Get('staff/audit') @Roles(['staff'])
  async auditLog(@Page() page: PageContext, @Query('action') action?: string) {
    const entries = await this.audit.list(page.tenant.id, { action: action || undefined, limit: 200 });
    return this.views.page('pages/staff/audit', page, {
      title: this.views.t(page.locale, 'staff.audit'), action,
      entries: entries.map((e) => ({ ...e, dataJson: JSON.stringify(e.data) })),
    });
  }
}
