import { fieldProblem } from '../../common/errors/domain-error.js';
import type { FieldProblem } from '../../common/errors/domain-error.js';

/** The fields of a campaign that its completeness reads. */
export interface CampaignText {
  title: string;
  summary: string;
  story: string;
  imageFileId: string | null;
  imageAlt: string;
}

/** What staff need before approving: a page a citizen can understand. */
export function campaignCompletenessProblems(c: CampaignText): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!c.title.trim()) problems.push(fieldProblem('title', 'validation.required'));
  if (!c.summary.trim()) problems.push(fieldProblem('summary', 'validation.required'));
  if (c.story.replace(/<[^>]*>/g, '').trim().length < 50) problems.push(fieldProblem('story', 'validation.storyLength', { min: 50 }));
  if (c.imageFileId && !c.imageAlt.trim()) problems.push(fieldProblem('imageAlt', 'validation.imageAlt'));
  return problems;
}
