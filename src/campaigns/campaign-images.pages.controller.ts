import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, Res, UploadedFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, SignedIn } from '../auth/roles.guard.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { errorMap } from '../common/web/forms.js';
import { localizedFromForm } from '../common/web/language-fields.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { FileUploadForm } from '../storage/file-transfer.js';
import { COVER_RULES, GALLERY_RULES } from '../storage/image-rules.js';
import type { UploadedImageFile } from '../storage/images.js';
import { problemOf } from './campaign-page-errors.js';
import { CampaignImagesService } from './campaign-images.service.js';
import type { Form } from './campaign-form.js';
import { editorModel, pageTools, type EditorExtra } from './campaign-pages.view.js';
import { CampaignsService } from './campaigns.service.js';
import { hasRole } from '../auth/principal.js';
import { Clock } from '../common/clock/clock.js';
import { ViewService } from '../common/web/view.service.js';

/** A stored name is a file id: a new cover is a new address, so the old one may be cached long. */
const IMAGE_MAX_AGE_S = 86_400;

/**
 * The editor's cover and gallery forms (multipart, CSRF token in the query like every upload form).
 * Twice a rule's limit reaches the pipeline, which names the limit on the field; beyond, the upload
 * is cut (413). Errors show on the editor next to the field, in the page's language.
 */
@ApiExcludeController()
@Controller()
export class CampaignImagesPagesController {
  constructor(
    private readonly images: CampaignImagesService,
    private readonly campaigns: CampaignsService,
    private readonly errors: ErrorMessages,
    private readonly views: ViewService,
    private readonly clock: Clock,
  ) {}

  /** The cover's largest PNG/JPEG: for anyone when the campaign is public, else for its laureate and staff. */
  @Get('campaigns/:campaignId/image')
  @Public()
  async image(@Page() page: PageContext, @Param('campaignId') id: string, @Res() res: Response) {
    const img = await this.images.coverFile(page.tenant, id, page.principal);
    res.setHeader('Content-Type', img.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', 'inline');
    // An anonymous answer is a public campaign's image; a signed-in one may be a draft's.
    res.setHeader('Cache-Control', page.principal ? 'private, max-age=0, must-revalidate' : `public, max-age=${IMAGE_MAX_AGE_S}`);
    return res.send(img.bytes);
  }

  /** A new cover with its text alternative (`imageAlt.<lang>`), or only a new text when no file is chosen. */
  @Post('campaigns/:campaignId/image')
  @HttpCode(200)
  @SignedIn()
  @FileUploadForm('cover', COVER_RULES.maxBytes * 2)
  async cover(
    @Page() page: PageContext,
    @Param('campaignId') id: string,
    @UploadedFile() file: UploadedImageFile | undefined,
    @Body() body: Form,
    @Res() res: Response,
  ) {
    const alt = localizedFromForm(body ?? {}, 'imageAlt', page.tenant.languages);
    return this.attempt(page, id, res, 'cover', body, () =>
      !file?.size && this.hasCover(body)
        ? this.images.setCoverAlt(page.tenant, id, alt, page.principal!)
        : this.images.setCover(page.tenant, id, file, alt, page.principal!),
    );
  }

  @Post('campaigns/:campaignId/image/remove')
  @HttpCode(200)
  @SignedIn()
  async removeCover(@Page() page: PageContext, @Param('campaignId') id: string, @Res() res: Response) {
    return this.attempt(page, id, res, 'cover', {}, () => this.images.removeCover(page.tenant, id, page.principal!));
  }

  @Post('campaigns/:campaignId/gallery')
  @HttpCode(200)
  @SignedIn()
  @FileUploadForm('galleryImage', GALLERY_RULES.maxBytes * 2)
  async addToGallery(
    @Page() page: PageContext,
    @Param('campaignId') id: string,
    @UploadedFile() file: UploadedImageFile | undefined,
    @Body() body: Form,
    @Res() res: Response,
  ) {
    const alt = localizedFromForm(body ?? {}, 'galleryAlt', page.tenant.languages);
    return this.attempt(page, id, res, 'gallery', body, () => this.images.addToGallery(page.tenant, id, file, alt, page.principal!));
  }

  @Post('campaigns/:campaignId/gallery/:imageId/remove')
  @HttpCode(200)
  @SignedIn()
  async removeFromGallery(@Page() page: PageContext, @Param('campaignId') id: string, @Param('imageId') imageId: string, @Res() res: Response) {
    return this.attempt(page, id, res, 'gallery', {}, () => this.images.removeFromGallery(page.tenant, id, imageId, page.principal!));
  }

  @Post('campaigns/:campaignId/gallery/:imageId/move')
  @HttpCode(200)
  @SignedIn()
  async move(@Page() page: PageContext, @Param('campaignId') id: string, @Param('imageId') imageId: string, @Body() body: Form, @Res() res: Response) {
    const direction = body?.direction === 'up' ? 'up' : 'down';
    return this.attempt(page, id, res, 'gallery', {}, () => this.images.moveInGallery(page.tenant, id, imageId, direction, page.principal!));
  }

  /** Whether the form says a cover is already there (then a text alone may be saved). */
  private hasCover(body: Form): boolean {
    return body?.hasCover === 'yes';
  }

  private async attempt(page: PageContext, id: string, res: Response, saved: 'cover' | 'gallery', typed: Form, work: () => Promise<unknown>) {
    // Someone else's campaign is not found, whatever the form says (before any check of the upload).
    await this.campaigns.get(page.tenant, id, page.principal!);
    try {
      await work();
    } catch (err) {
      const problem = problemOf(this.errors, page.locale, err, saved === 'cover' ? 'cover' : 'galleryImage');
      const html = await this.renderEditor(page, id, { errorList: problem.errors, errors: errorMap(problem.errors), typedImages: typed });
      return res.status(problem.status).send(html);
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=${saved}#images-title`);
  }

  /** The editor again with the errors (as CampaignsPagesController renders it). */
  private async renderEditor(page: PageContext, id: string, extra: EditorExtra) {
    const p = await this.campaigns.editorPage(page.tenant, id, page.principal!);
    const c = p.campaign;
    const viewer = { userId: page.principal!.userId, isStaff: hasRole(page.principal, ['staff', 'platform_admin'], c.programmeId) };
    const links = {
      publicHref: this.campaigns.isPublic(p.programme, c) ? `/programmes/${p.programme.slug}/campaigns/${c.slug}` : null,
      updateKey: randomUUID(),
    };
    return this.views.page('pages/campaigns/edit', page, editorModel(p, extra, viewer, links, pageTools(this.views, page, this.clock.now())));
  }
}
