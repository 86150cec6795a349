import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { CurrentTenant } from '../request-context/current.decorators.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { FileStorage } from './file-storage.js';
import { FORMAT_TYPES, parseImageName, PUBLIC_IMAGE_PURPOSE } from './image-rules.js';
import { CSRF_COOKIE, dropCookie } from '../common/web/cookies.js';

/** A year: an image's name is its file's id, and a file never changes (a new upload is a new name). */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The renditions of public images (a logo, a campaign's cover: images.ts), for anyone, under the
 * tenant's site. Only files stored with the public-image purpose are served, under the extension of
 * their own type: an application's attachment is never reachable here, whatever its id.
 */
@ApiExcludeController()
@Controller()
export class ImagesController {
  constructor(private readonly files: FileStorage) {}

  @Get('images/:name')
  @Public()
  async image(@CurrentTenant() tenant: Tenant, @Param('name') name: string, @Res() res: Response) {
    const parsed = parseImageName(name);
    if (!parsed) throw new DomainError('NOT_FOUND');
    const file = await this.files.get(tenant.id, parsed.fileId);
    if (!file || file.info.purpose !== PUBLIC_IMAGE_PURPOSE || file.info.contentType !== FORMAT_TYPES[parsed.format].contentType) {
      throw new DomainError('NOT_FOUND');
    }
    res.setHeader('Content-Type', file.info.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', IMMUTABLE);
    dropCookie(res, CSRF_COOKIE);
    // Embedded elsewhere by design: share cards, webmail showing an e-mail's logo, the sandboxed e-mail preview.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('ETag', `"${file.info.sha256}"`);
    res.send(file.bytes);
  }
}
