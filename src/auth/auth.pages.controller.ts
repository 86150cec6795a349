import { Body, Controller, HttpCode, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '../common/errors/domain-error.js';
import { baseUrlOf, Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { SESSION_COOKIE, setCookie } from '../common/web/cookies.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { ViewService } from '../common/web/view.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AuthService } from './auth.service.js';
import { safeRedirectPath } from './domain/tokens.js';
import { PasswordSignInDto, RequestLinkDto } from './dto/auth.dto.js';
import { Public, SignedIn } from './roles.guard.js';
import { SessionsService } from './sessions.service.js';

@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly views: ViewService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('sign-in')
  @Public()
  signIn(@Page() page: PageContext, @Query('next') next?: string, @Query('signedOut') signedOut?: string) {
    return this.views.page('pages/auth/sign-in', page, {
      title: this.views.t(page.locale, 'signIn.title'),
      next: safeRedirectPath(next),
      values: {},
      notice: signedOut === 'everywhere' ? this.views.t(page.locale, 'signIn.signedOutEverywhere') : undefined,
    });
  }

  @Post('sign-in/link')
  @HttpCode(200)
  @Public()
  async requestLink(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Req() req: TremplinRequest, @Res() res: Response) {
    const form = checkForm(RequestLinkDto, body);
    if (!form.ok) {
      return res.status(400).send(
        this.views.page('pages/auth/sign-in', page, {
          title: this.views.t(page.locale, 'signIn.title'),
          errors: errorMap(form.errors),
          errorList: form.errors,
          values: body,
          next: safeRedirectPath(body.next),
        }),
      );
    }
    await this.auth.requestSignInLink(form.value.email, {
      tenant: page.tenant,
      ip: req.ip ?? 'unknown',
      locale: page.locale,
      baseUrl: baseUrlOf(req),
      next: safeRedirectPath(form.value.next),
    });
    return res.send(this.views.page('pages/auth/link-sent', page, { title: this.views.t(page.locale, 'signIn.linkSentTitle'), email: form.value.email }));
  }

  @Post('sign-in/password')
  @HttpCode(200)
  @Public()
  async password(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Req() req: TremplinRequest, @Res() res: Response) {
    const form = checkForm(PasswordSignInDto, body);
    const again = (status: number, errors: Array<{ field: string; message: string }>) =>
      res.status(status).send(
        this.views.page('pages/auth/sign-in', page, {
          title: this.views.t(page.locale, 'signIn.title'),
          errors: errorMap(errors),
          errorList: errors,
          values: { email: body.email },
          next: safeRedirectPath(body.next),
        }),
      );
    if (!form.ok) return again(400, form.errors);
    try {
      const user = await this.auth.verifyPassword(page.tenant, form.value.email, form.value.password, req.ip ?? 'unknown');
      await this.startSession(req, res, page.tenant.id, user.id);
      return res.redirect(303, `${page.basePath}${safeRedirectPath(form.value.next) ?? '/'}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CREDENTIALS_INVALID') {
        return again(401, [{ field: 'password', message: this.views.t(page.locale, 'signIn.credentialsInvalid') }]);
      }
      throw err;
    }
  }

  /** Opening the link shows a button: mail scanners that follow links do not use it up. */
  @Get('sign-in/link/:token')
  @Public()
  confirm(@Page() page: PageContext, @Param('token') token: string) {
    return this.views.page('pages/auth/confirm-link', page, { title: this.views.t(page.locale, 'signIn.title'), token });
  }

  @Post('sign-in/link/:token')
  @HttpCode(200)
  @Public()
  async consume(@Page() page: PageContext, @Param('token') token: string, @Req() req: TremplinRequest, @Res() res: Response) {
    try {
      const { user, next } = await this.auth.consumeLink(page.tenant, token);
      await this.startSession(req, res, page.tenant.id, user.id);
      // Without a destination, a person lands on their own space (jury portal, schedule, desk...).
      return res.redirect(303, `${page.basePath}${safeRedirectPath(next) ?? '/me'}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'SIGN_IN_LINK_INVALID') {
        return res.status(400).send(
          this.views.page('pages/auth/sign-in', page, {
            title: this.views.t(page.locale, 'signIn.title'),
            values: {},
            notice: this.views.t(page.locale, 'signIn.linkInvalid'),
          }),
        );
      }
      throw err;
    }
  }

  @Post('sign-out')
  @HttpCode(200)
  @SignedIn()
  async signOut(@Req() req: TremplinRequest, @Res() res: Response) {
    if (req.sessionToken) await this.auth.endSession(req.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: req.basePath || '/' });
    return res.redirect(303, `${req.basePath}/`);
  }

  /** Says what signing out everywhere does, and where the person is signed in, before they confirm. */
  @Get('me/sign-out-everywhere')
  @SignedIn()
  async confirmSignOutEverywhere(@Page() page: PageContext, @Req() req: TremplinRequest) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const sessions = (await this.sessions.listSessions(page.tenant.id, page.principal!.userId)).map((s) => ({
      ...s,
      current: s.id === req.credential?.id,
      label: s.kind === 'session' ? t('sessions.browser') : t('sessions.apiToken', { name: s.name }),
    }));
    return this.views.page('pages/auth/sign-out-everywhere', page, { title: t('sessions.title'), sessions });
  }

  @Post('me/sign-out-everywhere')
  @HttpCode(200)
  @SignedIn()
  async signOutEverywhere(@Page() page: PageContext, @Req() req: TremplinRequest, @Res() res: Response) {
    await this.sessions.signOutEverywhere(page.tenant.id, page.principal!.userId);
    res.clearCookie(SESSION_COOKIE, { path: req.basePath || '/' });
    return res.redirect(303, `${page.basePath}/sign-in?signedOut=everywhere`);
  }

  private async startSession(req: TremplinRequest, res: Response, tenantId: string, userId: string): Promise<void> {
    if (req.sessionToken) await this.auth.endSession(req.sessionToken);
    const token = await this.auth.createSession(tenantId, userId);
    setCookie(this.config, req, res, SESSION_COOKIE, token, this.config.sessionTtlDays * 86_400, true);
  }
}
