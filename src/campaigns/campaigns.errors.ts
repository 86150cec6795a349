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
  | 'PAYMENT_SETTINGS_UNREADABLE'
  | 'STRIPE_NOT_CONFIGURED'
  | 'PAYMENT_PROVIDER_UNAVAILABLE'
  | 'CONTRIBUTION_NOT_REFUNDABLE'
  | 'REFUND_STATE_CONFLICT';

export const campaignErrors: ErrorCatalogue<CampaignErrorCode> = {
  CAMPAIGN_STATE_CONFLICT: { status: 409, labels: { from: 'dashboard.status', to: 'dashboard.status' } },
  CAMPAIGN_NOT_EDITABLE: { status: 409, labels: { campaignStatus: 'dashboard.status' } },
  CAMPAIGN_INCOMPLETE: { status: 400 },
  CAMPAIGN_NOT_LAUREATE: { status: 404 },
  CAMPAIGN_COMMENT_REQUIRED: { status: 400 },
  CONTRIBUTION_WINDOW_NOT_OPEN: { status: 409 },
  CONTRIBUTION_WINDOW_CLOSED: { status: 409 },
  CAMPAIGN_NOT_LIVE: { status: 409 },
  REWARD_SOLD_OUT: { status: 409 },
  REWARD_NOT_FOUND: { status: 400 },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400 },
  IDEMPOTENCY_KEY_REUSED: { status: 409 },
  CONTRIBUTION_LINK_INVALID: { status: 404 },
  WEBHOOK_SIGNATURE_INVALID: { status: 400 },
  WEBHOOK_NOT_CONFIGURED: { status: 503 },
  WEBHOOK_EVENT_INVALID: { status: 400 },
  SUBSCRIBE_CLOSED: { status: 409 },
  UPDATE_NOT_ALLOWED: { status: 409 },
  MATCH_BUDGET_BELOW_USED: { status: 409 },
  CAMPAIGN_SETTINGS_FROZEN: { status: 409 },
  CAMPAIGN_PARTNER_UNKNOWN: { status: 400 },
  PAYMENT_SETTINGS_UNREADABLE: { status: 503 },
  STRIPE_NOT_CONFIGURED: { status: 503 },
  PAYMENT_PROVIDER_UNAVAILABLE: { status: 503 },
  CONTRIBUTION_NOT_REFUNDABLE: { status: 409, labels: { status: 'contribution.status' } },
  REFUND_STATE_CONFLICT: { status: 409 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<CampaignErrorCode, true> {}
}
