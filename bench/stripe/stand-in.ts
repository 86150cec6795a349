import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface StripeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The form-encoded body as Stripe reads it: `metadata[contribution_id]` → value. */
  form: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

/** Where the checkout page sends Stripe's events, signed as Stripe signs them. */
export interface StandInWebhooks {
  /** The application's webhook endpoint (`http://127.0.0.1:<port>/api/payments/stripe/webhook`). */
  url: string;
  /** The Host the application knows the authority by. */
  host: string;
  /** The authority's endpoint secret. */
  secret: string;
  /** The application's clock (the signature's timestamp is checked against it). */
  now: () => Date;
}

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
  /** Set: the checkout page (`GET /c/pay/:id`, a "Pay" button) sends `checkout.session.completed` there. */
  webhooks?: StandInWebhooks;
  /** When true, the page's events wait in `heldEvents` (a webhook late to arrive) until `deliverHeld()`. */
  holdWebhooks = false;
  readonly heldEvents: string[] = [];
  /** What the application answered to each event the page sent: status and body. */
  readonly deliveries: Array<{ type: string; status: number; body: string }> = [];

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
        const page = url.pathname.match(/^\/c\/pay\/([A-Za-z0-9_]+)$/);
        if (page) return void this.checkoutPage(req.method ?? 'GET', page[1], res);
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

  /**
   * Checkout's page for a session, as small as can be: the amount, a "Pay" button, a link back. Paying
   * completes the session, sends `checkout.session.completed` to the application (signed with the SDK's
   * own `generateTestHeaderString` and the authority's endpoint secret) and returns to `success_url`;
   * the link back is the session's `cancel_url`, as on Stripe's page.
   */
  private async checkoutPage(method: string, sessionId: string, res: ServerResponse): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('No such session');
      return;
    }
    if (method === 'POST' && session.status === 'open') {
      const paid = this.pay(sessionId);
      await this.sendEvent('checkout.session.completed', paid);
      res.writeHead(303, { Location: String(session.success_url) }).end();
      return;
    }
    if (method === 'POST') {
      res.writeHead(303, { Location: String(session.status === 'complete' ? session.success_url : session.cancel_url) }).end();
      return;
    }
    const euros = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(Number(session.amount_total) / 100);
    const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay ${esc(euros)} (Stripe test stand-in)</title></head><body><main>
<h1>Pay ${esc(euros)}</h1><p>Test mode: no card is charged.</p>
<form method="post" action="/c/pay/${esc(sessionId)}"><button type="submit" id="pay">Pay</button></form>
<p><a id="back" href="${esc(session.cancel_url)}">Back</a></p>
</main></body></html>`);
  }

  /** Sends (or holds) one event about `object`, as Stripe would deliver it. */
  async sendEvent(type: string, object: Record<string, unknown>): Promise<void> {
    if (!this.webhooks) return;
    const payload = JSON.stringify({
      id: id('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(this.webhooks.now().getTime() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: { ...object } },
    });
    if (this.holdWebhooks) this.heldEvents.push(payload);
    else await this.deliver(payload);
  }

  /** Delivers the events held back, in order. */
  async deliverHeld(): Promise<void> {
    while (this.heldEvents.length) await this.deliver(this.heldEvents.shift()!);
  }

  private deliver(payload: string): Promise<void> {
    const hooks = this.webhooks!;
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: hooks.secret, timestamp: Math.floor(hooks.now().getTime() / 1000) });
    const type = (JSON.parse(payload) as { type: string }).type;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        hooks.url,
        {
          method: 'POST',
          headers: {
            Host: hooks.host,
            'Content-Type': 'application/json',
            'Stripe-Signature': signature,
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            this.deliveries.push({ type, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
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
