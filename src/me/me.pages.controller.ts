import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SignedIn } from '../auth/roles.guard.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { ViewService } from '../common/web/view.service.js';
import { MeService } from './me.service.js';

@ApiExcludeController()
@Controller()
export class MePagesController {
  constructor(
    private readonly me: MeService,
    private readonly views: ViewService,
  ) {}

  /** Where a signed-in person finds their spaces: jury portal, applications, schedule, partner page, desk. */
  @Get('me')
  @SignedIn()
  async mySpace(@Page() page: PageContext) {
    const t = (key: string) => this.views.t(page.locale, key);
    const spaces = (await this.me.spaces(page.tenant.id, page.principal!)).map((s) => ({
      programme: s.programme,
      links: s.links.map((l) => ({ href: l.href, label: t(l.label) })),
    }));
    return this.views.page('pages/me/me', page, { title: t('me.title'), spaces });
  }
}
