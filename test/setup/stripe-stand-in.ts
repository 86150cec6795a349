import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StripeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The form-encoded body as Stripe reads it: `metadata[contribution_id]` → value. */
  form: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

/**
 * A local stand-in for the parts of Stripe's API the provider calls, in the test process, answering
 * with the real objects' shapes (trimmed to the fields Tremplin or the SDK read). Like Stripe, a request
 * repeated with the same Idempotency-Key gets the first response again. Every request is kept.
 */
export class StripeStandIn {
  readonly requests: StripeRequest[] = [];
  readonly sessions = new Map<string, Record<string, unknown>>();
  readonly paymentIntents = new Map<string, Record<string, unknown>>();
  private readonly intentOfSession = new Map<string, string>();
  private readonly replays = new Map<string, { status: number; body: unknown }>();
  private server?: Server;
  /** When set, calls answer Stripe's 500 api_error, marked not to be retried (the SDK gives up at once). */
  failing = false;
  /** The status of the refunds created: `succeeded` (card refunds usually are at once) or `pending`. */
  refundStatus: 'succeeded' | 'pending' = 'succeeded';
  /** How many refund creations still fail with Stripe's 500 api_error (the other endpoints answer). */
  failRefunds = 0;
  readonly refunds = new Map<string, Record<string, unknown>>();

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://stand-in');
        const form = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? url.search : raw));
        const request: StripeRequest = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, form };
        this.requests.push(request);
        const key = req.headers['idempotency-key'];
        const replayKey = typeof key === 'string' ? `${request.method} ${request.path} ${key}` : null;
        const answer = (replayKey && this.replays.get(replayKey)) || this.answer(request);
        if (replayKey && answer.status < 500) this.replays.set(replayKey, answer);
        res.writeHead(answer.status, {
          'Content-Type': 'application/json',
          ...(answer.status >= 500 ? { 'Stripe-Should-Retry': 'false' } : {}),
          'Request-Id': id('req'),
          ...(replayKey && this.replays.has(replayKey) ? { 'Idempotency-Key': key as string } : {}),
        });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The requests made to one endpoint (`POST /v1/checkout/sessions`). */
  calls(methodAndPath: string): StripeRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === methodAndPath);
  }

  private answer(r: StripeRequest): { status: number; body: unknown } {
    if (!/^Bearer (sk|rk)_test_/.test(String(r.headers.authorization ?? ''))) {
      return { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } };
    }
    if (this.failing) return { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred' } } };
    if (r.method === 'POST' && r.path === '/v1/checkout/sessions') return { status: 200, body: this.createSession(r.form) };
    if (r.method === 'POST' && r.path === '/v1/refunds') {
      if (this.failRefunds > 0) {
        this.failRefunds--;
        return { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred' } } };
      }
      return this.createRefund(r.form);
    }
    const session = r.path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/);
    if (r.method === 'GET' && session) return this.found(this.sessions.get(session[1]), 'checkout.session', session[1]);
    const pi = r.path.match(/^\/v1\/payment_intents\/([^/]+)$/);
    if (r.method === 'GET' && pi) return this.found(this.paymentIntents.get(pi[1]), 'payment_intent', pi[1]);
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${r.method}: ${r.path})` } } };
  }

  private found(object: Record<string, unknown> | undefined, kind: string, objectId: string) {
    return object
      ? { status: 200, body: object }
      : { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${objectId}'`, param: 'id' } } };
  }

  private createSession(f: Record<string, string>): Record<string, unknown> {
    const sessionId = id('cs');
    const metadata = Object.fromEntries(
      Object.entries(f)
        .filter(([k]) => k.startsWith('metadata['))
        .map(([k, v]) => [k.slice('metadata['.length, -1), v]),
    );
    const created = Math.floor(Date.now() / 1000);
    const session = {
      id: sessionId,
      object: 'checkout.session',
      amount_subtotal: Number(f['line_items[0][price_data][unit_amount]']) * Number(f['line_items[0][quantity]'] ?? 1),
      amount_total: Number(f['line_items[0][price_data][unit_amount]']) * Number(f['line_items[0][quantity]'] ?? 1),
      cancel_url: f.cancel_url ?? null,
      client_reference_id: f.client_reference_id ?? null,
      created,
      currency: f['line_items[0][price_data][currency]'] ?? null,
      customer: null,
      customer_email: f.customer_email ?? null,
      expires_at: created + 24 * 3600,
      livemode: false,
      locale: f.locale ?? null,
      metadata,
      mode: f.mode ?? 'payment',
      payment_intent: null,
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      success_url: f.success_url ?? null,
      url: `${this.url}/c/pay/${sessionId}`,
    };
    this.sessions.set(sessionId, session);
    // The payment intent Checkout creates when the contributor pays, with the metadata asked for.
    const piMetadata = Object.fromEntries(
      Object.entries(f)
        .filter(([k]) => k.startsWith('payment_intent_data[metadata]['))
        .map(([k, v]) => [k.slice('payment_intent_data[metadata]['.length, -1), v]),
    );
    const piId = id('pi');
    this.paymentIntents.set(piId, {
      id: piId,
      object: 'payment_intent',
      amount: session.amount_total,
      currency: session.currency,
      livemode: false,
      metadata: piMetadata,
      status: 'requires_payment_method',
    });
    this.intentOfSession.set(sessionId, piId);
    return session;
  }

  private createRefund(f: Record<string, string>): { status: number; body: unknown } {
    const pi = this.paymentIntents.get(f.payment_intent);
    if (!pi || pi.status !== 'succeeded') {
      return {
        status: 400,
        body: { error: { type: 'invalid_request_error', code: 'charge_not_refundable', message: 'This PaymentIntent has no successful charge.' } },
      };
    }
    const refundId = id('re');
    const refund = {
      id: refundId,
      object: 'refund',
      amount: pi.amount,
      charge: `ch_${String(pi.id).slice(3)}`,
      created: Math.floor(Date.now() / 1000),
      currency: pi.currency,
      metadata: Object.fromEntries(
        Object.entries(f)
          .filter(([k]) => k.startsWith('metadata['))
          .map(([k, v]) => [k.slice('metadata['.length, -1), v]),
      ),
      payment_intent: pi.id,
      reason: null,
      status: this.refundStatus,
    };
    this.refunds.set(refundId, refund);
    return { status: 200, body: refund };
  }

  /** The contributor pays on the session's page: the session completes and its payment intent succeeds. */
  pay(sessionId: string): Record<string, unknown> {
    const session = this.sessions.get(sessionId)!;
    const piId = this.intentOfSession.get(sessionId)!;
    Object.assign(this.paymentIntents.get(piId)!, { status: 'succeeded' });
    return Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: piId });
  }

  /** A pending refund fails after all (a closed card, say): the refund object as `refund.failed` carries it. */
  failRefund(refundId: string, reason = 'expired_or_canceled_card'): Record<string, unknown> {
    return Object.assign(this.refunds.get(refundId)!, { status: 'failed', failure_reason: reason });
  }

  /** How many times a refund was asked for each payment intent (idempotent replays included). */
  refundRequestsPerIntent(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.calls('POST /v1/refunds')) counts.set(r.form.payment_intent, (counts.get(r.form.payment_intent) ?? 0) + 1);
    return counts;
  }

  /** The payment intent of a session, as Checkout creates it (test-side: a real session has it once paid). */
  paymentIntentOf(sessionId: string): string {
    return this.intentOfSession.get(sessionId)!;
  }
}
