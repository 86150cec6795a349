/**
 * What a status means to the person reading it, for the colour of its badge: something to do, in
 * progress, done, refused (or failed), or neutral. Keyed by the status's catalogue key (the badge always
 * shows that text: the colour is never the only cue). The CSS classes are `badge-<meaning>` (app.css).
 */
export type StatusMeaning = 'todo' | 'progress' | 'done' | 'refused' | 'neutral';

const campaign: Record<string, StatusMeaning> = {
  none: 'neutral',
  draft: 'todo',
  in_review: 'progress',
  changes_requested: 'todo',
  approved: 'done',
  live: 'progress',
  awaiting_funds: 'progress',
  funded: 'done',
  not_funded: 'refused',
};

const FAMILIES: Record<string, Record<string, StatusMeaning>> = {
  // Programme phases: not started, under way, over.
  phase: {
    draft: 'todo',
    call_open: 'progress',
    screening: 'progress',
    jury: 'progress',
    announced: 'progress',
    coaching: 'progress',
    communication: 'progress',
    campaign: 'progress',
    settlement: 'progress',
    results: 'done',
  },
  // People's requests about their data.
  'privacy.status': { awaiting_confirmation: 'todo', open: 'todo', done: 'done', refused: 'refused' },
  // Applications and their screening.
  status: { draft: 'todo', submitted: 'done', withdrawn: 'neutral' },
  screening: { pending: 'todo', eligible: 'done', ineligible: 'refused' },
  // The jury's vote, and a juror's progress.
  'jury.status': { setup: 'todo', open: 'progress', closed: 'done' },
  jury: { done: 'done', todo: 'todo', late: 'todo', tied: 'neutral' },
  // Coaching milestones and readiness.
  'coaching.status': { pending: 'todo', submitted: 'progress', changes_requested: 'todo', validated: 'done', overdue: 'refused' },
  coaching: { ready: 'done' },
  // Matching, campaigns, contributions.
  'partners.status': { draft: 'progress', confirmed: 'done' },
  partners: { locked: 'neutral' },
  'campaignEdit.status': campaign,
  'dashboard.status': campaign,
  campaignStaff: { notStarted: 'neutral' },
  'public.outcome': { funded: 'done', not_funded: 'refused', awaiting_funds: 'progress' },
  'contribution.status': { pending: 'progress', confirmed: 'done', failed: 'refused', expired: 'neutral', refund_due: 'todo', refunded: 'neutral' },
  'refund.state': { requested: 'progress', failed: 'refused', confirmed: 'done' },
  programme: { current: 'progress' },
  'platform.status': { active: 'done', suspended: 'refused' },
};

/** The meaning of a status given by its catalogue key ("screening.eligible" → "done"); neutral when unknown. */
export function statusMeaning(key: string): StatusMeaning {
  const dot = key.lastIndexOf('.');
  if (dot < 0) return 'neutral';
  const family = FAMILIES[key.slice(0, dot)];
  const value = key.slice(dot + 1);
  return family && Object.hasOwn(family, value) ? family[value] : 'neutral';
}

/** The badge's CSS class for a status key: `badge-todo`, `badge-progress`, `badge-done`, `badge-refused`, `badge-neutral`. */
export function statusClass(key: string): string {
  return `badge-${statusMeaning(key)}`;
}
