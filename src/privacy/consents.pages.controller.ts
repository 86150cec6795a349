import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { SignedIn } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ViewService } from '../common/web/view.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { ConsentService } from './consent.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signed-in person's optional consents: what they agreed to, when, and a button to withdraw each. */
@ApiExcludeController()
@Controller()
export class ConsentsPagesController {
  constructor(
    private readonly consents: ConsentService,
    private readonly views: ViewService,
  ) {}

  @Get('me/consents')
  @SignedIn()
  async page(@Page() page: PageContext, @Query('saved') saved?: string) {
    const list = await this.consents.list(this.subject(page));
    return this.views.page('pages/privacy/consents', page, {
      title: this.views.t(page.locale, 'consents.title'),
      savedKey: saved === 'withdrawn' ? 'consents.withdrawnNotice' : null,
      active: list.filter((c) => !c.withdrawnAt).map((c) => ({ id: c.id, purpose: c.purpose, givenAt: c.givenAt })),
      withdrawn: list.filter((c) => c.withdrawnAt).map((c) => ({ id: c.id, purpose: c.purpose, givenAt: c.givenAt, withdrawnAt: c.withdrawnAt })),
    });
  }

  @Post('me/consents/:consentId/withdraw')
  @HttpCode(200)
  @SignedIn()
  async withdraw(@Page() page: PageContext, @Param('consentId') consentId: string, @Res() res: Response) {
    if (!UUID.test(consentId)) throw new DomainError('NOT_FOUND');
    await this.consents.withdraw(this.subject(page), consentId);
    return res.redirect(303, `${page.basePath}/me/consents?saved=withdrawn`);
  }

  private subject(page: PageContext) {
    return { tenantId: page.tenant.id, userId: page.principal!.userId, email: page.principal!.email };
  }
}
