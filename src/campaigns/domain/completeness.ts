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
  if (!c.title.trim()) problems.push({ field: 'title', message: 'is required' });
  if (!c.summary.trim()) problems.push({ field: 'summary', message: 'is required' });
  if (c.story.replace(/<[^>]*>/g, '').trim().length < 50) problems.push({ field: 'story', message: 'must tell the project in at least 50 characters' });
  if (c.imageFileId && !c.imageAlt.trim()) problems.push({ field: 'imageAlt', message: 'describe the image for people who cannot see it' });
  return problems;
}
