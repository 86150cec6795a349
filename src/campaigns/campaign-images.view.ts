import { shareVariant } from '../common/web/image-view.js';
import { languageFields, type ContentLanguages } from '../common/web/language-fields.js';
import { COVER_RULES, GALLERY_MAX } from '../storage/image-rules.js';
import type { Form } from './campaign-form.js';
import type { Campaign } from './campaign.entity.js';

/** The editor's cover and gallery forms: what is stored, the text fields (typed again after an error). */
export function editorImagesModel(c: Campaign, typed: Form | undefined, languages: ContentLanguages) {
  return {
    cover: c.cover,
    coverAlt: languageFields('imageAlt', c.imageAlt, typed, languages, { required: true }),
    gallery: c.gallery.map((g, i) => ({ ...g, number: i + 1, first: i === 0, last: i === c.gallery.length - 1 })),
    galleryAlt: languageFields('galleryAlt', undefined, typed, languages, { required: true }),
    galleryFull: c.gallery.length >= GALLERY_MAX,
    galleryMax: GALLERY_MAX,
    imageMaxMb: Math.round(COVER_RULES.maxBytes / 1024 / 1024),
  };
}

/** The share card's picture: the cover's 1200 px PNG/JPEG (the size link previews ask for), with its size. */
export function coverShare(c: Campaign): { path: string; width: number; height: number } | null {
  const v = shareVariant(c.cover, 1200);
  return v ? { path: v.path, width: v.width, height: v.height } : null;
}
