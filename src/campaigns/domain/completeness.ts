import type { FieldProblem } from '../../common/errors/domain-error.js';
import type { Locale, Localized } from '../../common/i18n/localized.js';

/** The fields of a campaign that its completeness reads. */
export interface CampaignText {
  title: Localized;
  summary: Localized;
  story: Localized;
  imageFileId: string | null;
  imageAlt: Localized;
}

/**
 * What staff need before approving: a page a citizen can understand, at least in the authority's
 * default language (the fallback of every other language). Other languages are optional.
 */
export function campaignCompletenessProblems(c: CampaignText, defaultLocale: Locale): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const text = (v: Localized) => (v?.[defaultLocale] ?? '').trim();
  if (!text(c.title)) problems.push({ field: 'title', message: 'is required' });
  if (!text(c.summary)) problems.push({ field: 'summary', message: 'is required' });
  if (
    text(c.story)
      .replace(/<[^>]*>/g, '')
      .trim().length < 50
  )
    problems.push({ field: 'story', message: 'must tell the project in at least 50 characters' });
  if (c.imageFileId && !text(c.imageAlt)) problems.push({ field: 'imageAlt', message: 'describe the image for people who cannot see it' });
  return problems;
}
