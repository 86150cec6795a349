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

/** Where the server may POST refunds: `allowLoopbackHttp` in tests (a local endpoint), `allowPrivate` by configuration. */
export interface RefundUrlRules {
  allowLoopbackHttp: boolean;
  allowPrivate: boolean;
}

const STRICT: RefundUrlRules = { allowLoopbackHttp: false, allowPrivate: false };

/** What is wrong with the input, field by field; messages are the API's (pages show their own). */
export function paymentSettingsProblems(input: PaymentSettingsInput, refundRules: RefundUrlRules = STRICT): FieldProblem[] {
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
  if (input.refundUrl !== undefined && input.refundUrl !== null) {
    const why = refundUrlProblem(input.refundUrl, refundRules);
    if (why) problems.push(fieldProblem('refundUrl', why));
  }
  return problems;
}

/**
 * The refund URL is staff-set and POSTed to by the server: https only (http for a loopback endpoint in
 * tests), and never a private, loopback or link-local address (the cloud metadata service, the
 * database next door) unless the installation allows it explicitly. Names are checked as written (an IP
 * literal, `localhost`, `.local`, `.internal`); the send re-checks the same rules.
 */
export function refundUrlProblem(raw: unknown, rules: RefundUrlRules): string | null {
  if (!isHttpUrl(raw)) return 'validation.refundUrl';
  const url = new URL(raw as string);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback = isLoopbackHost(host);
  if (url.protocol !== 'https:' && !(rules.allowLoopbackHttp && loopback)) return 'validation.refundUrlHttps';
  if (isPrivateHost(host) && !rules.allowPrivate && !(rules.allowLoopbackHttp && loopback)) return 'validation.refundUrlPrivate';
  return null;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Loopback, private (RFC 1918, CGNAT, unique-local IPv6), link-local, unspecified; and local-only names. */
export function isPrivateHost(host: string): boolean {
  if (isLoopbackHost(host) || host.endsWith('.local') || host.endsWith('.internal') || (!host.includes('.') && !host.includes(':'))) return true;
  const v4 = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (host.includes(':')) {
    const mapped = host.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped) return isPrivateHost(mapped[1]);
    // As URL writes it: ::ffff:a00:1 is 10.0.0.1.
    const hex = host.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
    if (hex) {
      const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
      return isPrivateHost(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return host === '::' || host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
  }
  return false;
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
