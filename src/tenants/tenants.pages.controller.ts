import { Body, Controller, HttpCode, Get, Header, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { Public, Roles } from '../auth/roles.guard.js';
import { type FieldProblem } from '../common/errors/domain-error.js';
import { CurrentTenant, Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm, errorMap, withFieldErrors } from '../common/web/forms.js';
import { ViewService } from '../common/web/view.service.js';
import { languageOptions } from '../common/web/language-options.js';
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
    private readonly audit: AuditService,
    private readonly views: ViewService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The tenant's colours as CSS custom properties (kept out of inline styles for a strict CSP). */
  @Get('theme.css')
  @Public()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=60')
  theme(@CurrentTenant() tenant: Tenant) {
    return `:root { --brand: ${tenant.primaryColor}; --accent: ${tenant.accentColor}; }\n`;
  }

  @Get('staff/branding')
  @Roles(['staff'])
  branding(@Page() page: PageContext) {
    return this.views.page('pages/staff/branding', page, {
      title: this.views.t(page.locale, 'staff.branding'),
      values: page.tenant,
      languageOptions: languageOptions(page.tenant.languages, page.tenant.defaultLocale),
    });
  }

  @Post('staff/branding')
  @HttpCode(200)
  @Roles(['staff'])
  async saveBranding(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const again = (errors: FieldProblem[]) =>
      res.status(400).send(
        this.views.page('pages/staff/branding', page, {
          title: this.views.t(page.locale, 'staff.branding'),
          values: body,
          languageOptions: languageOptions(body.languages, body.defaultLocale),
          errors: errorMap(errors),
          errorList: errors,
        }),
      );
    // The languages were on the form (`_languages`): none ticked is a list of none (refused), not "unchanged".
    const form = checkForm(BrandingDto, body._languages ? { ...body, languages: body.languages ?? [] } : body);
    if (!form.ok) return again(form.errors);
    const saved = await withFieldErrors(() => this.tenants.updateBranding(page.tenant, form.value, page.principal!.userId));
    if (!saved.ok) return again(saved.errors);
    return res.redirect(303, `${page.basePath}/staff/branding?saved=1`);
  }

  // The people page (list, invitation, roles, sessions, removal) is in src/people/people.pages.controller.ts.

  @Get('staff/audit')
  @Roles(['staff'])
  async auditLog(@Page() page: PageContext, @Query('action') action?: string) {
    const entries = await this.audit.list(page.tenant.id, { action: action || undefined, limit: 200 });
    return this.views.page('pages/staff/audit', page, {
      title: this.views.t(page.locale, 'staff.audit'),
      action,
      entries: entries.map((e) => ({ ...e, dataJson: JSON.stringify(e.data) })),
    });
  }
}
