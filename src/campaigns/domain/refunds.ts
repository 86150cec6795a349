/**
 * Refunds as rules. A contribution owed back (`refund_due`) has one refund, asked of its provider by
 * the scheduled refund job until the provider confirms it:
 * - `requested`: to ask (next_attempt_at set), asked and awaiting the provider's confirmation (asked_at
 *   set, no next attempt), or to be made by hand (reason `manual_required`: no refund URL);
 * - `failed`: the last ask failed; asked again at next_attempt_at (back-off);
 * - `confirmed`: the provider (or staff, by hand) confirmed it; the contribution is `refunded`.
 */
export const REFUND_STATES = ['requested', 'failed', 'confirmed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

/** Why a contribution is owed back. */
export const REFUND_CAUSES = ['settlement', 'amount_mismatch', 'late_payment', 'staff'] as const;
export type RefundCause = (typeof REFUND_CAUSES)[number];

/**
 * What went wrong, in words staff can read (catalogue `refund.reason.<reason>`); the provider's own
 * type or code, never a secret, is kept beside it as `detail` for the treasurer's file.
 */
export const REFUND_REASONS = ['provider_unavailable', 'not_configured', 'not_refundable', 'refused', 'provider_failed', 'manual_required'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** Waits after the 1st, 2nd, 3rd, 4th failed attempt; then every 6 hours, for ever (staff see it failing). */
const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000] as const;
export const BACKOFF_CEILING_MS = 6 * 3_600_000;

/** How long to wait after the `attempts`-th failed attempt (1-based) before asking again. */
export function backoffMs(attempts: number): number {
  if (!Number.isFinite(attempts) || attempts < 1) return BACKOFF_MS[0];
  return BACKOFF_MS[Math.floor(attempts) - 1] ?? BACKOFF_CEILING_MS;
}

export function nextAttemptAt(now: Date, attempts: number): Date {
  return new Date(now.getTime() + backoffMs(attempts));
}

/**
 * How long a claimed refund is held by the instance asking the provider: another instance does not ask
 * it meanwhile; if the asking instance dies, the refund is asked again after this (idempotently).
 */
export const CLAIM_LEASE_MS = 10 * 60_000;

/**
 * The reason of a provider failure, from what its error says (DomainError details: `type`, `code`, or
 * an HTTP `status`). Unknown shapes count as the provider being unavailable (asked again).
 */
export function refundReasonOf(code: string, details: Record<string, unknown>): { reason: RefundReason; detail: string } {
  const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const detail = [s(details.type), s(details.code), details.status !== undefined ? `http_${s(details.status)}` : ''].filter(Boolean).join(':').slice(0, 200);
  if (code === 'STRIPE_NOT_CONFIGURED' || code === 'PAYMENT_SETTINGS_UNREADABLE') return { reason: 'not_configured', detail: detail || code.toLowerCase() };
  const type = s(details.type);
  if (type === 'no_session' || type === 'not_paid' || s(details.code) === 'charge_not_refundable') return { reason: 'not_refundable', detail };
  const status = Number(details.status);
  if (type === 'invalid_request_error' || type === 'card_error' || (status >= 400 && status < 500)) return { reason: 'refused', detail };
  return { reason: 'provider_unavailable', detail };
}

/**
 * What staff may do: ask again at once a failed refund, or one left by hand (after a refund URL was set);
 * record as made by hand one that failed or cannot be asked.
 */
export const canRetry = (r: { state: RefundState; reason: string | null }) =>
  r.state === 'failed' || (r.state === 'requested' && r.reason === 'manual_required');
export const canMarkByHand = (r: { state: RefundState; reason: string | null }) =>
  r.state === 'failed' || (r.state === 'requested' && r.reason === 'manual_required');
