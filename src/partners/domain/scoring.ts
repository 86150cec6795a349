import { DomainError } from '../../common/errors/domain-error.js';

/** A partner (sponsor) as the matching sees it. */
export interface MatchingPartner {
  id: string;
  expertise: readonly string[];
  themes: readonly string[];
  /** How many laureates the partner sponsors at most. */
  capacity: number;
  /** Laureate ids, best first (optional). */
  preferences?: readonly string[];
}

/** A laureate as the matching sees it. */
export interface MatchingLaureate {
  id: string;
  needs: readonly string[];
  theme?: string;
  /** Partner ids, best first (optional). */
  preferences?: readonly string[];
}

/** Weights staff tune; a term's contribution is raw value × weight. */
export interface MatchingWeights {
  needOverlap: number;
  themeMatch: number;
  laureatePreference: number;
  partnerPreference: number;
}

export const DEFAULT_WEIGHTS: Readonly<MatchingWeights> = Object.freeze({
  needOverlap: 4,
  themeMatch: 2,
  laureatePreference: 2,
  partnerPreference: 1,
});

/**
 * jaccard: |needs ∩ expertise| / |needs ∪ expertise|, in [0, 1], so broad partners are not favoured;
 * count: |needs ∩ expertise|, rewards covering more needs.
 */
export type OverlapMeasure = 'jaccard' | 'count';

export type ScoreTermName = 'need_overlap' | 'theme_match' | 'laureate_preference' | 'partner_preference';

/** One reason in a pair's score, for the "why" shown next to a proposal. */
export interface ScoreTerm {
  name: ScoreTermName;
  raw: number;
  weight: number;
  contribution: number;
  /** The shared tags for need_overlap, the rank (1 = best) for preferences. */
  detail?: { shared?: string[]; rank?: number; listLength?: number };
}

export interface PairScore {
  laureateId: string;
  partnerId: string;
  /** Sum of contributions, rounded to 1/1000 (the precision the optimiser works at). */
  score: number;
  terms: ScoreTerm[];
}

/** Scores are optimised as integers in thousandths, so that equal scores compare equal. */
export const SCORE_SCALE = 1000;

export function scaledScore(score: number): number {
  return Math.round(score * SCORE_SCALE);
}

export function assertValidWeights(weights: MatchingWeights): void {
  for (const [name, value] of Object.entries(weights)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new DomainError('MATCHING_INVALID_WEIGHT', { name, value });
  }
}

/** Tags compare case- and space-insensitively: staff and laureates type them. */
export function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase();
}

function tagSet(tags: readonly string[]): Set<string> {
  return new Set(tags.map(normaliseTag).filter((t) => t !== ''));
}

/** Ranks by id (1 = best), first occurrence wins. */
function rankMap(list: readonly string[] | undefined): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const id of list ?? []) if (!ranks.has(id)) ranks.set(id, ranks.size + 1);
  return ranks;
}

/** 1 for the first choice down to 1/n for the last of n; 0 when not ranked. */
function preferenceRaw(ranks: Map<string, number>, id: string): number {
  const rank = ranks.get(id);
  return rank === undefined ? 0 : (ranks.size - rank + 1) / ranks.size;
}

/** A pre-normalised view of a laureate or partner, so 50 000 pairs do not rebuild the same sets. */
export interface PreparedLaureate {
  source: MatchingLaureate;
  needs: Set<string>;
  theme?: string;
  ranks: Map<string, number>;
}
export interface PreparedPartner {
  source: MatchingPartner;
  expertise: Set<string>;
  themes: Set<string>;
  ranks: Map<string, number>;
}

export function prepareLaureate(l: MatchingLaureate): PreparedLaureate {
  const theme = l.theme === undefined ? undefined : normaliseTag(l.theme);
  return { source: l, needs: tagSet(l.needs), theme: theme || undefined, ranks: rankMap(l.preferences) };
}

export function preparePartner(p: MatchingPartner): PreparedPartner {
  return { source: p, expertise: tagSet(p.expertise), themes: tagSet(p.themes), ranks: rankMap(p.preferences) };
}

/** Raw values of the four terms, in the order they are listed and summed. */
function rawValues(l: PreparedLaureate, p: PreparedPartner, overlap: OverlapMeasure): [number, number, number, number] {
  let shared = 0;
  for (const t of l.needs) if (p.expertise.has(t)) shared++;
  const union = l.needs.size + p.expertise.size - shared;
  return [
    overlap === 'count' ? shared : union === 0 ? 0 : shared / union,
    l.theme !== undefined && p.themes.has(l.theme) ? 1 : 0,
    preferenceRaw(l.ranks, p.source.id),
    preferenceRaw(p.ranks, l.source.id),
  ];
}

const weightOrder = (w: MatchingWeights) => [w.needOverlap, w.themeMatch, w.laureatePreference, w.partnerPreference];

/** The pair's score in thousandths, without building the explanation (the optimiser scores every pair). */
export function scaledPairScore(l: PreparedLaureate, p: PreparedPartner, weights: MatchingWeights, overlap: OverlapMeasure): number {
  const raw = rawValues(l, p, overlap);
  const w = weightOrder(weights);
  let total = 0;
  for (let k = 0; k < 4; k++) total += raw[k] * w[k];
  return scaledScore(total);
}

export function scorePrepared(
  l: PreparedLaureate,
  p: PreparedPartner,
  weights: MatchingWeights = DEFAULT_WEIGHTS,
  overlap: OverlapMeasure = 'jaccard',
): PairScore {
  const raw = rawValues(l, p, overlap);
  const w = weightOrder(weights);
  const names: ScoreTermName[] = ['need_overlap', 'theme_match', 'laureate_preference', 'partner_preference'];
  const rankDetail = (ranks: Map<string, number>, id: string) => (ranks.has(id) ? { rank: ranks.get(id), listLength: ranks.size } : undefined);
  const details: Array<ScoreTerm['detail']> = [
    { shared: [...l.needs].filter((t) => p.expertise.has(t)).sort() },
    undefined,
    rankDetail(l.ranks, p.source.id),
    rankDetail(p.ranks, l.source.id),
  ];
  const terms: ScoreTerm[] = names.map((name, k) => ({
    name,
    raw: raw[k],
    weight: w[k],
    contribution: raw[k] * w[k],
    ...(details[k] ? { detail: details[k] } : {}),
  }));
  // Summed in the same order as scaledPairScore, so the explanation and the optimiser agree.
  let total = 0;
  for (const t of terms) total += t.contribution;
  return { laureateId: l.source.id, partnerId: p.source.id, score: scaledScore(total) / SCORE_SCALE, terms };
}

/** The compatibility of one (laureate, partner) pair, term by term. */
export function scorePair(
  laureate: MatchingLaureate,
  partner: MatchingPartner,
  weights: MatchingWeights = DEFAULT_WEIGHTS,
  overlap: OverlapMeasure = 'jaccard',
): PairScore {
  return scorePrepared(prepareLaureate(laureate), preparePartner(partner), weights, overlap);
}
