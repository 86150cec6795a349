import { fieldProblem } from '../../common/errors/domain-error.js';
import type { FieldProblem } from '../../common/errors/domain-error.js';
import type { Locale, Localized } from '../../common/i18n/localized.js';

/** The fields of a campaign that its completeness reads. */
export interface CampaignText {
  title: Localized;
  summary: Localized;
  story: Localized;
  cover: unknown;
  imageAlt: Localized;
}

/**
 * What staff need before approving: a page a citizen can understand, at least in the authority's
 * default language (the fallback of every other language). Other languages are optional.
 */
export function campaignCompletenessProblems(c: CampaignText, defaultLocale: Locale): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const text = (v: Localized) => (v?.[defaultLocale] ?? '').trim();
  if (!text(c.title)) problems.push(fieldProblem('title', 'validation.required'));
  if (!text(c.summary)) problems.push(fieldProblem('summary', 'validation.required'));
  if (
    text(c.story)
      .replace(/<[^>]*>/g, '')
      .trim().length < 50
  )
    problems.push(fieldProblem('story', 'validation.storyLength', { min: 50 }));
  if (c.cover && !text(c.imageAlt)) problems.push(fieldProblem('imageAlt', 'validation.imageAlt'));
  return problems;
}
