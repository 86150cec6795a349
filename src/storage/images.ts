import { Injectable } from '@nestjs/common';
import sharp, { type Metadata } from 'sharp';
import type { EntityManager } from 'typeorm';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { FileStorage } from './file-storage.js';
import {
  dimensionsProblem,
  fallbackFormat,
  FORMAT_TYPES,
  type ImageRules,
  type ImageVariant,
  croppedSize,
  isAcceptedFormat,
  PUBLIC_IMAGE_PURPOSE,
  publicImagePath,
  sizeProblem,
  type StoredImage,
  variantWidths,
} from './image-rules.js';

export interface UploadedImageFile {
  buffer: Buffer;
  size: number;
  originalname?: string;
}

export interface ImageOwner {
  tenantId: string;
  ownerType: string;
  ownerId: string;
  /** Names the files ("logo-256.webp"); the served name is the file's id. */
  slot: string;
  uploadedBy: string;
}

/**
 * The upload pipeline of public images (image-rules.ts has the rules): the content decides (never
 * the name or the declared type), SVG and anything sharp cannot read are refused, too large a file
 * or picture is a 400 on the rule's field; the picture is turned upright (EXIF orientation), its
 * metadata dropped (sharp writes none unless asked: no GPS position, no camera serial), and each
 * width is written as WebP and as PNG or JPEG, never enlarged. The files go through FileStorage with
 * the purpose the public route (images.controller.ts) serves.
 */
@Injectable()
export class ImagePipeline {
  constructor(private readonly files: FileStorage) {}

  /** Checks and decodes the upload; the renditions' bytes, before anything is stored. */
  async prepare(file: UploadedImageFile | undefined, rules: ImageRules): Promise<PreparedImage> {
    const problem = (key: string, values: Record<string, number> = {}) => new DomainError('VALIDATION_FAILED', {}, [fieldProblem(rules.field, key, values)]);
    if (!file?.buffer?.length) throw problem('validation.attachImage');
    const tooBig = sizeProblem(file.buffer.length, rules);
    if (tooBig) throw problem(tooBig.key, tooBig.values);
    let meta: Metadata;
    try {
      meta = await sharp(file.buffer, { limitInputPixels: false }).metadata();
    } catch {
      throw problem('validation.image');
    }
    if (!isAcceptedFormat(meta.format)) throw problem('validation.image');
    const upright = meta.autoOrient ?? { width: meta.width, height: meta.height };
    const tooLarge = dimensionsProblem(upright.width ?? 0, upright.height ?? 0, rules);
    if (tooLarge) throw problem(tooLarge.key, tooLarge.values);

    const source = sharp(file.buffer, { limitInputPixels: rules.maxPixels, failOn: 'error' }).autoOrient();
    const fallback = fallbackFormat(meta.format, meta.hasAlpha);
    const outputs: PreparedImage['outputs'] = [];
    const shown = croppedSize(upright.width!, upright.height!, rules.aspect);
    try {
      for (const width of variantWidths(shown.width, rules.widths)) {
        const resized = rules.aspect
          ? source.clone().resize({ width, height: Math.max(1, Math.round(width / rules.aspect)), fit: 'cover', position: 'centre', withoutEnlargement: true })
          : source.clone().resize({ width, withoutEnlargement: true });
        const webp = await resized.clone().webp({ quality: 82 }).toBuffer({ resolveWithObject: true });
        outputs.push({ format: 'webp', bytes: webp.data, width: webp.info.width, height: webp.info.height });
        const other =
          fallback === 'png'
            ? await resized
                .clone()
                .png({ compressionLevel: 9, palette: meta.format === 'gif' })
                .toBuffer({ resolveWithObject: true })
            : await resized.clone().jpeg({ quality: 82, mozjpeg: true }).toBuffer({ resolveWithObject: true });
        outputs.push({ format: fallback, bytes: other.data, width: other.info.width, height: other.info.height });
      }
    } catch {
      // A truncated or corrupt file whose header read well.
      throw problem('validation.image');
    }
    return { width: shown.width, height: shown.height, outputs };
  }

  /** Stores the prepared renditions (inside the caller's transaction) and describes them. */
  async store(em: EntityManager, owner: ImageOwner, prepared: PreparedImage): Promise<StoredImage> {
    const variants: ImageVariant[] = [];
    for (const out of prepared.outputs) {
      const type = FORMAT_TYPES[out.format];
      const stored = await this.files.put(em, {
        tenantId: owner.tenantId,
        ownerType: owner.ownerType,
        ownerId: owner.ownerId,
        purpose: PUBLIC_IMAGE_PURPOSE,
        filename: `${owner.slot}-${out.width}.${type.extension}`,
        contentType: type.contentType,
        uploadedBy: owner.uploadedBy,
        bytes: out.bytes,
      });
      variants.push({
        fileId: stored.id,
        path: publicImagePath(stored.id, out.format),
        format: out.format,
        contentType: type.contentType,
        width: out.width,
        height: out.height,
        bytes: out.bytes.length,
      });
    }
    return { width: prepared.width, height: prepared.height, variants };
  }
}

export interface PreparedImage {
  width: number;
  height: number;
  outputs: { format: ImageVariant['format']; bytes: Buffer; width: number; height: number }[];
}
