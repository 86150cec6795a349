import type { RetentionKind } from './retention.js';

/**
 * What the authority does with personal data through Tremplin (GDPR art. 30): one entry per purpose,
 * the source of both the default privacy notice and the register of processing activities. Every
 * word shown is a catalogue key (`privacy.activity.<key>.*`, `privacy.basis.*`, `privacy.data.*`,
 * `privacy.recipient.*`); the retention is the authority's period for `retention`.
 */
export type LegalBasis = 'publicTask' | 'consent' | 'contract' | 'legalObligation';
export type DataCategory = 'identity' | 'contact' | 'projectContent' | 'files' | 'evaluations' | 'coachingNotes' | 'payment' | 'messages' | 'connection';
export type Recipient = 'staff' | 'jurors' | 'coaches' | 'partners' | 'paymentProvider' | 'public';
/** Whose data: the authority's own processing, or one of each programme's. */
export type ActivityScope = 'authority' | 'programme';

export interface ProcessingActivity {
  key: string;
  scope: ActivityScope;
  basis: LegalBasis;
  data: readonly DataCategory[];
  recipients: readonly Recipient[];
  /** Null: kept while the account exists (sign-in data), removed with it. */
  retention: RetentionKind | null;
}

export const PROCESSING_ACTIVITIES: readonly ProcessingActivity[] = [
  { key: 'accounts', scope: 'authority', basis: 'publicTask', data: ['identity', 'contact', 'connection'], recipients: ['staff'], retention: null },
  {
    key: 'applications',
    scope: 'programme',
    basis: 'publicTask',
    data: ['identity', 'contact', 'projectContent', 'files'],
    recipients: ['staff', 'jurors'],
    retention: 'unselectedApplications',
  },
  {
    key: 'laureates',
    scope: 'programme',
    basis: 'publicTask',
    data: ['identity', 'contact', 'projectContent'],
    recipients: ['staff', 'coaches', 'public'],
    retention: 'laureateApplications',
  },
  { key: 'jury', scope: 'programme', basis: 'publicTask', data: ['identity', 'evaluations'], recipients: ['staff'], retention: 'juryNotes' },
  {
    key: 'coaching',
    scope: 'programme',
    basis: 'publicTask',
    data: ['identity', 'coachingNotes'],
    recipients: ['staff', 'coaches'],
    retention: 'laureateApplications',
  },
  { key: 'partners', scope: 'programme', basis: 'consent', data: ['identity', 'contact'], recipients: ['partners'], retention: 'laureateApplications' },
  {
    key: 'contributions',
    scope: 'programme',
    basis: 'contract',
    data: ['identity', 'contact', 'payment', 'messages'],
    recipients: ['staff', 'paymentProvider'],
    retention: 'contributorContacts',
  },
  // Kept as long as the contributor's contact (the retention pass removes both together).
  { key: 'campaignNews', scope: 'programme', basis: 'consent', data: ['contact'], recipients: ['staff'], retention: 'contributorContacts' },
  { key: 'campaignAlerts', scope: 'programme', basis: 'consent', data: ['contact'], recipients: ['staff'], retention: 'campaignSubscribers' },
  { key: 'authorityNews', scope: 'authority', basis: 'consent', data: ['identity', 'contact'], recipients: ['staff'], retention: null },
  { key: 'emails', scope: 'authority', basis: 'publicTask', data: ['contact', 'messages'], recipients: ['staff'], retention: 'sentEmails' },
];

export function activitiesFor(scope: ActivityScope): ProcessingActivity[] {
  return PROCESSING_ACTIVITIES.filter((a) => a.scope === scope);
}

/** Every catalogue key an activity uses (for the catalogue test). */
export function activityKeys(): string[] {
  const keys = new Set<string>();
  for (const a of PROCESSING_ACTIVITIES) {
    keys.add(`privacy.activity.${a.key}`);
    keys.add(`privacy.basis.${a.basis}`);
    for (const d of a.data) keys.add(`privacy.data.${d}`);
    for (const r of a.recipients) keys.add(`privacy.recipient.${r}`);
  }
  return [...keys];
}
