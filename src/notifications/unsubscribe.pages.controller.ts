import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.guard.js';
import { ViewService } from '../common/web/view.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { STREAMS } from './domain/email-streams.js';
import type { UnsubscribeSubject } from './domain/unsubscribe-token.js';
import { UnsubscribeService } from './unsubscribe.service.js';

/**
 * The link in every bulk e-mail's footer and List-Unsubscribe header (RFC 8058). GET shows what will
 * stop and a button (a mail scanner opening the link changes nothing); POST unsubscribes at once —
 * from the page's form, or from a mail client's one-click request (`List-Unsubscribe=One-Click`, no
 * cookie: the route is exempt from the CSRF check, see request-context.middleware.ts).
 */
@ApiExcludeController()
@Controller('unsubscribe')
export class UnsubscribePagesController {
  constructor(
    private readonly unsubscribes: UnsubscribeService,
    private readonly views: ViewService,
  ) {}

  @Get(':token')
  @Public()
  async show(@Page() page: PageContext, @Param('token') token: string, @Res() res: Response) {
    const s = this.unsubscribes.subject(page.tenant.id, token);
    return this.send(res, page, token, s, await this.unsubscribes.isUnsubscribed(s));
  }

  @Post(':token')
  @HttpCode(200)
  @Public()
  async unsubscribe(@Page() page: PageContext, @Param('token') token: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response) {
    const s = this.unsubscribes.subject(page.tenant.id, token);
    await this.unsubscribes.unsubscribe(s);
    const oneClick =
      (body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click' ||
      (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
    // A mail client follows no redirect: it gets the answer at once. The page's form: post/redirect/get.
    if (oneClick) return this.send(res, page, token, s, true);
    return res.redirect(303, `${page.basePath}/unsubscribe/${token}?saved=unsubscribed`);
  }

  @Post(':token/resubscribe')
  @Public()
  async resubscribe(@Page() page: PageContext, @Param('token') token: string, @Res() res: Response) {
    const s = this.unsubscribes.subject(page.tenant.id, token);
    await this.unsubscribes.resubscribe(s);
    return res.redirect(303, `${page.basePath}/unsubscribe/${token}?saved=resubscribed`);
  }

  private send(res: Response, page: PageContext, token: string, s: UnsubscribeSubject, unsubscribed: boolean) {
    // The token names the address: keep the page out of caches and out of other sites' referrers.
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Robots-Tag', 'noindex');
    const html = this.views.page('pages/notifications/unsubscribe', page, {
      title: this.views.t(page.locale, 'unsubscribe.title'),
      stream: this.views.t(page.locale, `unsubscribe.stream.${s.stream}`),
      scoped: STREAMS[s.stream].scoped,
      email: s.emailKey,
      unsubscribed,
      action: `/unsubscribe/${token}`,
      resubscribeAction: `/unsubscribe/${token}/resubscribe`,
    });
    return res.send(html);
  }
}
