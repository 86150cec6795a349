import { HomePageService } from './home-page.service.js';
import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PublicPagesController } from './public-pages.controller.js';
import { PublicPagesRepository } from './public-pages.repository.js';
import { PublicPagesService } from './public-pages.service.js';
import { ShareMetaService } from './share-meta.service.js';

/**
 * Citizens' read-only pages: the programme page, share metadata and canonical URLs (ShareMetaService,
 * also for the campaign and results pages), the sitemap and robots.txt.
 */
@Module({
  imports: [TenantsModule],
  controllers: [PublicPagesController],
  providers: [PublicPagesRepository, PublicPagesService, ShareMetaService, HomePageService],
  exports: [PublicPagesService, ShareMetaService],
})
export class PublicModule {}
