import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { cleanLocalized, type Localized } from '../common/i18n/localized.js';
import { largestFallbackPath } from '../common/web/image-view.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { FileStorage } from '../storage/file-storage.js';
import { COVER_RULES, GALLERY_MAX, GALLERY_RULES, parseImageName } from '../storage/image-rules.js';
import { ImagePipeline, type UploadedImageFile } from '../storage/images.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { Campaign, GalleryImage } from './campaign.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { isEditable } from './domain/states.js';

const ALT_MAX = 300;
const PUBLIC_STATUSES = ['approved', 'live', 'awaiting_funds', 'funded', 'not_funded'];
const PUBLIC_PHASES = ['communication', 'campaign', 'settlement', 'results'];

/** A text alternative's problems: written in the authority's default language, 300 characters at most in each. */
export function altProblems(alt: Localized, field: string, defaultLocale: string): FieldProblem[] {
  if (!alt[defaultLocale]?.trim()) return [fieldProblem(field, 'validation.imageAlt')];
  if (Object.values(alt).some((text) => text.length > ALT_MAX)) return [fieldProblem(field, 'validation.imageAlt')];
  return [];
}

/**
 * A campaign's cover and gallery: uploads go through the public image pipeline (checked by content,
 * cropped or resized, WebP + PNG/JPEG), each with the text alternative its laureate writes. The files
 * are public by their unguessable names; the campaign's page, which names them, is public only once
 * the campaign is (CampaignsService.isPublic).
 */
@Injectable()
export class CampaignImagesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: CampaignsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly images: ImagePipeline,
    private readonly files: FileStorage,
    private readonly audit: AuditService,
    private readonly pages: CampaignPageCache,
  ) {}

  /** A new cover with its text alternative; `alt` omitted keeps the one stored (the API's upload). */
  async setCover(tenant: Tenant, campaignId: string, file: UploadedImageFile | undefined, alt: Localized | undefined, user: Principal): Promise<Campaign> {
    const written = alt === undefined ? undefined : cleanLocalized(alt);
    const problems = written ? altProblems(written, 'imageAlt', tenant.defaultLocale) : [];
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
    const prepared = await this.images.prepare(file, COVER_RULES);
    return this.change(tenant, campaignId, user, 'cover', async (em, c) => {
      const imageAlt = written ?? c.imageAlt;
      const problems = altProblems(imageAlt, 'imageAlt', tenant.defaultLocale);
      if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
      const cover = await this.images.store(em, this.owner(tenant, c, 'cover', user), prepared);
      return { cover, imageAlt };
    });
  }

  /** Only the cover's text alternative (the cover stays). */
  async setCoverAlt(tenant: Tenant, campaignId: string, alt: Localized, user: Principal): Promise<Campaign> {
    const imageAlt = cleanLocalized(alt);
    const problems = altProblems(imageAlt, 'imageAlt', tenant.defaultLocale);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
    return this.change(tenant, campaignId, user, 'cover', async (_em, c) => {
      if (!c.cover) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('cover', 'validation.attachImage')]);
      return { imageAlt };
    });
  }

  async removeCover(tenant: Tenant, campaignId: string, user: Principal): Promise<Campaign> {
    return this.change(tenant, campaignId, user, 'cover', async () => ({ cover: null }));
  }

  async addToGallery(tenant: Tenant, campaignId: string, file: UploadedImageFile | undefined, alt: Localized, user: Principal): Promise<Campaign> {
    const written = cleanLocalized(alt);
    const problems = altProblems(written, 'galleryAlt', tenant.defaultLocale);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
    const prepared = await this.images.prepare(file, GALLERY_RULES);
    return this.change(tenant, campaignId, user, 'gallery', async (em, c) => {
      if (c.gallery.length >= GALLERY_MAX)
        throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('galleryImage', 'validation.galleryFull', { max: GALLERY_MAX })]);
      const image = await this.images.store(em, this.owner(tenant, c, 'gallery', user), prepared);
      return { gallery: [...c.gallery, { id: randomUUID(), image, alt: written }] };
    });
  }

  async removeFromGallery(tenant: Tenant, campaignId: string, imageId: string, user: Principal): Promise<Campaign> {
    return this.change(tenant, campaignId, user, 'gallery', async (_em, c) => {
      const gallery = c.gallery.filter((g) => g.id !== imageId);
      if (gallery.length === c.gallery.length) throw new DomainError('NOT_FOUND');
      return { gallery };
    });
  }

  /** One place earlier (`up`) or later in the gallery's order. */
  async moveInGallery(tenant: Tenant, campaignId: string, imageId: string, direction: 'up' | 'down', user: Principal): Promise<Campaign> {
    return this.change(tenant, campaignId, user, 'gallery', async (_em, c) => {
      const gallery: GalleryImage[] = [...c.gallery];
      const at = gallery.findIndex((g) => g.id === imageId);
      if (at < 0) throw new DomainError('NOT_FOUND');
      const to = direction === 'up' ? at - 1 : at + 1;
      if (to < 0 || to >= gallery.length) return {};
      [gallery[at], gallery[to]] = [gallery[to], gallery[at]];
      return { gallery };
    });
  }

  /** The cover's largest PNG/JPEG, for the campaign's own image address (kept for links made before the pipeline). */
  async coverFile(tenant: Tenant, campaignId: string, user: Principal | undefined): Promise<{ bytes: Buffer; contentType: string }> {
    const c = await this.repo.found(this.repo.manager, tenant.id, campaignId);
    const programme = await this.programmes.found(tenant.id, c.programmeId);
    const isPublic = PUBLIC_STATUSES.includes(c.status) && PUBLIC_PHASES.includes(programme.phase);
    const visible = isPublic || (user && (c.laureateUserId === user.userId || hasRole(user, ['staff', 'platform_admin'], c.programmeId)));
    const name = largestFallbackPath(c.cover)?.replace('/images/', '');
    const fileId = name ? parseImageName(name)?.fileId : undefined;
    if (!visible || !fileId) throw new DomainError('NOT_FOUND');
    const file = await this.files.get(tenant.id, fileId);
    if (!file) throw new DomainError('NOT_FOUND');
    return { bytes: file.bytes, contentType: file.info.contentType };
  }

  private owner(tenant: Tenant, c: Campaign, slot: string, user: Principal) {
    return { tenantId: tenant.id, ownerType: 'campaign', ownerId: c.id, slot, uploadedBy: user.userId };
  }

  /** Locks an editable campaign of the asker's, applies the patch, records it; an approved page changed by its laureate goes back to review. */
  private async change(
    tenant: Tenant,
    campaignId: string,
    user: Principal,
    what: 'cover' | 'gallery',
    work: (em: EntityManager, c: Campaign) => Promise<Partial<Campaign>>,
  ): Promise<Campaign> {
    return this.tx.run(async (em) => {
      this.pages.forget(tenant.id);
      const c = await this.repo.lockFound(em, tenant.id, campaignId);
      if (c.laureateUserId !== user.userId && !hasRole(user, ['staff', 'platform_admin'], c.programmeId)) throw new DomainError('NOT_FOUND');
      if (!isEditable(c.status)) throw new DomainError('CAMPAIGN_NOT_EDITABLE', { campaignStatus: c.status });
      const patch = await work(em, c);
      if (!Object.keys(patch).length) return c;
      if (c.status === 'approved' && c.laureateUserId === user.userId) patch.status = 'in_review';
      await this.repo.updateCampaign(em, c.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: user.userId,
        action: 'campaign.updated',
        subjectType: 'campaign',
        subjectId: c.id,
        data: { fields: [what] },
      });
      return { ...c, ...patch };
    });
  }
}
