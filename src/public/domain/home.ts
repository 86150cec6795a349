import { nextPhase, type Phase } from '../../programmes/domain/phase.js';

/**
 * What the home page puts first: the programme that asks something of a citizen now (give during a
 * collection, apply during a call), then those under way, then those that are over.
 */
const RANK: Record<Phase, number> = {
  campaign: 0,
  call_open: 1,
  settlement: 2,
  communication: 3,
  coaching: 3,
  announced: 3,
  jury: 3,
  screening: 3,
  results: 4,
  draft: 5,
};

export interface HomeAction {
  /** Catalogue key of the button. */
  key: string;
  /** Path on the site (without the tenant's base). */
  href: string;
  /** The main action of the moment (a filled button) or a quieter link. */
  primary: boolean;
}

/** The call to action of a programme in its phase. */
export function homeAction(p: { slug: string; phase: Phase }): HomeAction {
  const page = `/programmes/${p.slug}`;
  if (p.phase === 'campaign') return { key: 'home.cta.support', href: page, primary: true };
  if (p.phase === 'call_open') return { key: 'home.cta.apply', href: `${page}/apply`, primary: true };
  if (p.phase === 'results') return { key: 'home.cta.results', href: `${page}/results`, primary: false };
  return { key: 'home.cta.discover', href: page, primary: false };
}

/** Programmes in home-page order (stable within a rank: the newest first, as given). */
export function homeOrder<T extends { phase: Phase }>(programmes: readonly T[]): T[] {
  return programmes
    .map((p, i) => ({ p, i }))
    .sort((a, b) => RANK[a.p.phase] - RANK[b.p.phase] || a.i - b.i)
    .map((x) => x.p);
}

/** The next phase of a programme and when it starts, if scheduled ("Jury from 12 May"). */
export function nextStep(p: { phase: Phase; timeline: Record<string, string> }): { phase: Phase; at: Date } | null {
  const next = nextPhase(p.phase);
  const at = next ? p.timeline[next] : undefined;
  return next && at ? { phase: next, at: new Date(at) } : null;
}
