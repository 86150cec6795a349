import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/roles.guard.js';
import { CurrentTenant, Page, type PageContext } from '../request-context/current.decorators.js';
import { CSRF_COOKIE, dropCookie } from '../common/web/cookies.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { PROGRAMME_MAX_AGE_S, PublicPagesService, SITEMAP_MAX_AGE_S } from './public-pages.service.js';
import { HomePageService } from './home-page.service.js';

/**
 * The citizens' pages that are the same for every visitor: the programme page (a bus-poster landing
 * page), the sitemap and robots.txt. See PublicPagesService for what is cached and how stale it may be.
 */
@ApiExcludeController()
@Controller()
export class PublicPagesController {
  constructor(
    private readonly pages: PublicPagesService,
    private readonly home: HomePageService,
  ) {}

  /** The authority's home page: signed-in staff also see it, drafts are never listed. */
  @Get()
  @Public()
  async homePage(@Page() page: PageContext, @Res({ passthrough: true }) res: Response) {
    res.vary('Cookie');
    if (page.principal) res.setHeader('Cache-Control', 'private, no-cache');
    else {
      res.setHeader('Cache-Control', `public, max-age=${PROGRAMME_MAX_AGE_S}`);
      dropCookie(res, CSRF_COOKIE);
    }
    return this.home.render(page);
  }

  @Get('programmes/:slug')
  @Public()
  async programme(@Page() page: PageContext, @Param('slug') slug: string, @Res({ passthrough: true }) res: Response) {
    const out = await this.pages.programmePage(page, slug);
    // The language may come from a cookie, and a signed-in header differs: shared caches must key on cookies.
    res.vary('Cookie');
    if (page.principal) {
      res.setHeader('Cache-Control', 'private, no-cache');
    } else {
      res.setHeader('Cache-Control', `public, max-age=${PROGRAMME_MAX_AGE_S}`);
      // This page has no form: the per-browser CSRF cookie the middleware hands out must not be stored
      // by a shared cache and replayed to every visitor. The next page with a form sets one.
      dropCookie(res, CSRF_COOKIE);
    }
    // Express answers 304 itself when If-None-Match matches this validator.
    res.setHeader('ETag', out.etag);
    return out.html;
  }

  @Get('sitemap.xml')
  @Public()
  @Header('Content-Type', 'application/xml; charset=utf-8')
  @Header('Cache-Control', `public, max-age=${SITEMAP_MAX_AGE_S}`)
  sitemap(@CurrentTenant() tenant: Tenant, @Res({ passthrough: true }) res: Response) {
    dropCookie(res, CSRF_COOKIE);
    return this.pages.sitemap(tenant);
  }

  @Get('robots.txt')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', `public, max-age=${SITEMAP_MAX_AGE_S}`)
  robots(@CurrentTenant() tenant: Tenant, @Res({ passthrough: true }) res: Response) {
    dropCookie(res, CSRF_COOKIE);
    return this.pages.robots(tenant);
  }
}
