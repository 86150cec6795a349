/**
 * The rules of uploaded public images (a logo, a campaign's cover), in plain code: which formats are
 * read, how big a file and a picture may be, which widths are written, and how a page shows them.
 * The pipeline that applies them with sharp is images.ts.
 */

/** One stored rendition of an image: served at `path` (under the tenant's site), never changed. */
export interface ImageVariant {
  fileId: string;
  /** The public path of the file under the site, e.g. "/images/<uuid>.webp" (write it with the base path). */
  path: string;
  format: 'webp' | 'png' | 'jpeg';
  contentType: string;
  width: number;
  height: number;
  bytes: number;
}

/** An uploaded image as stored: its upright size (after auto-rotation) and its renditions. */
export interface StoredImage {
  width: number;
  height: number;
  variants: ImageVariant[];
}

export interface ImageRules {
  /** The form field the problems are reported on ("logo", "image"). */
  field: string;
  maxBytes: number;
  /** The longest side and the number of pixels accepted (a 20 000 × 20 000 PNG is a few kilobytes). */
  maxSide: number;
  maxPixels: number;
  /** The widths written, smallest first; an image narrower than one is never enlarged to it. */
  widths: readonly number[];
}

export const LOGO_RULES: ImageRules = { field: 'logo', maxBytes: 2 * 1024 * 1024, maxSide: 6000, maxPixels: 24_000_000, widths: [128, 256, 512] };

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

/** What a page writes for an image shown at most `maxHeight` × `maxWidth` CSS pixels. */
export interface ImageView {
  /** The fallback (PNG/JPEG) nearest twice the shown width, for `src` and e-mails. */
  src: string;
  webpSrcset: string;
  fallbackSrcset: string;
  sizes: string;
  width: number;
  height: number;
}

/** The `<picture>` of a stored image fitted in a box, paths prefixed with `base` (the base path, or a site URL in e-mails). */
export function imageView(image: StoredImage | null | undefined, base: string, maxHeight: number, maxWidth: number): ImageView | null {
  if (!image?.variants?.length || !(image.width > 0 && image.height > 0)) return null;
  const scale = Math.min(1, maxHeight / image.height, maxWidth / image.width);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const srcset = (vs: ImageVariant[]) => vs.map((v) => `${base}${v.path} ${v.width}w`).join(', ');
  const webp = image.variants.filter((v) => v.format === 'webp').sort((a, b) => a.width - b.width);
  const fallback = image.variants.filter((v) => v.format !== 'webp').sort((a, b) => a.width - b.width);
  const best = fallback.find((v) => v.width >= width * 2) ?? fallback[fallback.length - 1] ?? webp[webp.length - 1];
  return { src: `${base}${best.path}`, webpSrcset: srcset(webp), fallbackSrcset: srcset(fallback), sizes: `${width}px`, width, height };
}

/** The largest fallback rendition (a share card's image), as a path under the site. */
export function largestFallbackPath(image: StoredImage | null | undefined): string | null {
  const fallback = (image?.variants ?? []).filter((v) => v.format !== 'webp').sort((a, b) => b.width - a.width);
  return fallback[0]?.path ?? null;
}
