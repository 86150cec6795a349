import fc from 'fast-check';
import { BACKOFF_CEILING_MS, backoffMs, canMarkByHand, canRetry, nextAttemptAt, refundReasonOf } from '../../../src/campaigns/domain/refunds.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('refunds: the back-off rule', () => {
  it('waits 1 min, 5 min, 30 min, 2 h after the first four failures, then every 6 h', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(backoffMs)).toEqual([MIN, 5 * MIN, 30 * MIN, 2 * HOUR, 6 * HOUR, 6 * HOUR, 6 * HOUR]);
    expect(nextAttemptAt(new Date('2026-09-01T10:00:00Z'), 2).toISOString()).toBe('2026-09-01T10:05:00.000Z');
  });

  it('never waits less after more failures, and never more than the ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (n) => {
        expect(backoffMs(n + 1)).toBeGreaterThanOrEqual(backoffMs(n));
        expect(backoffMs(n)).toBeLessThanOrEqual(BACKOFF_CEILING_MS);
        expect(backoffMs(n)).toBeGreaterThanOrEqual(MIN);
      }),
    );
  });

  it('treats a count it cannot read as a first failure', () => {
    expect([0, -3, Number.NaN, Number.POSITIVE_INFINITY].map(backoffMs)).toEqual([MIN, MIN, MIN, MIN]);
  });
});

describe('refunds: reasons in words, from what the provider said', () => {
  it('names the reason and keeps the provider type and code as the detail', () => {
    expect(refundReasonOf('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'stripe', type: 'api_error', code: '', requestId: 'req_1' })).toEqual({
      reason: 'provider_unavailable',
      detail: 'api_error',
    });
    expect(refundReasonOf('PAYMENT_PROVIDER_UNAVAILABLE', { type: 'invalid_request_error', code: 'charge_not_refundable' })).toEqual({
      reason: 'not_refundable',
      detail: 'invalid_request_error:charge_not_refundable',
    });
    expect(refundReasonOf('PAYMENT_PROVIDER_UNAVAILABLE', { type: 'invalid_request_error', code: 'amount_too_large' }).reason).toBe('refused');
    expect(refundReasonOf('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'webhook', status: 422 })).toEqual({ reason: 'refused', detail: 'http_422' });
    expect(refundReasonOf('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'webhook', status: 502 })).toEqual({
      reason: 'provider_unavailable',
      detail: 'http_502',
    });
    expect(refundReasonOf('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'webhook', type: 'network' }).reason).toBe('provider_unavailable');
    expect(refundReasonOf('STRIPE_NOT_CONFIGURED', {})).toEqual({ reason: 'not_configured', detail: 'stripe_not_configured' });
    expect(refundReasonOf('PAYMENT_PROVIDER_UNAVAILABLE', { type: 'no_session' }).reason).toBe('not_refundable');
  });

  it('lets staff retry a failed refund, and record by hand one that failed or cannot be asked', () => {
    expect(canRetry({ state: 'failed', reason: 'refused' })).toBe(true);
    expect(canRetry({ state: 'requested', reason: 'manual_required' })).toBe(true);
    expect(canRetry({ state: 'requested', reason: null })).toBe(false);
    expect(canRetry({ state: 'confirmed', reason: null })).toBe(false);
    expect(canMarkByHand({ state: 'requested', reason: 'manual_required' })).toBe(true);
    expect(canMarkByHand({ state: 'failed', reason: 'refused' })).toBe(true);
    expect(canMarkByHand({ state: 'requested', reason: null })).toBe(false);
    expect(canMarkByHand({ state: 'confirmed', reason: null })).toBe(false);
  });
});
