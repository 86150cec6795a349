/**
 * The rules of uploaded public images (a logo, a campaign's cover), in plain code: which formats are
 * read, how big a file and a picture may be, which widths are written, and how a page shows them.
 * The pipeline that applies them with sharp is images.ts.
 */

import type { ImageVariant } from '../common/web/image-view.js';

export type { ImageVariant, StoredImage } from '../common/web/image-view.js';

export interface ImageRules {
  /** The form field the problems are reported on ("logo", "image"). */
  field: string;
  maxBytes: number;
  /** The longest side and the number of pixels accepted (a 20 000 × 20 000 PNG is a few kilobytes). */
  maxSide: number;
  maxPixels: number;
  /** The widths written, smallest first; an image narrower than one is never enlarged to it. */
  widths: readonly number[];
  /** Crops the picture (centred) to this width:height ratio before resizing, e.g. 16/9 for a campaign's cover. */
  aspect?: number;
}

export const LOGO_RULES: ImageRules = { field: 'logo', maxBytes: 2 * 1024 * 1024, maxSide: 6000, maxPixels: 24_000_000, widths: [128, 256, 512] };

/** A campaign's cover: cropped to 16:9, wide enough for a hero on a large screen and a share card (1200 px). */
export const COVER_RULES: ImageRules = {
  field: 'cover',
  maxBytes: 8 * 1024 * 1024,
  maxSide: 10000,
  maxPixels: 50_000_000,
  widths: [400, 800, 1200, 1600],
  aspect: 16 / 9,
};

/** A campaign's gallery picture: kept whole (any shape), shown at most a column wide. */
export const GALLERY_RULES: ImageRules = { field: 'galleryImage', maxBytes: 8 * 1024 * 1024, maxSide: 10000, maxPixels: 50_000_000, widths: [400, 800, 1200] };

/** A partner's logo: shown small on the programme and campaign pages. */
export const PARTNER_LOGO_RULES: ImageRules = { ...LOGO_RULES, field: 'logo' };

/** How many pictures a campaign's gallery holds besides its cover. */
export const GALLERY_MAX = 4;

/** The formats read; SVG (which can carry scripts and links) and anything else are refused. */
export const ACCEPTED_FORMATS = ['png', 'jpeg', 'webp', 'gif'] as const;
export type AcceptedFormat = (typeof ACCEPTED_FORMATS)[number];

export function isAcceptedFormat(format: string | undefined): format is AcceptedFormat {
  return (ACCEPTED_FORMATS as readonly string[]).includes(format ?? '');
}

export const FORMAT_TYPES: Record<ImageVariant['format'], { contentType: string; extension: string }> = {
  webp: { contentType: 'image/webp', extension: 'webp' },
  png: { contentType: 'image/png', extension: 'png' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
};

/** The purpose of every stored file the public image route may serve (nothing else is served by it). */
export const PUBLIC_IMAGE_PURPOSE = 'public-image';

/** What an upload breaks of the rules before it is decoded: a catalogue key and its values, or null. */
export function sizeProblem(bytes: number, rules: ImageRules): { key: string; values: Record<string, number> } | null {
  if (bytes > rules.maxBytes) return { key: 'validation.imageTooLarge', values: { maxMb: Math.round((rules.maxBytes / 1024 / 1024) * 10) / 10 } };
  return null;
}

export function dimensionsProblem(width: number, height: number, rules: ImageRules): { key: string; values: Record<string, number> } | null {
  if (!(width > 0 && height > 0)) return { key: 'validation.image', values: {} };
  if (width > rules.maxSide || height > rules.maxSide || width * height > rules.maxPixels) {
    return { key: 'validation.imageDimensions', values: { maxSide: rules.maxSide } };
  }
  return null;
}

/** The size of the picture once cropped to `aspect` (centred), or as it is without one. */
export function croppedSize(width: number, height: number, aspect: number | undefined): { width: number; height: number } {
  if (!aspect) return { width, height };
  if (width / height > aspect) return { width: Math.max(1, Math.round(height * aspect)), height };
  return { width, height: Math.max(1, Math.round(width / aspect)) };
}

/** The widths to write for an image `width` pixels wide: the rule's widths below it, and its own width capped at the largest. */
export function variantWidths(width: number, widths: readonly number[]): number[] {
  const largest = Math.min(width, Math.max(...widths));
  return [...new Set([...widths.filter((w) => w < largest), largest])].sort((a, b) => a - b);
}

/** The fallback format beside WebP: PNG for what may be flat colours or transparency, JPEG for photographs. */
export function fallbackFormat(input: AcceptedFormat, hasAlpha: boolean): 'png' | 'jpeg' {
  if (hasAlpha || input === 'png' || input === 'gif') return 'png';
  return 'jpeg';
}

export function publicImagePath(fileId: string, format: ImageVariant['format']): string {
  return `/images/${fileId}.${FORMAT_TYPES[format].extension}`;
}

/** Reads an `/images/<name>` name back: the file id and the format its extension names. */
export function parseImageName(name: string): { fileId: string; format: ImageVariant['format'] } | null {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(webp|png|jpg)$/.exec(name);
  if (!m) return null;
  return { fileId: m[1], format: m[2] === 'jpg' ? 'jpeg' : (m[2] as 'webp' | 'png') };
}
