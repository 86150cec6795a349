/**
 * How a page or an e-mail shows an uploaded image (storage/images.ts stores them): the stored shape
 * of its renditions, and the `<picture>` values for a box of CSS pixels. Pure, and free of any
 * domain, so that the view helpers (`{{#with (imageAt image 40 200)}}`) can use it.
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

/** The PNG/JPEG rendition nearest `width` from above (else the largest): a share card's image, with its own size. */
export function shareVariant(image: StoredImage | null | undefined, width: number): ImageVariant | null {
  const fallback = (image?.variants ?? []).filter((v) => v.format !== 'webp').sort((a, b) => a.width - b.width);
  return fallback.find((v) => v.width >= width) ?? fallback[fallback.length - 1] ?? null;
}
