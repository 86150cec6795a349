/**
 * Which e-mails a person may stop (RFC 8058 and the RGPD's right to object): every e-mail is either
 * **transactional** (the person asked for it or it is about their own file or money: sign-in links,
 * invitations, receipts, decisions, laureate e-mails, refunds) or belongs to a **bulk stream** (sent to
 * many at once, on the authority's or the software's initiative). Bulk e-mails carry an unsubscribe
 * link and the List-Unsubscribe headers; the outbox does not send them to an address that left their
 * stream. Transactional ones are never held back, and say in their last line why they were sent.
 */
export const STREAMS = {
  /** A campaign's news to its contributors: stopped for that one campaign. */
  campaign_updates: { scoped: true },
  /** "Notify me": the e-mail saying a campaign opened. */
  campaign_openings: { scoped: false },
  /** The laureates' tips and reminders during their campaign. */
  campaign_nudges: { scoped: false },
  /** Staff's reminders to the jurors who have not finished voting. */
  jury_reminders: { scoped: false },
  /** The jury's decision announced to the applicants who were not selected. */
  results_announcements: { scoped: false },
  /** The laureates' coaching reminders (milestones due, sessions today). */
  coaching_reminders: { scoped: false },
  /** The coaches' weekly digest. */
  coaching_digest: { scoped: false },
  /** The notice sent to every staff member when a call moves to another phase. */
  phase_notices: { scoped: false },
} as const satisfies Record<string, { scoped: boolean }>;
export type EmailStream = keyof typeof STREAMS;

export type EmailKind = EmailStream | 'transactional';
/** A template's kind, or a rule on its payload when one template serves both (the jury's result). */
export type EmailClass = EmailKind | ((payload: Record<string, unknown>) => EmailKind);

/**
 * Every e-mail template (templates/emails/<name>.hbs), declared once: `OutgoingEmail.template` is a
 * key of this map, so a template nobody classified does not compile (and a unit test checks the files).
 */
export const EMAIL_CLASSES = {
  'sign-in-link': 'transactional',
  'platform-sign-in-link': 'transactional',
  invitation: 'transactional',
  'application-received': 'transactional',
  'application-contact-email': 'transactional',
  'application-decision': 'transactional',
  'application-correction': 'transactional',
  'contribution-confirm': 'transactional',
  'contribution-confirmed': 'transactional',
  // The receipt or the refund of one's own contribution, even though every contributor gets one at once.
  'contribution-settled': 'transactional',
  'campaign-reviewed': 'transactional',
  'campaign-settled': 'transactional',
  'jury-ballot-recorded': 'transactional',
  'jury-withdrawn': 'transactional',
  // Laureates and the waiting list must hear (what follows depends on it); the others' announcement is a mailing.
  'jury-result': (p) => (resultOutcome(p) === 'not_selected' ? 'results_announcements' : 'transactional'),
  'privacy-link': 'transactional',
  'privacy-erased': 'transactional',
  'privacy-refused': 'transactional',
  'coaching-feedback': 'transactional',
  'coaching-handed-in': 'transactional',
  'coaching-session-invitation': 'transactional',
  'coaching-session-cancelled': 'transactional',
  'partners-matched-laureate': 'transactional',
  'partners-matched-partner': 'transactional',

  'campaign-update': 'campaign_updates',
  'campaign-opened': 'campaign_openings',
  'campaign-nudge': 'campaign_nudges',
  'jury-reminder': 'jury_reminders',
  'coaching-reminder': 'coaching_reminders',
  'coaching-digest': 'coaching_digest',
  'phase-changed': 'phase_notices',
} as const satisfies Record<string, EmailClass>;
export type EmailTemplate = keyof typeof EMAIL_CLASSES;

export function isEmailTemplate(name: string): name is EmailTemplate {
  return Object.hasOwn(EMAIL_CLASSES, name);
}

export function isStream(name: unknown): name is EmailStream {
  return typeof name === 'string' && Object.hasOwn(STREAMS, name);
}

/** The stream of one e-mail (null: transactional). An unknown template is transactional: never silently dropped. */
export function streamOf(template: string, payload: Record<string, unknown>): EmailStream | null {
  if (!isEmailTemplate(template)) return null;
  const c: EmailClass = EMAIL_CLASSES[template];
  const kind = typeof c === 'function' ? c(payload) : c;
  return kind === 'transactional' ? null : kind;
}

/** The jury's outcome in a result e-mail's payload (rows queued before `outcome` carry flags). */
function resultOutcome(p: Record<string, unknown>): string {
  if (typeof p.outcome === 'string') return p.outcome;
  return p.laureate ? 'laureate' : p.waiting ? 'waiting' : 'not_selected';
}
