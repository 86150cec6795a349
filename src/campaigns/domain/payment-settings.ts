import { fieldProblem } from '../../common/errors/domain-error.js';
import type { FieldProblem } from '../../common/errors/domain-error.js';

/**
 * An authority's payment settings, as rules. Which provider a programme uses is chosen per programme
 * (campaign settings); the credentials a provider needs are the authority's, one set per provider.
 */
export type SettingsProvider = 'webhook' | 'stripe';
/** The named secret fields of each provider: Stripe's API secret key and its webhook endpoint's signing secret. */
export const SECRET_FIELDS = { webhook: ['webhook_secret'], stripe: ['secret_key', 'endpoint_secret'] } as const satisfies Record<
  SettingsProvider,
  readonly string[]
>;
export type SecretField = (typeof SECRET_FIELDS)[SettingsProvider][number];

/** After a new webhook secret is set, the previous one is still accepted this long (or until staff end the rotation). */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

export interface PaymentSettingsInput {
  /** A new webhook secret; absent (or empty from a form) keeps the current one. */
  webhookSecret?: string;
  /** The provider's payment page; null goes back to the installation's default. Absent keeps it. */
  checkoutUrl?: string | null;
  /** Where refunds are asked (a signed POST per refund); null: none, refunds are made by hand. Absent keeps it. */
  refundUrl?: string | null;
  /** Stripe: the authority's secret (or restricted) API key, `sk_test_…`/`sk_live_…`/`rk_…`. Absent keeps it. */
  stripeSecretKey?: string;
  /** Stripe: the signing secret of the authority's webhook endpoint, `whsec_…`. Absent keeps it. */
  stripeEndpointSecret?: string;
}

const SECRET = /^[\x21-\x7e]{24,500}$/;
const STRIPE_SECRET_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]{16,300}$/;
const STRIPE_ENDPOINT_SECRET = /^whsec_[A-Za-z0-9+/=]{16,300}$/;

/** What is wrong with the input, field by field; messages are the API's (pages show their own). */
export function paymentSettingsProblems(input: PaymentSettingsInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (input.webhookSecret !== undefined && (typeof input.webhookSecret !== 'string' || !SECRET.test(input.webhookSecret))) {
    problems.push(fieldProblem('webhookSecret', 'validation.webhookSecret'));
  }
  if (input.stripeSecretKey !== undefined && (typeof input.stripeSecretKey !== 'string' || !STRIPE_SECRET_KEY.test(input.stripeSecretKey))) {
    problems.push(fieldProblem('stripeSecretKey', 'validation.stripeSecretKey'));
  }
  if (
    input.stripeEndpointSecret !== undefined &&
    (typeof input.stripeEndpointSecret !== 'string' || !STRIPE_ENDPOINT_SECRET.test(input.stripeEndpointSecret))
  ) {
    problems.push(fieldProblem('stripeEndpointSecret', 'validation.stripeEndpointSecret'));
  }
  if (input.checkoutUrl !== undefined && input.checkoutUrl !== null && !isHttpUrl(input.checkoutUrl)) {
    problems.push(fieldProblem('checkoutUrl', 'validation.checkoutUrl'));
  }
  if (input.refundUrl !== undefined && input.refundUrl !== null && !isHttpUrl(input.refundUrl)) {
    problems.push(fieldProblem('refundUrl', 'validation.refundUrl'));
  }
  return problems;
}

function isHttpUrl(raw: unknown): boolean {
  if (typeof raw !== 'string' || raw.length > 2000) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !!url.hostname && !url.username && !url.password;
  } catch {
    return false;
  }
}
