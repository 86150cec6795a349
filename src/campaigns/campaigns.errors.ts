import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type CampaignErrorCode =
  | 'CAMPAIGN_STATE_CONFLICT'
  | 'CAMPAIGN_NOT_EDITABLE'
  | 'CAMPAIGN_INCOMPLETE'
  | 'CAMPAIGN_NOT_LAUREATE'
  | 'CAMPAIGN_COMMENT_REQUIRED'
  | 'CONTRIBUTION_WINDOW_NOT_OPEN'
  | 'CONTRIBUTION_WINDOW_CLOSED'
  | 'CAMPAIGN_NOT_LIVE'
  | 'REWARD_SOLD_OUT'
  | 'REWARD_NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REQUIRED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'CONTRIBUTION_LINK_INVALID'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_NOT_CONFIGURED'
  | 'WEBHOOK_EVENT_INVALID'
  | 'SUBSCRIBE_CLOSED'
  | 'UPDATE_NOT_ALLOWED'
  | 'MATCH_BUDGET_BELOW_USED'
  | 'CAMPAIGN_SETTINGS_FROZEN'
  | 'CAMPAIGN_PARTNER_UNKNOWN'
  | 'PAYMENT_SETTINGS_UNREADABLE';

export const campaignErrors: ErrorCatalogue<CampaignErrorCode> = {
  CAMPAIGN_STATE_CONFLICT: { status: 409, en: 'This campaign cannot go from {from} to {to}.', fr: 'Cette campagne ne peut pas passer de {from} à {to}.' },
  CAMPAIGN_NOT_EDITABLE: {
    status: 409,
    en: 'This campaign can no longer be edited (it is {campaignStatus}).',
    fr: "Cette campagne n'est plus modifiable (elle est {campaignStatus}).",
  },
  CAMPAIGN_INCOMPLETE: { status: 400, en: 'The campaign is not complete yet.', fr: "La campagne n'est pas encore complète." },
  CAMPAIGN_NOT_LAUREATE: { status: 404, en: 'You have no campaign in this programme.', fr: "Vous n'avez pas de campagne dans ce programme." },
  CAMPAIGN_COMMENT_REQUIRED: {
    status: 400,
    en: 'Say what to change: a comment is required to ask for changes.',
    fr: 'Dites quoi changer : un commentaire est requis pour demander des modifications.',
  },
  CONTRIBUTION_WINDOW_NOT_OPEN: { status: 409, en: 'The collection has not opened yet.', fr: "La collecte n'est pas encore ouverte." },
  CONTRIBUTION_WINDOW_CLOSED: { status: 409, en: 'The collection is closed.', fr: 'La collecte est close.' },
  CAMPAIGN_NOT_LIVE: { status: 409, en: 'This campaign is not collecting.', fr: "Cette campagne n'est pas en collecte." },
  REWARD_SOLD_OUT: { status: 409, en: 'This reward is sold out.', fr: 'Cette contrepartie est épuisée.' },
  REWARD_NOT_FOUND: { status: 400, en: 'This reward does not exist for this campaign.', fr: "Cette contrepartie n'existe pas pour cette campagne." },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    en: 'An Idempotency-Key header (8 to 200 characters) is required.',
    fr: 'Un en-tête Idempotency-Key (8 à 200 caractères) est requis.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    en: 'This idempotency key was already used for another request.',
    fr: "Cette clé d'idempotence a déjà servi pour une autre requête.",
  },
  CONTRIBUTION_LINK_INVALID: { status: 404, en: 'This confirmation link is not valid (any more).', fr: "Ce lien de confirmation n'est pas (ou plus) valide." },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, en: 'The webhook signature is invalid ({reason}).', fr: 'La signature du webhook est invalide ({reason}).' },
  WEBHOOK_NOT_CONFIGURED: { status: 503, en: 'Payment webhooks are not configured.', fr: 'Les webhooks de paiement ne sont pas configurés.' },
  WEBHOOK_EVENT_INVALID: { status: 400, en: 'The webhook event is not understood.', fr: "L'événement du webhook n'est pas compris." },
  SUBSCRIBE_CLOSED: { status: 409, en: 'The collection has already opened.', fr: 'La collecte est déjà ouverte.' },
  UPDATE_NOT_ALLOWED: {
    status: 409,
    en: 'News can be posted once the campaign is live.',
    fr: 'Les actualités peuvent être publiées une fois la campagne en ligne.',
  },
  MATCH_BUDGET_BELOW_USED: {
    status: 409,
    en: 'The budget cannot be lower than what is already used ({usedCents} cents).',
    fr: 'Le budget ne peut pas être inférieur à ce qui est déjà engagé ({usedCents} centimes).',
  },
  CAMPAIGN_SETTINGS_FROZEN: {
    status: 409,
    en: 'These settings cannot change once the collection has opened.',
    fr: 'Ces réglages ne peuvent plus changer une fois la collecte ouverte.',
  },
  CAMPAIGN_PARTNER_UNKNOWN: { status: 400, en: 'This partner does not belong to the programme.', fr: "Ce partenaire n'appartient pas au programme." },
  PAYMENT_SETTINGS_UNREADABLE: {
    status: 503,
    en: "The authority's payment secret cannot be read (was APP_SECRET changed?): staff must set it again.",
    fr: 'Le secret de paiement de la collectivité est illisible (APP_SECRET a-t-il changé ?) : le personnel doit le saisir à nouveau.',
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<CampaignErrorCode, true> {}
}
