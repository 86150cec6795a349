import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Roles } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { errorMap, localizedFromForm, withFieldErrors } from '../common/web/forms.js';
import { languageFields, textIn } from '../common/web/language-fields.js';
import { ViewService } from '../common/web/view.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { textToHtml } from './domain/legal-settings.js';
import { RGAA_STATUSES } from './domain/legal-settings.js';
import { LegalPagesService, type LegalPageVersion } from './legal-pages.service.js';
import { LegalPagesView } from './legal-pages.view.js';
import type { LegalPageKind } from './privacy.entity.js';

/** The authority's pages in their URL form. */
const KIND_OF_SLUG: Record<string, Exclude<LegalPageKind, 'call_rules'>> = {
  privacy: 'privacy',
  'legal-notice': 'legal_notice',
  accessibility: 'accessibility',
};
const SLUG_OF_KIND: Record<LegalPageKind, string> = { privacy: 'privacy', legal_notice: 'legal-notice', accessibility: 'accessibility', call_rules: 'rules' };

const htmlOf = (body: Record<string, string>) => Object.fromEntries(Object.entries(body).map(([l, t]) => [l, textToHtml(t)]));
const versionOf = (v: unknown): number | undefined => (typeof v === 'string' && /^[1-9]\d{0,5}$/.test(v) ? Number(v) : undefined);

/**
 * The legal pages every authority publishes (privacy notice, legal notice, accessibility statement,
 * each call's rules) and the staff pages that write them. A page never written shows a default built
 * from the privacy settings, in the reader's language.
 */
@ApiExcludeController()
@Controller()
export class LegalPagesPagesController {
  constructor(
    private readonly legal: LegalPagesService,
    private readonly words: LegalPagesView,
    private readonly views: ViewService,
  ) {}

  @Get('privacy')
  @Public()
  privacy(@Page() page: PageContext) {
    return this.publicPage(page, 'privacy');
  }

  @Get('legal-notice')
  @Public()
  legalNotice(@Page() page: PageContext) {
    return this.publicPage(page, 'legal_notice');
  }

  @Get('accessibility')
  @Public()
  accessibility(@Page() page: PageContext) {
    return this.publicPage(page, 'accessibility');
  }

  @Get('programmes/:slug/rules')
  @Public()
  async rules(@Page() page: PageContext, @Param('slug') slug: string, @Query('version') version?: string) {
    const programme = await this.legal.programme(page.tenant.id, { slug });
    if (programme.phase === 'draft') throw new DomainError('NOT_FOUND');
    const asked = versionOf(version);
    if (version !== undefined && !asked) throw new DomainError('NOT_FOUND');
    const current = await this.legal.page(page.tenant.id, 'call_rules', programme.id, asked);
    if (asked && !current) throw new DomainError('NOT_FOUND');
    const versions = await this.legal.versions(page.tenant.id, 'call_rules', programme.id);
    return this.views.page('pages/privacy/rules', page, {
      title: this.views.t(page.locale, 'legal.rules.title', { programme: textIn(programme.title, page.locale, page.tenant) }),
      programme,
      current: current && { ...current, html: htmlOf(current.body) },
      older: asked && versions[0] && versions[0].version !== asked,
      versions: versions.map((v) => ({
        ...v,
        href: `/programmes/${programme.slug}/rules?version=${v.version}`,
        isShown: v.version === (current?.version ?? 0),
      })),
    });
  }

  @Get('staff/privacy')
  @Roles(['staff'])
  async settingsPage(@Page() page: PageContext, @Query('saved') saved?: string) {
    return this.settingsForm(
      page,
      { ...(await this.legal.settings(page.tenant.id)) },
      {},
      saved === 'settings' || saved === 'published' ? `privacy.saved.${saved}` : null,
    );
  }

  @Post('staff/privacy')
  @HttpCode(200)
  @Roles(['staff'])
  async saveSettings(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const done = await withFieldErrors(() => this.legal.saveSettings(page.tenant.id, body, page.principal!.userId));
    if (!done.ok) {
      const typed = { ...(await this.legal.settings(page.tenant.id)), ...body };
      return res.status(400).send(await this.settingsForm(page, typed, { errors: errorMap(done.errors), errorList: done.errors }, null));
    }
    return res.redirect(303, `${page.basePath}/staff/privacy?saved=settings`);
  }

  @Get('staff/privacy/pages/:kind')
  @Roles(['staff'])
  async editor(@Page() page: PageContext, @Param('kind') slug: string, @Query('saved') saved?: string) {
    const kind = this.kindOf(slug);
    const current = await this.legal.page(page.tenant.id, kind, null);
    return this.editorPage(page, kind, null, current?.body, {}, saved === 'published');
  }

  @Post('staff/privacy/pages/:kind')
  @HttpCode(200)
  @Roles(['staff'])
  async editorPost(@Page() page: PageContext, @Param('kind') slug: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    return this.editorStep(page, this.kindOf(slug), null, body, res);
  }

  @Get('staff/programmes/:programmeId/legal-rules')
  @Roles(['staff'])
  async rulesEditor(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query('saved') saved?: string) {
    const programme = await this.legal.programme(page.tenant.id, { id: programmeId });
    const current = await this.legal.page(page.tenant.id, 'call_rules', programme.id);
    return this.editorPage(page, 'call_rules', programme, current?.body, {}, saved === 'published');
  }

  @Post('staff/programmes/:programmeId/legal-rules')
  @HttpCode(200)
  @Roles(['staff'])
  async rulesEditorPost(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const programme = await this.legal.programme(page.tenant.id, { id: programmeId });
    return this.editorStep(page, 'call_rules', programme, body, res);
  }

  private kindOf(slug: string): Exclude<LegalPageKind, 'call_rules'> {
    const kind = Object.hasOwn(KIND_OF_SLUG, slug) ? KIND_OF_SLUG[slug] : undefined;
    if (!kind) throw new DomainError('NOT_FOUND');
    return kind;
  }

  private async publicPage(page: PageContext, kind: Exclude<LegalPageKind, 'call_rules'>) {
    const current = await this.legal.page(page.tenant.id, kind, null);
    const title = this.views.t(page.locale, `legal.${kind}.title`);
    if (current) return this.views.page('pages/privacy/page', page, { title, current: { ...current, html: htmlOf(current.body) } });
    const settings = await this.legal.settings(page.tenant.id);
    return this.views.page(`pages/privacy/default-${SLUG_OF_KIND[kind]}`, page, { title, d: this.words.defaults(page.locale, settings, page.tenant) });
  }

  private async settingsForm(page: PageContext, values: Record<string, unknown>, extra: Record<string, unknown>, savedKey: string | null) {
    return this.views.page('pages/privacy/settings', page, {
      title: this.views.t(page.locale, 'privacy.settings.title'),
      values,
      savedKey,
      rgaaOptions: RGAA_STATUSES.map((s) => ({ value: s, label: this.views.t(page.locale, `legal.rgaa.${s}`), selected: values.rgaaStatus === s })),
      pages: Object.keys(KIND_OF_SLUG).map((slug) => ({
        href: `/staff/privacy/pages/${slug}`,
        label: this.views.t(page.locale, `legal.${KIND_OF_SLUG[slug]}.title`),
      })),
      ...extra,
    });
  }

  private editorBase(kind: LegalPageKind, programme: { id: string } | null): string {
    return programme ? `/staff/programmes/${programme.id}/legal-rules` : `/staff/privacy/pages/${SLUG_OF_KIND[kind]}`;
  }

  private async editorPage(
    page: PageContext,
    kind: LegalPageKind,
    programme: { id: string; slug: string; title: Record<string, string> } | null,
    body: Record<string, string> | undefined,
    extra: Record<string, unknown>,
    published: boolean,
    typed?: Record<string, unknown>,
  ) {
    const versions: LegalPageVersion[] = await this.legal.versions(page.tenant.id, kind, programme?.id ?? null);
    const publicHref = programme ? `/programmes/${programme.slug}/rules` : `/${SLUG_OF_KIND[kind]}`;
    return this.views.page('pages/privacy/editor', page, {
      title: this.views.t(page.locale, 'legal.editor.title', { page: this.views.t(page.locale, `legal.${kind}.title`) }),
      pageTitle: this.views.t(page.locale, `legal.${kind}.title`),
      programme,
      action: this.editorBase(kind, programme),
      langs: languageFields('body', body, typed, page.tenant, { required: true }),
      savedKey: published ? 'privacy.saved.published' : null,
      versions: versions.map((v) => ({ ...v, href: programme ? `${publicHref}?version=${v.version}` : publicHref })),
      publicHref,
      ...extra,
    });
  }

  /** Preview, then a confirmation page, then the new version: nothing is published without the confirmation. */
  private async editorStep(
    page: PageContext,
    kind: LegalPageKind,
    programme: { id: string; slug: string; title: Record<string, string> } | null,
    form: Record<string, unknown>,
    res: Response,
  ) {
    const body = localizedFromForm(form, 'body', page.tenant.languages);
    const base = this.editorBase(kind, programme);
    if (form.confirmed === 'yes') {
      const done = await withFieldErrors(() => this.legal.publish(page.tenant, kind, programme?.id ?? null, body, page.principal!.userId));
      if (done.ok) return res.redirect(303, `${page.basePath}${base}?saved=published`);
      return res
        .status(400)
        .send(await this.editorPage(page, kind, programme, undefined, { errors: errorMap(done.errors), errorList: done.errors }, false, form));
    }
    if (form.intent === 'publish') {
      if (!body[page.tenant.defaultLocale]?.trim()) {
        const errors = [{ field: 'body', message: this.views.t(page.locale, 'validation.required', { label: this.views.t(page.locale, 'field.body') }) }];
        return res.status(400).send(await this.editorPage(page, kind, programme, undefined, { errors: errorMap(errors), errorList: errors }, false, form));
      }
      const next = (await this.legal.versions(page.tenant.id, kind, programme?.id ?? null))[0]?.version ?? 0;
      return res.send(
        confirmPage(this.views, page, {
          title: this.views.t(page.locale, 'legal.confirm.title', { version: next + 1 }),
          consequences: [this.views.t(page.locale, 'legal.confirm.public'), this.views.t(page.locale, 'legal.confirm.kept', { count: next })],
          action: base,
          confirmLabel: this.views.t(page.locale, 'legal.confirm.button'),
          cancel: base,
          fields: { ...Object.fromEntries(Object.entries(body).map(([l, t]) => [`body.${l}`, t])), confirmed: 'yes' },
        }),
      );
    }
    return res.send(await this.editorPage(page, kind, programme, undefined, { preview: htmlOf(body) }, false, form));
  }
}
