import { Body, Controller, HttpCode, Get, Header, Inject, Post, Query, Res, UploadedFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditLogView, rowsWith } from '../audit/audit-log.view.js';
import { AUDIT_PAGE_SIZE, auditFilterOf, auditQueryString, pagerOf, type AuditQueryParams } from '../audit/audit-page.js';
import { AuditService } from '../audit/audit.service.js';
import { toCsv } from '../common/web/csv.js';
import { Public, Roles } from '../auth/roles.guard.js';
import { type FieldProblem } from '../common/errors/domain-error.js';
import { CurrentTenant, Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm, errorMap, withFieldErrors } from '../common/web/forms.js';
import { ViewService } from '../common/web/view.service.js';
import { languageOptions } from '../common/web/language-options.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { BrandingDto } from './dto/branding.dto.js';
import { brandingView } from './branding.view.js';
import type { Tenant } from './tenant.entity.js';
import { TenantsService } from './tenants.service.js';
import { EmailRenderer } from '../notifications/email-renderer.service.js';
import { FileUploadForm } from '../storage/file-transfer.js';
import { LOGO_RULES } from '../storage/image-rules.js';
import type { UploadedImageFile } from '../storage/images.js';

@ApiExcludeController()
@Controller()
export class TenantsPagesController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly auditView: AuditLogView,
    private readonly views: ViewService,
    private readonly emails: EmailRenderer,
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
    return this.brandingPage(page, {});
  }

  private brandingPage(page: PageContext, extra: Record<string, unknown>): string {
    return this.views.page('pages/staff/branding', page, {
      title: this.views.t(page.locale, 'staff.branding'),
      values: page.tenant,
      languageOptions: languageOptions(page.tenant.languages, page.tenant.defaultLocale),
      ...brandingView(page.tenant, page.locale, page.tenant.timeZone),
      logoMaxMb: Math.round(LOGO_RULES.maxBytes / 1024 / 1024),
      ...extra,
    });
  }

  /**
   * The logo, as a file (multipart, CSRF token in the query like every upload form): checked by its
   * content and resized (storage/images.ts). Twice the limit reaches the check, which names the limit
   * on the field; beyond, the upload is cut (413).
   */
  @Post('staff/branding/logo')
  @HttpCode(200)
  @Roles(['staff'])
  @FileUploadForm('logo', LOGO_RULES.maxBytes * 2)
  async uploadLogo(@Page() page: PageContext, @UploadedFile() file: UploadedImageFile | undefined, @Res() res: Response) {
    const saved = await withFieldErrors(() => this.tenants.setLogo(page.tenant, file, page.principal!.userId));
    if (!saved.ok) return res.status(400).send(this.brandingPage(page, { errors: errorMap(saved.errors), errorList: saved.errors }));
    return res.redirect(303, `${page.basePath}/staff/branding?saved=logo`);
  }

  @Post('staff/branding/logo/remove')
  @HttpCode(200)
  @Roles(['staff'])
  async removeLogo(@Page() page: PageContext, @Res() res: Response) {
    await this.tenants.removeLogo(page.tenant, page.principal!.userId);
    return res.redirect(303, `${page.basePath}/staff/branding?saved=logo-removed`);
  }

  /**
   * A sample e-mail (the sign-in link, with made-up values) rendered by the real renderer with the
   * saved branding, for the branding page's frame. Its own policy: no script, the e-mail's inline
   * styles, images from anywhere (as a mail client), framed by this site only.
   */
  @Get('staff/branding/email-preview')
  @Roles(['staff'])
  async emailPreview(@Page() page: PageContext, @Res() res: Response) {
    const site = await this.tenants.siteUrl(page.tenant);
    const mail = this.emails.render(
      page.tenant,
      'sign-in-link',
      page.locale,
      {
        name: this.views.t(page.locale, 'branding.sampleName'),
        link: `${site.replace(/\/$/, '')}/sign-in/link?token=example`,
        minutes: this.config.signInLinkTtlMinutes,
      },
      site,
    );
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
    );
    res.send(mail.html);
  }

  @Post('staff/branding')
  @HttpCode(200)
  @Roles(['staff'])
  async saveBranding(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const again = (errors: FieldProblem[]) =>
      res.status(400).send(
        this.brandingPage(page, {
          values: body,
          languageOptions: languageOptions(body.languages, body.defaultLocale),
          ...brandingView(page.tenant, page.locale, body.timeZone),
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
  async auditLog(@Page() page: PageContext, @Query() query: AuditQueryParams) {
    const f = auditFilterOf(query, page.tenant.timeZone);
    let { entries, total } = await this.audit.search(page.tenant.id, f.filter, (f.page - 1) * AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE);
    const pager = pagerOf(`${page.basePath}/staff/audit`, f, f.page, total);
    if (pager.page !== f.page) ({ entries, total } = await this.audit.search(page.tenant.id, f.filter, (pager.page - 1) * AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE));
    const choices = await this.audit.choices(page.tenant.id);
    const names = await this.auditView.lookup(page, entries, choices.actorIds);
    const t = (key: string) => this.views.t(page.locale, key);
    return this.views.page('pages/staff/audit', page, {
      title: t('staff.audit'),
      entries: rowsWith(page, entries, names).map((r) => ({
        ...r.entry,
        isoAt: r.entry.at.toISOString(),
        sentence: this.views.safe(r.html),
        actorName: r.actorName,
        dataJson: r.dataJson,
      })),
      pager,
      csvHref: `${page.basePath}/staff/audit.csv${auditQueryString(f)}`,
      actions: choices.actions
        .map((a) => ({
          value: a,
          label: this.views.t(page.locale, `auditAction.${a}`).startsWith('auditAction.') ? a : this.views.t(page.locale, `auditAction.${a}`),
          selected: a === f.filter.action,
        }))
        .sort((a, b) => a.label.localeCompare(b.label, page.locale)),
      actors: choices.actorIds
        .map((id) => ({ value: id, label: names('user', id)?.text ?? t('auditActor.unknown'), selected: id === f.filter.actor }))
        .sort((a, b) => a.label.localeCompare(b.label, page.locale)),
      systemSelected: f.filter.actor === 'system',
      from: f.from,
      to: f.to,
    });
  }

  /** The filtered entries (all of them, up to 5 000) as CSV: headers in the reader's language, the sentence and the raw data. */
  @Get('staff/audit.csv')
  @Roles(['staff'])
  async auditCsv(@Page() page: PageContext, @Query() query: AuditQueryParams, @Res() res: Response) {
    const f = auditFilterOf(query, page.tenant.timeZone);
    const { entries } = await this.audit.search(page.tenant.id, f.filter, 0, 5000);
    const rows = await this.auditView.rows(page, entries);
    const t = (key: string) => this.views.t(page.locale, key);
    const header = ['audit.csvAt', 'audit.csvActor', 'audit.csvAction', 'audit.csvSentence', 'audit.csvSubjectType', 'audit.csvSubjectId', 'audit.csvData'].map(
      t,
    );
    const body = rows.map((r) => [
      r.entry.at.toISOString(),
      r.actorName,
      r.actionLabel,
      r.text,
      r.entry.subjectType,
      r.entry.subjectId,
      JSON.stringify(r.entry.data ?? {}),
    ]);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${page.tenant.slug}-audit.csv"`);
    res.send(toCsv(header, body));
  }
}
