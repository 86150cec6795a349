import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { UpdateMeDto } from '../auth/dto/auth.dto.js';
import { SignedIn } from '../auth/roles.guard.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import type { Locale } from '../common/i18n/localized.js';
import { checkForm, errorMap, withFieldErrors } from '../common/web/forms.js';
import { sharedTranslations } from '../common/web/i18n.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { ViewService } from '../common/web/view.service.js';
import { MeService } from './me.service.js';

@ApiExcludeController()
@Controller()
export class MePagesController {
  constructor(
    private readonly me: MeService,
    private readonly auth: AuthService,
    private readonly views: ViewService,
  ) {}

  /** Where a signed-in person finds their spaces: jury portal, applications, schedule, partner page, desk. */
  @Get('me')
  @SignedIn()
  async mySpace(@Page() page: PageContext, @Query('saved') saved?: string) {
    return this.view(
      page,
      await this.auth.localeOf(page.tenant.id, page.principal!.userId),
      [],
      saved ? this.views.t(page.locale, 'me.languageSaved') : undefined,
    );
  }

  /** The person's own language, among the authority's (or the site's); the pages follow it at once. */
  @Post('me/language')
  @HttpCode(200)
  @SignedIn()
  async setLanguage(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const again = async (errors: FieldProblem[]) => res.status(400).send(await this.view(page, (body.locale as Locale) || null, errors));
    const form = checkForm(UpdateMeDto, body);
    if (!form.ok) return again(form.errors);
    const locale = form.value.locale ?? null;
    const done = await withFieldErrors(() => this.auth.setLocale(page.tenant, page.principal!.userId, locale));
    if (!done.ok) return again(done.errors);
    // ?lang= makes the pages follow at once (the request context keeps it in the language cookie).
    return res.redirect(303, `${page.basePath}/me?saved=1&lang=${locale ?? page.tenant.defaultLocale}`);
  }

  private async view(page: PageContext, own: Locale | null, errors: FieldProblem[] = [], notice?: string) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const spaces = (await this.me.spaces(page.tenant.id, page.principal!)).map((s) => ({
      programme: s.programme,
      links: s.links.map((l) => ({ href: l.href, label: t(l.label) })),
    }));
    const names = sharedTranslations();
    const languages = [
      { value: '', label: t('me.languageSiteDefault', { name: names.nativeName(page.tenant.defaultLocale) }), selected: !own },
      ...page.tenant.languages.map((l) => ({ value: l, label: names.nativeName(l), lang: l, selected: own === l })),
    ];
    return this.views.page('pages/me/me', page, { title: t('me.title'), spaces, languages, notice, errors: errorMap(errors), errorList: errors });
  }
}
