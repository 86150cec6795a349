import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ViewService } from '../common/web/view.service.js';
import { ShareMetaService } from '../public/share-meta.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { CAMPAIGN_CSP, mastodonStep } from './campaign-social.view.js';
import { mastodonShareUrl } from './domain/share.js';

/** Longest title carried to Mastodon. */
const SHARE_TEXT_MAX = 300;

/** The one share step that needs the server: the other share links of a campaign page are plain URLs. */
@ApiExcludeController()
@Controller()
export class SharePagesController {
  constructor(
    private readonly share: ShareMetaService,
    private readonly views: ViewService,
  ) {}

  /**
   * Sharing on Mastodon, which has no central host: the visitor names their instance and is sent to its
   * share page. Only a bare host name is accepted and only this site's pages are shared, so that the
   * route is never an open redirect (see domain/share.ts).
   */
  @Get('share/mastodon')
  @Public()
  async shareMastodon(@Page() page: PageContext, @Query() query: Record<string, unknown>, @Res() res: Response) {
    const site = await this.share.siteUrl(page.tenant);
    const url = typeof query.url === 'string' ? query.url : '';
    if (!(url === site || url.startsWith(`${site}/`)) || url.length > 2000) throw new DomainError('NOT_FOUND');
    const text = (typeof query.text === 'string' ? query.text : '').replace(/\s+/g, ' ').trim().slice(0, SHARE_TEXT_MAX);
    const step = mastodonStep(query.instance);
    res.setHeader('Cache-Control', 'private, no-store');
    if (step.host) return res.redirect(303, mastodonShareUrl(step.host, text, url));
    res.setHeader('Content-Security-Policy', CAMPAIGN_CSP);
    const error = step.asked ? this.views.t(page.locale, 'share.mastodon.invalid') : undefined;
    const errorList = error ? [{ field: 'mastodonInstance', message: error }] : undefined;
    return res.status(step.asked ? 400 : 200).send(
      this.views.page('pages/campaigns/share-mastodon', page, {
        title: this.views.t(page.locale, 'share.mastodon.title'),
        shareUrl: url,
        shareText: text,
        instance: typeof query.instance === 'string' ? query.instance.slice(0, 300) : '',
        errorList,
        errors: { mastodonInstance: error },
      }),
    );
  }
}
