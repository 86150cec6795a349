import { localizeProblems } from '../common/errors/validation.js';
import { sharedTranslations } from '../common/web/i18n.js';
import type { Locale } from '../common/i18n/localized.js';
import {
  Body,
  Controller,
  createParamDecorator,
  type ExecutionContext,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PlatformAdminOnly, Public } from '../auth/roles.guard.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { PLATFORM_SESSION_COOKIE, setCookie } from '../common/web/cookies.js';
import { checkForm, errorMap, type FormResult } from '../common/web/forms.js';
import { languageOptions } from '../common/web/language-options.js';
import { pageErrors } from '../common/web/page-errors.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { type PlatformPageContext, ViewService } from '../common/web/view.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { CreateAuthorityDto, PlatformLinkDto, UpdateAuthorityDto } from './dto/platform.dto.js';
import type { PlatformAdmin } from './platform-admin.entity.js';
import { type AuthoritySummary, PlatformReadModel } from './platform.read-model.js';
import { PlatformService } from './platform.service.js';

const SESSION_SECONDS = 86_400;

/** Time zones offered in the form's list; any other IANA zone may be typed. */
export const COMMON_TIME_ZONES = [
  'Europe/Paris',
  'Europe/Brussels',
  'Europe/Luxembourg',
  'Europe/Zurich',
  'Europe/Monaco',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Berlin',
  'Europe/Amsterdam',
  'Europe/Vienna',
  'Europe/Warsaw',
  'Europe/Prague',
  'Europe/Copenhagen',
  'Europe/Stockholm',
  'Europe/Helsinki',
  'Europe/Athens',
  'Europe/Bucharest',
  'Indian/Reunion',
  'America/Martinique',
  'America/Guadeloupe',
  'America/Cayenne',
  'Indian/Mayotte',
  'Pacific/Noumea',
  'Pacific/Tahiti',
];

/** What a platform page needs from the request (no tenant: the back-office serves the whole installation). */
const PlatformPage = createParamDecorator((_: unknown, ctx: ExecutionContext): PlatformPageContext =>
  platformPageContext(ctx.switchToHttp().getRequest<TremplinRequest>()),
);

export function platformPageContext(req: TremplinRequest): PlatformPageContext {
  const path = req.url.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
  return { locale: req.locale ?? 'en', path, admin: req.platformAdmin, csrfToken: req.csrfToken };
}

/**
 * Domain errors of the authority forms, as problems next to their fields: the slug or a host already
 * taken (409 in the API), and each bad host name (`hosts.2`), shown on the one hosts textarea.
 */
async function withAuthorityErrors<T>(errors: ErrorMessages, locale: Locale, hosts: string[] | undefined, action: () => Promise<T>): Promise<FormResult<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (err) {
    const { errorList } = pageErrors(errors, err, {
      locale,
      fields: { TENANT_SLUG_TAKEN: 'slug', TENANT_HOST_TAKEN: 'hosts' },
      fieldProblem: (e) => {
        // A bad host is named by what was typed ("not_a_host: must be a host name…").
        const host = /^hosts\.(\d+)$/.exec(e.field);
        const typed = hosts?.[Number(host?.[1])] ?? '';
        if (!host) return e;
        return { field: 'hosts', message: e.key ? localizeProblems([e], locale, () => typed)[0].message : `${typed}: ${e.message}` };
      },
    });
    return { ok: false, errors: errorList };
  }
}

/** The installation's back-office pages: platform admins sign in, list, add, edit, suspend and reactivate authorities. */
@ApiExcludeController()
@Controller('platform')
export class PlatformPagesController {
  constructor(
    private readonly platform: PlatformService,
    private readonly read: PlatformReadModel,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private t(page: PlatformPageContext, key: string, vars?: Record<string, unknown>): string {
    return this.views.t(page.locale, key, vars);
  }

  // ---- sign-in ----------------------------------------------------------------------------------

  @Get('sign-in')
  @Public()
  signIn(@PlatformPage() page: PlatformPageContext, @Res() res: Response, @Query('signedOut') signedOut?: string) {
    if (page.admin) return res.redirect(303, '/platform');
    return res.send(
      this.views.platformPage('pages/platform/sign-in', page, {
        title: this.t(page, 'platform.signIn.title'),
        values: {},
        notice: signedOut ? this.t(page, 'platform.signIn.signedOut') : undefined,
      }),
    );
  }

  /** Same answer whatever the address (and whether a link was already sent within the minute). */
  @Post('sign-in')
  @HttpCode(200)
  @Public()
  async requestLink(@PlatformPage() page: PlatformPageContext, @Body() body: Record<string, unknown>, @Req() req: TremplinRequest, @Res() res: Response) {
    const form = checkForm(PlatformLinkDto, body);
    if (!form.ok) {
      return res.status(400).send(
        this.views.platformPage('pages/platform/sign-in', page, {
          title: this.t(page, 'platform.signIn.title'),
          values: body,
          errors: errorMap(form.errors),
          errorList: form.errors,
        }),
      );
    }
    await this.platform.requestLink(form.value.email, req.ip ?? 'unknown', page.locale);
    return res.send(this.views.platformPage('pages/platform/link-sent', page, { title: this.t(page, 'platform.signIn.sentTitle'), email: form.value.email }));
  }

  /** Opening the link shows a button: mail scanners that follow links do not use it up. */
  @Get('sign-in/link/:token')
  @Public()
  confirm(@PlatformPage() page: PlatformPageContext, @Param('token') token: string) {
    return this.views.platformPage('pages/platform/confirm-link', page, { title: this.t(page, 'platform.signIn.title'), token });
  }

  @Post('sign-in/link/:token')
  @HttpCode(200)
  @Public()
  async consume(@PlatformPage() page: PlatformPageContext, @Param('token') token: string, @Req() req: TremplinRequest, @Res() res: Response) {
    let admin: PlatformAdmin;
    try {
      admin = await this.platform.consumeLink(token);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'SIGN_IN_LINK_INVALID') {
        return res.status(400).send(
          this.views.platformPage('pages/platform/sign-in', page, {
            title: this.t(page, 'platform.signIn.title'),
            values: {},
            notice: this.t(page, 'platform.signIn.linkInvalid'),
          }),
        );
      }
      throw err;
    }
    // A session already in this browser is replaced, not kept beside the new one.
    if (req.sessionToken) await this.platform.signOut(req.sessionToken);
    const session = await this.platform.createCredential(admin.id, 'session');
    setCookie(this.config, req, res, PLATFORM_SESSION_COOKIE, session, SESSION_SECONDS, true);
    return res.redirect(303, '/platform');
  }

  /** Open to anyone: ends this browser's platform session if there is one, and forgets the cookie. */
  @Post('sign-out')
  @HttpCode(200)
  @Public()
  async signOut(@Req() req: TremplinRequest, @Res() res: Response) {
    if (req.sessionToken) await this.platform.signOut(req.sessionToken);
    res.clearCookie(PLATFORM_SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.config.publicUrl?.startsWith('https://') ?? false });
    return res.redirect(303, '/platform/sign-in?signedOut=1');
  }

  // ---- authorities ------------------------------------------------------------------------------

  @Get()
  @PlatformAdminOnly()
  async list(@PlatformPage() page: PlatformPageContext) {
    const authorities = await this.platform.listAuthorities();
    return this.views.platformPage('pages/platform/authorities', page, {
      title: this.t(page, 'platform.authorities'),
      section: 'authorities',
      authorities: authorities.map((a) => this.row(a)),
    });
  }

  @Get('authorities/new')
  @PlatformAdminOnly()
  newAuthority(@PlatformPage() page: PlatformPageContext) {
    return this.form(page, 'new', { languages: ['fr', 'en'].filter((l) => sharedTranslations().isLocale(l)), defaultLanguage: 'fr', timeZone: 'Europe/Paris' });
  }

  @Post('authorities/new')
  @HttpCode(200)
  @PlatformAdminOnly()
  async create(@PlatformPage() page: PlatformPageContext, @Body() body: Record<string, unknown>, @Req() req: TremplinRequest, @Res() res: Response) {
    const again = (errors: FieldProblem[]) => res.status(400).send(this.form(page, 'new', body, errors));
    const form = checkForm(CreateAuthorityDto, blankAsMissing(body));
    if (!form.ok) return again(form.errors);
    const done = await withAuthorityErrors(this.errors, page.locale, form.value.hosts, () =>
      this.platform.createAuthority(form.value, req.platformAdmin as PlatformAdmin),
    );
    if (!done.ok) return again(done.errors);
    return res.redirect(303, `/platform/authorities/${done.value.tenant.id}?created=1`);
  }

  @Get('authorities/:tenantId')
  @PlatformAdminOnly()
  async authority(
    @PlatformPage() page: PlatformPageContext,
    @Param('tenantId', ParseUUIDPipe) id: string,
    @Query('created') created?: string,
    @Query('saved') saved?: string,
    @Query('suspended') suspended?: string,
    @Query('reactivated') reactivated?: string,
  ) {
    const a = await this.platform.authority(id);
    const staff = await this.read.staffEmails(id);
    const notice = created
      ? this.t(page, 'platform.authority.created', { emails: staff.join(', ') })
      : saved
        ? this.t(page, 'platform.authority.saved')
        : suspended
          ? this.t(page, 'platform.authority.suspendedNotice', { name: a.name })
          : reactivated
            ? this.t(page, 'platform.authority.reactivatedNotice', { name: a.name })
            : undefined;
    return this.form(page, 'edit', valuesOf(a), [], { authority: this.row(a), staff, notice });
  }

  @Post('authorities/:tenantId')
  @HttpCode(200)
  @PlatformAdminOnly()
  async update(
    @PlatformPage() page: PlatformPageContext,
    @Param('tenantId', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
    @Req() req: TremplinRequest,
    @Res() res: Response,
  ) {
    const a = await this.platform.authority(id);
    const again = async (errors: FieldProblem[]) =>
      res.status(400).send(this.form(page, 'edit', body, errors, { authority: this.row(a), staff: await this.read.staffEmails(id) }));
    // A field left empty on the edit form keeps no value: hosts may be emptied (the /t/<slug> address remains).
    // The languages were on the form (`_languages`): none ticked is a list of none (refused), not "unchanged".
    const form = checkForm(UpdateAuthorityDto, {
      ...blankAsMissing(body),
      hosts: body.hosts ?? '',
      ...(body._languages ? { languages: body.languages ?? [] } : {}),
    });
    if (!form.ok) return again(form.errors);
    const done = await withAuthorityErrors(this.errors, page.locale, form.value.hosts, () =>
      this.platform.updateAuthority(id, form.value, req.platformAdmin as PlatformAdmin),
    );
    if (!done.ok) return again(done.errors);
    return res.redirect(303, `/platform/authorities/${id}?saved=1`);
  }

  @Get('authorities/:tenantId/suspend')
  @PlatformAdminOnly()
  async confirmSuspend(@PlatformPage() page: PlatformPageContext, @Param('tenantId', ParseUUIDPipe) id: string) {
    return this.confirmPage(page, await this.platform.authority(id), 'suspend');
  }

  @Post('authorities/:tenantId/suspend')
  @HttpCode(200)
  @PlatformAdminOnly()
  async suspend(@Param('tenantId', ParseUUIDPipe) id: string, @Req() req: TremplinRequest, @Res() res: Response) {
    await this.platform.setSuspended(id, true, req.platformAdmin as PlatformAdmin);
    return res.redirect(303, `/platform/authorities/${id}?suspended=1`);
  }

  @Get('authorities/:tenantId/reactivate')
  @PlatformAdminOnly()
  async confirmReactivate(@PlatformPage() page: PlatformPageContext, @Param('tenantId', ParseUUIDPipe) id: string) {
    return this.confirmPage(page, await this.platform.authority(id), 'reactivate');
  }

  @Post('authorities/:tenantId/reactivate')
  @HttpCode(200)
  @PlatformAdminOnly()
  async reactivate(@Param('tenantId', ParseUUIDPipe) id: string, @Req() req: TremplinRequest, @Res() res: Response) {
    await this.platform.setSuspended(id, false, req.platformAdmin as PlatformAdmin);
    return res.redirect(303, `/platform/authorities/${id}?reactivated=1`);
  }

  // ---- rendering --------------------------------------------------------------------------------

  private row(a: AuthoritySummary) {
    const t = sharedTranslations();
    // The default first, each language by its own name.
    const languages = [a.defaultLocale, ...a.languages.filter((l) => l !== a.defaultLocale)].map((l) => ({ locale: l, name: t.nativeName(l) }));
    return {
      ...a,
      suspended: !!a.suspendedAt,
      languageNames: languages,
      href: `/platform/authorities/${a.id}`,
    };
  }

  private form(
    page: PlatformPageContext,
    mode: 'new' | 'edit',
    values: Record<string, unknown>,
    errors: FieldProblem[] = [],
    extra: Record<string, unknown> = {},
  ) {
    const authority = extra.authority as { name: string; id: string } | undefined;
    return this.views.platformPage('pages/platform/authority-form', page, {
      title: mode === 'new' ? this.t(page, 'platform.new.title') : authority!.name,
      section: 'authorities',
      isNew: mode === 'new',
      action: mode === 'new' ? '/platform/authorities/new' : `/platform/authorities/${authority!.id}`,
      values,
      errors: errorMap(errors),
      errorList: errors,
      timeZones: COMMON_TIME_ZONES,
      languageOptions: languageOptions(values.languages ?? (values.language ? [values.language] : []), values.defaultLanguage ?? values.language),
      ...extra,
    });
  }

  private confirmPage(page: PlatformPageContext, a: AuthoritySummary, action: 'suspend' | 'reactivate') {
    return this.views.platformPage('pages/platform/confirm-status', page, {
      title: this.t(page, `platform.${action}.title`, { name: a.name }),
      section: 'authorities',
      authority: this.row(a),
      action,
      isSuspend: action === 'suspend',
      formAction: `/platform/authorities/${a.id}/${action}`,
    });
  }
}

/** An HTML form sends every optional field, empty when left blank: those are "not given", not invalid. */
function blankAsMissing(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => !(typeof v === 'string' && v.trim() === '')));
}

function valuesOf(a: AuthoritySummary): Record<string, unknown> {
  return {
    name: a.name,
    slug: a.slug,
    hosts: a.hosts.join('\n'),
    languages: a.languages,
    defaultLanguage: a.defaultLocale,
    timeZone: a.timeZone,
    senderName: a.senderName,
    senderEmail: a.senderEmail,
  };
}
