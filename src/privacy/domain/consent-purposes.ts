import { createHash } from 'node:crypto';

/**
 * The optional uses a person may agree to, each a separate unticked box. `campaign_news` is scoped
 * to one campaign, `partner_contact` to one programme, `authority_news` to the whole authority.
 */
export const CONSENT_PURPOSES = ['authority_news', 'partner_contact', 'campaign_news'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export function isConsentPurpose(v: unknown): v is ConsentPurpose {
  return typeof v === 'string' && (CONSENT_PURPOSES as readonly string[]).includes(v);
}

export interface ConsentScope {
  programmeId?: string | null;
  campaignId?: string | null;
}

/** The box's form field name on the forms that show it. */
export const CONSENT_FIELD: Record<ConsentPurpose, string> = {
  authority_news: 'consentAuthorityNews',
  partner_contact: 'consentPartnerContact',
  campaign_news: 'consentCampaignNews',
};

/**
 * A short fingerprint of the exact sentence shown next to the box, so that changing the wording
 * changes the version recorded with each new consent: `<purpose>:<8 hex>`.
 */
export function consentTextVersion(purpose: ConsentPurpose, shownText: string): string {
  return `${purpose}:${createHash('sha256').update(shownText.normalize('NFC').trim()).digest('hex').slice(0, 8)}`;
}

/** The e-mail under which a person's consents are kept (trimmed, lower-cased). */
export function emailKeyOf(email: string): string {
  return email.trim().toLowerCase();
}
