import { randomUUID } from 'node:crypto';
import { CampaignsScheduler } from '../../src/campaigns/campaigns.scheduler.js';
import { signPayload } from '../../src/campaigns/domain/webhook-signature.js';
import { ProgrammesService } from '../../src/programmes/programmes.service.js';
import type { Programme } from '../../src/programmes/programme.entity.js';
import type { TestApp } from '../setup/test-app.js';
import { createLaureates, type TestLaureate } from './coaching.js';
import { createProgramme, type TestPerson, type TestTenant } from './index.js';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdef';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const STORY = 'Un atelier de réparation de vélos ouvert à tous, avec des pièces de réemploi et des soirées de formation.';

export interface TestCampaign {
  id: string;
  slug: string;
  laureate: TestLaureate;
  rewards: Array<{ id: string; title: Record<string, string>; minAmountCents: number; remaining: number | null }>;
}

/** A text given as a string is the French one (the test authority's default language). */
const inFrench = (v: unknown) => (typeof v === 'string' ? { fr: v } : v);

/** Reward tiers as tests write them (`title: 'Merci'`) in the API's shape (`title: { fr: 'Merci' }`). */
export function rewardsInFrench(rewards: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rewards.map((r) => ({
    ...r,
    title: inFrench(r.title),
    ...(r.description !== undefined ? { description: inFrench(r.description) } : {}),
  }));
}

/** A laureate writes their campaign (optionally with rewards) and submits it; staff approve it. */
export async function writeAndApprove(
  t: TestApp,
  staff: TestPerson,
  programmeId: string,
  laureate: TestLaureate,
  opts: { goalCents?: number; rewards?: Array<Record<string, unknown>>; approve?: boolean } = {},
): Promise<TestCampaign> {
  const mine = await t.http().get(`/api/programmes/${programmeId}/campaigns/mine`).set(laureate.headers).expect(200);
  const patched = await t
    .http()
    .patch(`/api/campaigns/${mine.body.id}`)
    .set(laureate.headers)
    .send({
      summary: { fr: `Projet ${laureate.title}` },
      story: { fr: STORY },
      goalCents: opts.goalCents ?? 100_000,
      rewards: rewardsInFrench(opts.rewards ?? []),
    })
    .expect(200);
  await t.http().post(`/api/campaigns/${mine.body.id}/submit`).set(laureate.headers).expect(200);
  if (opts.approve !== false) {
    await t.http().post(`/api/programmes/${programmeId}/campaigns/${mine.body.id}/review`).set(staff.headers).send({ decision: 'approve' }).expect(200);
  }
  return { id: mine.body.id, slug: mine.body.slug, laureate, rewards: patched.body.rewards };
}

/**
 * A programme in `communication` with `n` laureates whose campaigns are approved, and a window opening
 * an hour after the clock and closing `days` later. `open()` moves the clock to the opening and ticks.
 */
export async function createCampaignProgramme(
  t: TestApp,
  tt: TestTenant,
  staff: TestPerson,
  n: number,
  opts: { rewards?: Array<Record<string, unknown>>; goalCents?: number; days?: number; settings?: Record<string, unknown>; slug?: string } = {},
): Promise<{
  programme: Programme;
  laureates: TestLaureate[];
  campaigns: TestCampaign[];
  opensAt: Date;
  closesAt: Date;
  open(): Promise<void>;
  close(): Promise<void>;
}> {
  let programme = await createProgramme(t, tt, staff, { phase: 'communication', ...(opts.slug ? { slug: opts.slug } : {}) });
  const laureates = await createLaureates(t, tt, staff, programme.id, n, { prefix: `c${randomUUID().slice(0, 6)}` });
  const campaigns: TestCampaign[] = [];
  for (const l of laureates) campaigns.push(await writeAndApprove(t, staff, programme.id, l, { goalCents: opts.goalCents, rewards: opts.rewards }));
  if (opts.settings) await t.http().put(`/api/programmes/${programme.id}/campaign-settings`).set(staff.headers).send(opts.settings).expect(200);
  const opensAt = new Date(t.clock.now().getTime() + HOUR);
  const closesAt = new Date(opensAt.getTime() + (opts.days ?? 14) * DAY);
  programme = await t.app.get(ProgrammesService).setTimeline(tt.tenant, programme.id, { campaign: opensAt, settlement: closesAt }, staff.userId);
  return {
    programme,
    laureates,
    campaigns,
    opensAt,
    closesAt,
    open: async () => {
      t.clock.set(opensAt);
      await t.tick();
    },
    close: async () => {
      t.clock.set(closesAt);
      await t.tick();
      await campaignsTick(t);
    },
  };
}

export function campaignsTick(t: TestApp) {
  return t.app.get(CampaignsScheduler).tick();
}

export function contributionBody(overrides: Record<string, unknown> = {}) {
  return { amountCents: 2_500, email: `citizen-${randomUUID().slice(0, 8)}@example.org`, displayName: 'Camille', ...overrides };
}

/** A signed webhook call as the payment provider would make it. */
export function webhook(t: TestApp, tt: TestTenant, event: Record<string, unknown>, opts: { secret?: string; at?: Date; signature?: string } = {}) {
  const raw = JSON.stringify(event);
  const ts = Math.floor((opts.at ?? t.clock.now()).getTime() / 1000);
  return t
    .http()
    .post('/api/payments/webhook')
    .set({ Host: tt.host, 'Content-Type': 'application/json', 'Tremplin-Signature': opts.signature ?? signPayload(opts.secret ?? WEBHOOK_SECRET, raw, ts) })
    .send(raw);
}
