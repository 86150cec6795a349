import type { CampaignStatus } from '../../src/campaigns/domain/states.js';
import type { Phase } from '../../src/programmes/domain/phase.js';
import { PublicPagesService } from '../../src/public/public-pages.service.js';
import type { TestApp } from '../setup/test-app.js';
import type { TestTenant } from './index.js';

/**
 * Set-up for the public pages, written straight to the tables (phases, campaigns and partners have
 * their own tests): a phase or timeline forced, partners with logos, sponsorships, campaigns with totals.
 */

/** Puts a programme in a phase without its guards or e-mails, and forgets cached pages. */
export async function forcePhase(t: TestApp, tt: TestTenant, programmeId: string, phase: Phase, timeline?: Record<string, string>): Promise<void> {
  await t.ds.query(`UPDATE programme SET phase = $3, phase_changed_at = now(), timeline = COALESCE($4::jsonb, timeline) WHERE tenant_id = $1 AND id = $2`, [
    tt.tenant.id,
    programmeId,
    phase,
    timeline ? JSON.stringify(timeline) : null,
  ]);
  t.app.get(PublicPagesService).invalidate(tt.tenant.id);
}

export async function addPartner(
  t: TestApp,
  tt: TestTenant,
  programmeId: string,
  opts: { name: string; logoUrl?: string | null; description?: string | Record<string, string> },
): Promise<string> {
  const [row] = await t.ds.query(`INSERT INTO partner (tenant_id, programme_id, name, logo_url, description) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
    tt.tenant.id,
    programmeId,
    opts.name,
    opts.logoUrl ?? null,
    JSON.stringify(typeof opts.description === 'string' ? { fr: opts.description } : (opts.description ?? {})),
  ]);
  return row.id;
}

/** A confirmed sponsorship of a laureate's application by a partner. */
export async function sponsor(t: TestApp, tt: TestTenant, programmeId: string, partnerId: string, applicationId: string): Promise<void> {
  await t.ds.query(`INSERT INTO partner_match (tenant_id, programme_id, partner_id, application_id, score, confirmed_at) VALUES ($1, $2, $3, $4, 1, now())`, [
    tt.tenant.id,
    programmeId,
    partnerId,
    applicationId,
  ]);
}

export interface TestCampaign {
  slug: string;
  /** A string is the French text (the test authority's default language). */
  title: string | Record<string, string>;
  summary?: string | Record<string, string>;
  status: CampaignStatus;
  goalCents: number;
  collectedCents?: number;
  matchedCents?: number;
  contributorCount?: number;
}

/** A laureate's campaign with the given status and totals (as the campaigns module would have kept them). */
export async function createCampaign(
  t: TestApp,
  tt: TestTenant,
  programmeId: string,
  laureate: { applicationId: string; userId: string },
  c: TestCampaign,
): Promise<string> {
  const [row] = await t.ds.query(
    `INSERT INTO campaign (tenant_id, programme_id, application_id, laureate_user_id, slug, title, summary, story, goal_cents, status,
       collected_cents, matched_cents, contribution_count, contributor_count)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, '{"fr": "<p>Story</p>"}', $8, $9, $10, $11, $12, $12) RETURNING id`,
    [
      tt.tenant.id,
      programmeId,
      laureate.applicationId,
      laureate.userId,
      c.slug,
      JSON.stringify(typeof c.title === 'string' ? { fr: c.title } : c.title),
      JSON.stringify(typeof c.summary === 'string' ? (c.summary ? { fr: c.summary } : {}) : (c.summary ?? {})),
      c.goalCents,
      c.status,
      c.collectedCents ?? 0,
      c.matchedCents ?? 0,
      c.contributorCount ?? 0,
    ],
  );
  t.app.get(PublicPagesService).invalidate(tt.tenant.id);
  return row.id;
}

/** The reference calendar: call in April, jury in June, communication in August, window in September, results in October. */
export const REFERENCE_TIMELINE = {
  call_open: '2026-04-01T07:00:00.000Z',
  screening: '2026-06-01T07:00:00.000Z',
  jury: '2026-06-10T07:00:00.000Z',
  announced: '2026-06-25T07:00:00.000Z',
  coaching: '2026-07-01T07:00:00.000Z',
  communication: '2026-08-10T07:00:00.000Z',
  campaign: '2026-09-07T07:00:00.000Z',
  settlement: '2026-10-19T16:00:00.000Z',
  results: '2026-10-26T08:00:00.000Z',
};

/** fr amounts use no-break spaces (U+202F, U+00A0): made plain for assertions. */
export const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

/**
 * A strict enough XML well-formedness check for the sitemap (no XML parser among the dependencies):
 * one prolog, balanced and properly nested tags, quoted attributes, only the five predefined entities.
 * Returns the problems found (empty when well-formed). The browser spec also parses it with Chromium.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) problems.push('no XML declaration');
  const body = xml.replace(/^<\?xml[^?]*\?>/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g;
  let m: RegExpExecArray | null;
  let roots = 0;
  while ((m = token.exec(body))) {
    if (m[0] === '<') {
      problems.push(`stray < at ${m.index}`);
      continue;
    }
    if (m[0] === '&') {
      problems.push(`unescaped & at ${m.index}`);
      continue;
    }
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      if (stack.pop() !== name) problems.push(`</${name}> does not close the open element`);
    } else {
      if (!stack.length) roots++;
      if (!selfClosing) stack.push(name);
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
