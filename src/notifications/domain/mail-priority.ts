import type { EmailTemplate } from './email-streams.js';
/**
 * Which e-mails leave first. The worker claims by (priority, due time): a sign-in link queued behind
 * thousands of contributor updates still leaves in the next pass. Stored as a smallint, lower first.
 */
export const MailPriority = {
  /** The person is waiting for it: a link to sign in, an invitation, a receipt, an address confirmation. */
  Transactional: 0,
  /** Written to one person about their own file: a decision, an outcome, a review. */
  Personal: 1,
  /** Sent to many at once: updates to contributors, announcements, nudges, reminders, digests. */
  Bulk: 2,
} as const;
export type MailPriority = (typeof MailPriority)[keyof typeof MailPriority];

const { Transactional, Personal, Bulk } = MailPriority;

/**
 * Every template under templates/emails, declared once (a unit test checks none is missing). Only
 * these are transactional: that level is never held back by an authority's send rate, so it must stay
 * for mail someone is waiting for.
 */
export const PRIORITY_BY_TEMPLATE: Readonly<Record<EmailTemplate, MailPriority>> = {
  'sign-in-link': Transactional,
  invitation: Transactional,
  'application-received': Transactional,
  'contribution-confirm': Transactional, // confirms the pledge and the contributor's address
  'contribution-confirmed': Transactional,
  'application-contact-email': Transactional, // confirms a contact address
  'platform-sign-in-link': Transactional, // sent directly (platform admins belong to no authority)
  'privacy-link': Transactional, // a link to one's data, asked for now

  'application-decision': Personal,
  // Sent to every contributor at once at settlement: before bulk, but behind anything someone awaits now.
  'contribution-settled': Personal,
  'application-correction': Personal,
  'privacy-erased': Personal,
  'privacy-refused': Personal,
  'jury-result': Personal,
  'jury-withdrawn': Personal,
  'jury-ballot-recorded': Personal,
  'campaign-reviewed': Personal,
  'campaign-settled': Personal,
  'coaching-feedback': Personal,
  'coaching-handed-in': Personal,
  'coaching-session-invitation': Personal,
  'coaching-session-cancelled': Personal,
  'partners-matched-laureate': Personal,
  'partners-matched-partner': Personal,
  'phase-changed': Personal,

  'campaign-update': Bulk,
  'campaign-opened': Bulk,
  'campaign-nudge': Bulk,
  'jury-reminder': Bulk,
  'coaching-reminder': Bulk,
  'coaching-digest': Bulk,
};

/** The template's declared priority; a template nobody classified is an ordinary, rate-limited notice. */
export function priorityOf(template: string): MailPriority {
  return Object.hasOwn(PRIORITY_BY_TEMPLATE, template) ? PRIORITY_BY_TEMPLATE[template as EmailTemplate] : Personal;
}
