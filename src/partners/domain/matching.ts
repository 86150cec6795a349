import { DomainError } from '../../common/errors/domain-error.js';
import { MinCostFlow } from './min-cost-flow.js';
import {
  assertValidWeights,
  DEFAULT_WEIGHTS,
  prepareLaureate,
  preparePartner,
  scaledPairScore,
  scaledScore,
  SCORE_SCALE,
  scorePrepared,
  type MatchingLaureate,
  type MatchingPartner,
  type MatchingWeights,
  type OverlapMeasure,
  type PairScore,
} from './scoring.js';

export interface PairRef {
  laureateId: string;
  partnerId: string;
}

export interface MatchingInput {
  laureates: readonly MatchingLaureate[];
  partners: readonly MatchingPartner[];
  weights?: MatchingWeights;
  overlap?: OverlapMeasure;
  /** How many sponsors each laureate gets at most (default 1). */
  sponsorsPerLaureate?: number;
  /** Pairs staff fixed: always in the result. */
  locked?: readonly PairRef[];
  /** Pairs staff ruled out (conflict of interest...): never in the result. */
  forbidden?: readonly PairRef[];
}

export interface MatchedPair extends PairScore {
  locked: boolean;
}

/**
 * no_eligible_partner: every partner the laureate could still get is forbidden or has no capacity;
 * capacity_exhausted: eligible partners exist but their places are all needed to sponsor others
 * (the result already matches as many laureates as capacity allows).
 */
export type UnmatchedReason = 'no_eligible_partner' | 'capacity_exhausted';

export interface UnmatchedLaureate {
  laureateId: string;
  /** Sponsors obtained, below sponsorsPerLaureate. */
  sponsors: number;
  missing: number;
  reason: UnmatchedReason;
}

export interface PartnerLoad {
  partnerId: string;
  capacity: number;
  load: number;
  locked: number;
}

export interface MatchingResult {
  /** Sorted by laureate id, then partner id. */
  pairs: MatchedPair[];
  unmatched: UnmatchedLaureate[];
  /** Sorted by partner id. */
  loads: PartnerLoad[];
  /** Sum of the pairs' scores. */
  totalScore: number;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function assertUniqueIds(kind: 'laureate' | 'partner', items: readonly { id: string }[]): void {
  const seen = new Set<string>();
  for (const { id } of items) {
    if (seen.has(id)) throw new DomainError('MATCHING_DUPLICATE_ID', { kind, id });
    seen.add(id);
  }
}

/**
 * Proposes sponsors: first as many laureates matched as capacities allow, then the greatest total
 * compatibility, with locked pairs kept and forbidden pairs left out. Optimal (min-cost max-flow on
 * laureate → partner edges costing −score) and deterministic: laureates and partners are processed
 * in id order, so the input order does not change the answer.
 */
export function computeMatching(input: MatchingInput): MatchingResult {
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const overlap = input.overlap ?? 'jaccard';
  const perLaureate = input.sponsorsPerLaureate ?? 1;
  assertValidWeights(weights);
  if (!Number.isSafeInteger(perLaureate) || perLaureate < 1) {
    throw new DomainError('MATCHING_INVALID_SPONSORS_PER_LAUREATE', { sponsorsPerLaureate: perLaureate });
  }
  assertUniqueIds('laureate', input.laureates);
  assertUniqueIds('partner', input.partners);
  for (const p of input.partners) {
    if (!Number.isSafeInteger(p.capacity) || p.capacity < 0) throw new DomainError('MATCHING_INVALID_CAPACITY', { partnerId: p.id, capacity: p.capacity });
  }

  const laureates = [...input.laureates].sort(byId).map(prepareLaureate);
  const partners = [...input.partners].sort(byId).map(preparePartner);
  const lIndex = new Map(laureates.map((l, i) => [l.source.id, i]));
  const pIndex = new Map(partners.map((p, j) => [p.source.id, j]));

  // Pairs by index i * P + j: cheaper than string keys over 50 000 pairs.
  const P = partners.length;
  const forbidden = new Set<number>();
  for (const f of input.forbidden ?? []) {
    const i = lIndex.get(f.laureateId);
    const j = pIndex.get(f.partnerId);
    // A pair naming someone no longer in the round forbids nothing.
    if (i !== undefined && j !== undefined) forbidden.add(i * P + j);
  }
  const locked = new Set<number>();
  const lockedPerLaureate = new Array<number>(laureates.length).fill(0);
  const lockedPerPartner = new Array<number>(P).fill(0);
  for (const lock of input.locked ?? []) {
    const i = lIndex.get(lock.laureateId);
    const j = pIndex.get(lock.partnerId);
    if (i === undefined || j === undefined) throw new DomainError('MATCHING_LOCK_UNKNOWN', { ...lock });
    const key = i * P + j;
    if (forbidden.has(key)) throw new DomainError('MATCHING_LOCK_FORBIDDEN', { ...lock });
    if (locked.has(key)) continue;
    locked.add(key);
    lockedPerLaureate[i]++;
    lockedPerPartner[j]++;
  }
  lockedPerPartner.forEach((n, j) => {
    const p = partners[j].source;
    if (n > p.capacity) throw new DomainError('MATCHING_LOCKS_EXCEED_CAPACITY', { partnerId: p.id, capacity: p.capacity, locked: n });
  });
  lockedPerLaureate.forEach((n, i) => {
    if (n > perLaureate) {
      throw new DomainError('MATCHING_LOCKS_EXCEED_SPONSORS_PER_LAUREATE', { laureateId: laureates[i].source.id, sponsorsPerLaureate: perLaureate, locked: n });
    }
  });

  // Network: source → laureate (places left) → partner (one per pair, cost −score) → sink (places left).
  const L = laureates.length;
  const source = 0;
  const sink = 1;
  const laureateNode = (i: number) => 2 + i;
  const partnerNode = (j: number) => 2 + L + j;
  const flow = new MinCostFlow(2 + L + P);
  const pairEdges: Array<{ i: number; j: number; edge: number }> = [];
  const eligible = new Array<number>(L).fill(0);

  laureates.forEach((_, i) => {
    const places = perLaureate - lockedPerLaureate[i];
    if (places > 0) flow.addEdge(source, laureateNode(i), places, 0);
  });
  laureates.forEach((l, i) => {
    partners.forEach((p, j) => {
      const key = i * P + j;
      if (locked.has(key)) {
        eligible[i]++;
        return;
      }
      if (forbidden.has(key) || p.source.capacity - lockedPerPartner[j] <= 0) return;
      eligible[i]++;
      if (perLaureate - lockedPerLaureate[i] > 0) {
        pairEdges.push({ i, j, edge: flow.addEdge(laureateNode(i), partnerNode(j), 1, -scaledPairScore(l, p, weights, overlap)) });
      }
    });
  });
  partners.forEach((p, j) => {
    const places = p.source.capacity - lockedPerPartner[j];
    if (places > 0) flow.addEdge(partnerNode(j), sink, places, 0);
  });
  flow.run(source, sink);

  const chosen: Array<{ i: number; j: number; locked: boolean }> = [];
  for (const key of locked) chosen.push({ i: Math.floor(key / P), j: key % P, locked: true });
  for (const { i, j, edge } of pairEdges) if (flow.flowOn(edge) > 0) chosen.push({ i, j, locked: false });
  // Indices follow id order, so this sorts by laureate id, then partner id.
  chosen.sort((a, b) => a.i - b.i || a.j - b.j);
  const sponsors = new Array<number>(L).fill(0);
  const load = new Array<number>(P).fill(0);
  const pairs: MatchedPair[] = chosen.map(({ i, j, locked: isLocked }) => {
    sponsors[i]++;
    load[j]++;
    return { ...scorePrepared(laureates[i], partners[j], weights, overlap), locked: isLocked };
  });

  const unmatched: UnmatchedLaureate[] = [];
  laureates.forEach((l, i) => {
    if (sponsors[i] >= perLaureate) return;
    unmatched.push({
      laureateId: l.source.id,
      sponsors: sponsors[i],
      missing: perLaureate - sponsors[i],
      reason: sponsors[i] >= eligible[i] ? 'no_eligible_partner' : 'capacity_exhausted',
    });
  });

  return {
    pairs,
    unmatched,
    loads: partners.map((p, j) => ({ partnerId: p.source.id, capacity: p.source.capacity, load: load[j], locked: lockedPerPartner[j] })),
    totalScore: pairs.reduce((sum, p) => sum + scaledScore(p.score), 0) / SCORE_SCALE,
  };
}
