import { randomUUID } from 'node:crypto';
import { signPayload } from '../../src/campaigns/domain/webhook-signature.js';
import Stripe from 'stripe';
import { httpCall, type HttpResult } from '../lib/http-client.js';
import { CRITERIA, type SoakWorld } from './setup.js';

/** A small deterministic PRNG: two runs make the same choices in the same order per actor. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ContributionRecord {
  key: string;
  campaignId: string;
  amountCents: number;
  rewardTierId: string | null;
  email: string;
  /** Contribution ids acknowledged (2xx) for this key: all must be the same one. */
  acks: string[];
  /** Statuses of the 2xx answers: 201 created, 200 replayed. */
  ackStatuses: number[];
  attempts: number;
  /** The code of a definitive refusal (4xx), e.g. REWARD_SOLD_OUT. */
  refusal?: string;
  /** Never got a definitive answer before giving up. */
  unresolved: boolean;
}

export interface EventRecord {
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  reference: string;
  /** Answers to each acknowledged delivery. */
  answers: Array<{ duplicate: boolean; outcome: string }>;
  /** Delivered (2xx) at least once. */
  delivered: boolean;
  refused?: string;
}

export interface BallotRecord {
  memberId: string;
  applicationId: string;
  /** The value of the last acknowledged PUT, and whether a later PUT left it in doubt. */
  acked: Record<string, number> | null;
  uncertain: boolean;
}

export type Actor = 'contribution' | 'webhook' | 'read' | 'ballot';

/** Everything the load saw, for the checks and the summary. */
export class Recorder {
  readonly t0 = Date.now();
  readonly contributions = new Map<string, ContributionRecord>();
  readonly events = new Map<string, EventRecord>();
  /** The provider's decision per contribution id: the first decisive event acknowledged. */
  readonly decisions = new Map<string, 'payment.succeeded' | 'payment.failed'>();
  readonly ballots = new Map<string, BallotRecord>();
  readonly ok: Record<Actor, number> = { contribution: 0, webhook: 0, read: 0, ballot: 0 };
  readonly refused: Record<string, number> = {};
  /** Failed attempts (no answer, 5xx, proxy 502), with when they happened. */
  readonly failures: Array<{ at: number; actor: Actor; what: string }> = [];
  readonly latencies: Record<Actor, number[]> = { contribution: [], webhook: [], read: [], ballot: [] };

  failure(actor: Actor, r: HttpResult): void {
    this.failures.push({ at: Date.now() - this.t0, actor, what: r.ok ? `http ${r.status}` : r.error });
  }
}

function isFailure(r: HttpResult): boolean {
  return !r.ok || r.status >= 500 || r.status === 429;
}

function codeOf(r: HttpResult): string {
  if (!r.ok) return r.error;
  const b = r.body as { code?: string } | undefined;
  return b?.code ?? `http ${r.status}`;
}

export interface LoadContext {
  port: number;
  world: SoakWorld;
  webhookSecret: string;
  /** Set when the programme pays through Stripe: events are Stripe's, signed with the authority's endpoint secret. */
  stripe?: { endpointSecret: string };
  rec: Recorder;
  /** True once the load should stop starting new work. */
  stopping(): boolean;
  /** Past this instant, a request that never got an answer is given up as unresolved. */
  retryDeadline(): number;
}

/** Sends one request until it gets a definitive answer (not a failure), or the deadline passes. */
async function untilAnswered(ctx: LoadContext, actor: Actor, send: () => Promise<HttpResult>, onAttempt: () => void = () => {}): Promise<HttpResult | null> {
  let backoff = 100;
  for (;;) {
    onAttempt();
    const t = Date.now();
    const r = await send();
    if (!isFailure(r)) {
      ctx.rec.latencies[actor].push(Date.now() - t);
      return r;
    }
    ctx.rec.failure(actor, r);
    if (Date.now() > ctx.retryDeadline()) return null;
    await sleep(backoff);
    backoff = Math.min(2_000, backoff * 2);
  }
}

/**
 * A citizen contributing: a campaign, an amount, sometimes the limited reward. On a failure the same
 * request is sent again with the same Idempotency-Key until it is answered; now and then a double click
 * sends an answered request again.
 */
export async function contributor(ctx: LoadContext, seed: number, payments: PaymentQueue): Promise<void> {
  const rnd = prng(seed);
  const { world } = ctx;
  const headers = (key: string) => ({ Host: world.host, 'Idempotency-Key': key });
  while (!ctx.stopping()) {
    const c = world.campaigns[Math.floor(rnd() * world.campaigns.length)];
    const roll = rnd();
    const rewardTierId = roll < 0.25 ? c.limitedRewardId : roll < 0.5 ? c.openRewardId : null;
    const amounts = [500, 1_000, 2_000, 2_500, 5_000, 10_000];
    let amountCents = amounts[Math.floor(rnd() * amounts.length)];
    if (rewardTierId === c.limitedRewardId) amountCents = Math.max(amountCents, 2_000);
    const email = `citizen${Math.floor(rnd() * 3_000)}@soak.example`;
    const key = `soak-${randomUUID()}`;
    const record: ContributionRecord = { key, campaignId: c.id, amountCents, rewardTierId, email, acks: [], ackStatuses: [], attempts: 0, unresolved: false };
    ctx.rec.contributions.set(key, record);
    const body = { amountCents, email, displayName: 'Camille', ...(rewardTierId ? { rewardTierId } : {}) };
    const send = () => httpCall(ctx.port, 'POST', `/api/campaigns/${c.id}/contributions`, { headers: headers(key), body });
    const times = rnd() < 0.05 ? 2 : 1;
    for (let i = 0; i < times; i++) {
      const r = await untilAnswered(ctx, 'contribution', send, () => record.attempts++);
      if (!r || !r.ok) {
        record.unresolved = record.acks.length === 0;
        break;
      }
      if (r.status === 200 || r.status === 201) {
        const id = (r.body as { id: string }).id;
        record.acks.push(id);
        record.ackStatuses.push(r.status);
        ctx.rec.ok.contribution++;
        if (record.acks.length === 1) payments.push({ id, amountCents });
      } else {
        record.refusal = codeOf(r);
        ctx.rec.refused[`contribution ${record.refusal}`] = (ctx.rec.refused[`contribution ${record.refusal}`] ?? 0) + 1;
        break;
      }
    }
  }
}

export interface Payment {
  id: string;
  amountCents: number;
}

export class PaymentQueue {
  private readonly items: Payment[] = [];
  push(p: Payment): void {
    this.items.push(p);
  }
  shift(): Payment | undefined {
    return this.items.shift();
  }
  get length(): number {
    return this.items.length;
  }
}

/** One signed delivery of an event, repeated until the app answers (as providers retry webhooks). */
export async function deliver(ctx: LoadContext, event: EventRecord, amountCents: number): Promise<void> {
  const stripe = ctx.stripe;
  const raw = stripe ? stripeEvent(event, amountCents) : JSON.stringify({ id: event.id, type: event.type, data: { reference: event.reference, amountCents } });
  const r = await untilAnswered(ctx, 'webhook', () =>
    stripe
      ? httpCall(ctx.port, 'POST', '/api/payments/stripe/webhook', {
          headers: {
            Host: ctx.world.host,
            'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({
              payload: raw,
              secret: stripe.endpointSecret,
              timestamp: Math.floor(Date.now() / 1000),
            }),
          },
          rawBody: raw,
        })
      : httpCall(ctx.port, 'POST', '/api/payments/webhook', {
          headers: { Host: ctx.world.host, 'Tremplin-Signature': signPayload(ctx.webhookSecret, raw, Math.floor(Date.now() / 1000)) },
          rawBody: raw,
        }),
  );
  if (!r || !r.ok) return;
  if (r.status === 200) {
    const b = r.body as { duplicate: boolean; outcome: string };
    event.answers.push({ duplicate: b.duplicate, outcome: b.outcome });
    if (!event.delivered && ['payment.succeeded', 'payment.failed'].includes(event.type) && !ctx.rec.decisions.has(event.reference)) {
      ctx.rec.decisions.set(event.reference, event.type);
    }
    event.delivered = true;
    ctx.rec.ok.webhook++;
  } else {
    event.refused = codeOf(r);
    ctx.rec.refused[`webhook ${event.refused}`] = (ctx.rec.refused[`webhook ${event.refused}`] ?? 0) + 1;
  }
}

/**
 * The same decision as Stripe reports it: a paid Checkout Session (`checkout.session.completed`), or
 * one that expired unpaid (`checkout.session.expired`), naming the contribution as Tremplin created it.
 */
function stripeEvent(event: EventRecord, amountCents: number): string {
  const paid = event.type === 'payment.succeeded';
  return JSON.stringify({
    id: event.id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: paid ? 'checkout.session.completed' : 'checkout.session.expired',
    data: {
      object: {
        object: 'checkout.session',
        client_reference_id: event.reference,
        metadata: { contribution_id: event.reference },
        amount_total: amountCents,
        currency: 'eur',
        mode: 'payment',
        payment_status: paid ? 'paid' : 'unpaid',
        status: paid ? 'complete' : 'expired',
      },
    },
  });
}

function newEvent(ctx: LoadContext, type: EventRecord['type'], reference: string): EventRecord {
  const e: EventRecord = { id: `evt_${randomUUID()}`, type, reference, answers: [], delivered: false };
  ctx.rec.events.set(e.id, e);
  return e;
}

/**
 * The payment provider: most payments succeed, some fail, a few stay pending until the end; some events
 * are delivered twice, and some payments get a late contradictory event (old news to be ignored).
 */
export async function paymentProvider(ctx: LoadContext, seed: number, queue: PaymentQueue, held: Payment[]): Promise<void> {
  const rnd = prng(seed);
  const replays: Array<{ event: EventRecord; amountCents: number }> = [];
  while (!ctx.stopping() || queue.length) {
    const p = queue.shift();
    if (!p) {
      await sleep(20);
      continue;
    }
    const roll = rnd();
    if (roll < 0.04) {
      held.push(p);
      continue;
    }
    const event = newEvent(ctx, roll < 0.14 ? 'payment.failed' : 'payment.succeeded', p.id);
    await deliver(ctx, event, p.amountCents);
    if (rnd() < 0.1) replays.push({ event, amountCents: p.amountCents });
    if (event.type === 'payment.succeeded' && rnd() < 0.03) await deliver(ctx, newEvent(ctx, 'payment.failed', p.id), p.amountCents);
    if (replays.length > 5) {
      const r = replays.shift()!;
      await deliver(ctx, r.event, r.amountCents);
    }
  }
  for (const r of replays) await deliver(ctx, r.event, r.amountCents);
}

/** Settles what the provider still holds: the end of every payment, as the provider would report it. */
export async function resolvePayments(ctx: LoadContext, payments: Payment[], seed: number): Promise<void> {
  const rnd = prng(seed);
  const queue = [...payments];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let p = queue.shift(); p; p = queue.shift())
        await deliver(ctx, newEvent(ctx, rnd() < 0.8 ? 'payment.succeeded' : 'payment.failed', p.id), p.amountCents);
    }),
  );
}

/** Someone reading the public pages: the programme page and campaign pages. */
export async function reader(ctx: LoadContext, seed: number): Promise<void> {
  const rnd = prng(seed);
  const { world } = ctx;
  while (!ctx.stopping()) {
    const programmePage = rnd() < 0.3;
    const path = programmePage
      ? `/programmes/${world.programme.slug}`
      : `/api/campaigns/${world.campaigns[Math.floor(rnd() * world.campaigns.length)].id}/public`;
    const t = Date.now();
    const r = await httpCall(ctx.port, 'GET', path, { headers: { Host: world.host, Accept: programmePage ? 'text/html' : 'application/json' } });
    if (isFailure(r)) {
      ctx.rec.failure('read', r);
      await sleep(100);
    } else if (r.ok && r.status === 200) {
      ctx.rec.ok.read++;
      ctx.rec.latencies.read.push(Date.now() - t);
    } else {
      const k = `read ${codeOf(r)} ${programmePage ? 'programme page' : 'campaign api'}`;
      ctx.rec.refused[k] = (ctx.rec.refused[k] ?? 0) + 1;
    }
  }
}

/** A juror scoring their applications, changing their mind now and then; each ballot sent until answered. */
export async function juror(ctx: LoadContext, seed: number, index: number): Promise<void> {
  const rnd = prng(seed);
  const jury = ctx.world.jury!;
  const me = jury.jurors[index];
  const headers = { Host: ctx.world.host, Authorization: `Bearer ${me.token}` };
  while (!ctx.stopping() && me.applicationIds.length) {
    const applicationId = me.applicationIds[Math.floor(rnd() * me.applicationIds.length)];
    const scores = Object.fromEntries(CRITERIA.map((c) => [c, Math.floor(rnd() * 6)]));
    const k = `${me.memberId}:${applicationId}`;
    const record = ctx.rec.ballots.get(k) ?? { memberId: me.memberId, applicationId, acked: null, uncertain: false };
    ctx.rec.ballots.set(k, record);
    const r = await untilAnswered(ctx, 'ballot', () =>
      httpCall(ctx.port, 'PUT', `/api/programmes/${jury.programmeId}/jury/me/ballots/${applicationId}`, { headers, body: { scores } }),
    );
    if (!r || !r.ok) {
      record.uncertain = true;
    } else if (r.status === 200) {
      record.acked = scores;
      record.uncertain = false;
      ctx.rec.ok.ballot++;
    } else {
      ctx.rec.refused[`ballot ${codeOf(r)}`] = (ctx.rec.refused[`ballot ${codeOf(r)}`] ?? 0) + 1;
    }
    await sleep(20);
  }
}
