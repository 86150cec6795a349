/**
 * One-time success notices after a post/redirect/get: a form redirects to its page with `?saved=<what>`
 * and the layout shows a `role="status"` box with the catalogue message for that page and value. Only
 * the values listed here are shown (never the raw query value): anything else shows nothing.
 */
const NOTICES: Record<string, Record<string, string>> = {
  'pages/staff/branding': { '1': 'notice.branding', logo: 'notice.logo', 'logo-removed': 'notice.logoRemoved' },
  'pages/staff/programme': { timeline: 'notice.timeline', phase: 'notice.phase' },
  'pages/staff/review': { decision: 'notice.decision', correction: 'notice.correction' },
  'pages/staff/call-rules': { modes: 'notice.ruleModes', rule: 'notice.ruleSaved', removed: 'notice.ruleRemoved' },
  'pages/jury/staff': {
    settings: 'notice.jurySettings',
    member: 'notice.juryMember',
    open: 'notice.voteOpened',
    close: 'notice.voteClosed',
    remind: 'notice.juryReminded',
    confirm: 'notice.juryConfirmed',
    announce: 'notice.juryAnnounced',
  },
  'pages/jury/portal': { '1': 'notice.juryRanking', conflict: 'notice.juryConflict', conflictWithdrawn: 'notice.juryConflictWithdrawn' },
  'pages/jury/application': { ballot: 'notice.juryBallot', note: 'notice.juryNote' },
  'pages/coaching/schedule': { submitted: 'notice.milestoneSubmitted', reminders: 'notice.reminders' },
  'pages/coaching/coach': { review: 'notice.coachReview' },
  'pages/coaching/session': { attendance: 'notice.attendance' },
  'pages/coaching/dashboard': {
    schedules: 'notice.coachingSchedules',
    override: 'notice.coachingOverride',
    coach: 'notice.coachingCoach',
    plan: 'notice.coachingPlan',
  },
  'pages/partners/needs': { '1': 'notice.partnerNeeds' },
  'pages/privacy/my-data': { erasure: 'notice.erasureRequested' },
  'pages/privacy/request': { erased: 'notice.personErased', refused: 'notice.requestRefused' },
  'pages/privacy/retention': { run: 'notice.retentionRun', periods: 'notice.retentionPeriods' },
  'pages/notifications/unsubscribe': { unsubscribed: 'notice.unsubscribed', resubscribed: 'notice.resubscribed' },
  'pages/campaigns/refunds': { requested: 'notice.refundRequested', retry: 'notice.refundRetry', manual: 'notice.refundMarked' },
  'pages/partners/matching': {
    run: 'notice.matchingRun',
    confirm: 'notice.matchingConfirmed',
    pair: 'notice.matchingPair',
    partner: 'notice.matchingPartner',
    contact: 'notice.matchingContact',
    settings: 'notice.matchingSettings',
  },
};

/** Every catalogue key a notice can show (for the catalogue test). */
export const NOTICE_KEYS: readonly string[] = [...new Set(Object.values(NOTICES).flatMap((m) => Object.values(m)))];

/** The catalogue key of the notice for a page (template name) and its URL (path with query), or null. */
export function noticeKeyFor(template: string, url: string): string | null {
  const q = url.indexOf('?');
  if (q < 0) return null;
  const saved = new URLSearchParams(url.slice(q + 1)).get('saved');
  if (!saved) return null;
  const page = NOTICES[template];
  return page && Object.hasOwn(page, saved) ? page[saved] : null;
}
