import { juryError } from './errors.js';
import type { Message, MessageValues, WrittenText } from '../../common/i18n/message.js';
import { drawTicket } from './draw.js';
import { compareIds, explain, isCount, part, rounded, SCORE_EPSILON, type ApplicationId, type Explanation, type MethodResult } from './panel.js';

export type TieBreakValue = number | string;
export type CandidateName = string | WrittenText;

export interface Candidate {
  readonly applicationId: ApplicationId;
  readonly score: number;
  /** What tie-breakers read, e.g. `{ jurorCount: 12, submittedAt: '2026-03-14T09:12:00Z' }`. */
  readonly keys?: Readonly<Record<string, TieBreakValue>>;
  /** Quota groups this application belongs to, e.g. `{ category: 'food', territory: 'north' }`. */
  readonly groups?: Readonly<Record<string, string>>;
  /**
   * How explanations name it: its title with the language it is written in (so a page in another
   * language marks it), or a plain name; the id when none is given.
   */
  readonly name?: CandidateName;
  /**
   * The rules' cut-off converted into this application's score units, when they differ from the
   * scale's (z-scores: src/jury/domain/cut-off.ts). Absent: the score is compared with the cut-off as is.
   */
  readonly cutOff?: number;
}

/**
 * Orders applications tied on score, in the order declared. `higher` for "more jurors who scored it",
 * `lower` for "submitted earlier" (epoch milliseconds or ISO 8601 UTC strings, which sort as text).
 * The last resort is always a draw (src/jury/domain/draw.ts): a ticket per application derived from
 * the vote's seed, so the order is total, reproducible by anyone with the seed, and owes nothing to ids.
 */
export interface TieBreaker {
  readonly key: string;
  readonly prefer: 'higher' | 'lower';
}

/** At least `min` laureates whose `groups[dimension]` is `group`. */
export interface Quota {
  readonly dimension: string;
  readonly group: string;
  readonly min: number;
}

export interface SelectionRules {
  readonly laureates: number;
  /** Places on the waiting list, filled with the next in rank (default 0). */
  readonly waitingList?: number;
  /**
   * Applications scoring below this are never selected, not even for a quota or the waiting list. In
   * the scale's units (a mark staff entered); a candidate's own `cutOff` is the same mark in its units.
   */
  readonly cutOff?: number;
  readonly tieBreakers?: readonly TieBreaker[];
  /** The seed of the last-resort draw (drawn when the vote closed); '' before it exists. */
  readonly drawSeed?: string;
  /** Applied in the order given. */
  readonly quotas?: readonly Quota[];
}

/** Why `ahead` comes before `behind` although both have the same score. */
export interface TieBreakDecision {
  readonly ahead: ApplicationId;
  readonly behind: ApplicationId;
  /** The tie-breaker's key, or `draw` when every declared tie-breaker was equal (the values are the tickets). */
  readonly key: string;
  readonly aheadValue: TieBreakValue;
  readonly behindValue: TieBreakValue;
}

export interface RankedApplication {
  readonly applicationId: ApplicationId;
  readonly score: number;
  /** Shared by applications tied on score (1, 1, 3...). */
  readonly rank: number;
  /** 1-based place once tie-breakers are applied; unique. */
  readonly position: number;
  readonly tied: boolean;
  /** How many applications share this score, itself included (1 when not tied): they hold positions rank to rank + tieSize - 1. */
  readonly tieSize: number;
  /** The decisions against its neighbours in the tie (at most two). */
  readonly tieBreaks: readonly TieBreakDecision[];
}

export type SelectionStatus = 'laureate' | 'waiting_list' | 'not_selected' | 'below_cut_off';
/**
 * `rank`: its position decided; `quota`: selected to meet a quota although rank alone would not have;
 * `displaced_by_quota`: rank alone would have made it a laureate; `cut_off`: below the cut-off.
 */
export type SelectionReason = 'rank' | 'quota' | 'displaced_by_quota' | 'cut_off';

export interface SelectionEntry extends RankedApplication {
  readonly status: SelectionStatus;
  readonly reason: SelectionReason;
  readonly quota?: Quota;
  readonly waitingListPosition?: number;
  readonly explanation: Explanation;
}

export interface UnmetQuota {
  readonly quota: Quota;
  readonly selected: number;
  readonly explanation: Explanation;
}

/** A tie on score that a tie-breaker settled right at the edge of the laureates or of the waiting list. */
export interface BoundaryTie {
  readonly boundary: 'laureates' | 'waiting_list';
  readonly decision: TieBreakDecision;
  readonly explanation: Explanation;
}

/** Applications whose order a draw settled: every declared tie-breaker left them equal. */
export interface DrawnTie {
  readonly score: number;
  /** In the order the draw gave (ascending ticket). */
  readonly applicationIds: readonly ApplicationId[];
  readonly tickets: readonly string[];
}

export interface SelectionResult {
  /** Every candidate, by position. */
  readonly entries: readonly SelectionEntry[];
  /** By position. */
  readonly laureates: readonly ApplicationId[];
  /** In waiting-list order. */
  readonly waitingList: readonly ApplicationId[];
  readonly unmetQuotas: readonly UnmetQuota[];
  readonly boundaryTies: readonly BoundaryTie[];
  /** The seed and the ties it settled (empty when no tie needed it). */
  readonly draw: { readonly seed: string; readonly ties: readonly DrawnTie[] };
  readonly explanation: Explanation;
}

/** The method's ranked applications as candidates, with `jurorCount` ready as a tie-break key. */
export function candidatesFrom(
  result: Pick<MethodResult, 'scores'>,
  extra: {
    readonly keys?: Readonly<Record<ApplicationId, Readonly<Record<string, TieBreakValue>>>>;
    readonly groups?: Readonly<Record<ApplicationId, Readonly<Record<string, string>>>>;
    readonly names?: Readonly<Record<ApplicationId, CandidateName>>;
  } = {},
): Candidate[] {
  return result.scores.map((s) => ({
    applicationId: s.applicationId,
    score: s.score,
    keys: { jurorCount: s.jurorCount, ...extra.keys?.[s.applicationId] },
    groups: extra.groups?.[s.applicationId] ?? {},
    ...(extra.names?.[s.applicationId] ? { name: extra.names[s.applicationId] } : {}),
  }));
}

/** Ranks candidates: score first, ties (within 1e-9) flagged and ordered by the tie-breakers. */
export function rankCandidates(candidates: readonly Candidate[], tieBreakers: readonly TieBreaker[] = [], drawSeed = ''): RankedApplication[] {
  checkCandidates(candidates, tieBreakers);
  const decide = decider(tieBreakers, drawSeed);
  // Score then id first, so grouping does not depend on the order candidates came in.
  const sorted = [...candidates].sort((a, b) => b.score - a.score || compareIds(a.applicationId, b.applicationId));
  const groups: Candidate[][] = [];
  for (const c of sorted) {
    const group = groups[groups.length - 1];
    // Measured from the group's best score, so near-equal scores cannot chain into one long tie.
    if (group && group[0].score - c.score <= SCORE_EPSILON) group.push(c);
    else groups.push([c]);
  }
  const ranked: RankedApplication[] = [];
  for (const group of groups) {
    const rank = ranked.length + 1;
    const ordered = [...group].sort((a, b) => decide(a, b).sign);
    const decisions = ordered.slice(1).map((b, i) => {
      const a = ordered[i];
      const d = decide(a, b);
      return { ahead: a.applicationId, behind: b.applicationId, key: d.key, aheadValue: d.aValue, behindValue: d.bValue };
    });
    ordered.forEach((c, i) => {
      ranked.push({
        applicationId: c.applicationId,
        score: c.score,
        rank,
        position: ranked.length + 1,
        tied: group.length > 1,
        tieSize: group.length,
        tieBreaks: [decisions[i - 1], decisions[i]].filter((d): d is TieBreakDecision => d !== undefined),
      });
    });
  }
  return ranked;
}

/**
 * Proposes laureates and a waiting list. Quotas are met first, each with the best-placed applications
 * of its group, only as far as needed (applications already picked for an earlier quota count);
 * the remaining places go by position. Nobody below the cut-off is selected.
 */
export function selectLaureates(candidates: readonly Candidate[], rules: SelectionRules): SelectionResult {
  const places = rules.laureates;
  const waitingPlaces = rules.waitingList ?? 0;
  if (!isCount(places)) throw juryError('SELECTION_RULES_INVALID', { field: 'laureates', value: places });
  if (!isCount(waitingPlaces)) throw juryError('SELECTION_RULES_INVALID', { field: 'waitingList', value: waitingPlaces });
  if (rules.cutOff !== undefined && !Number.isFinite(rules.cutOff)) throw juryError('SELECTION_RULES_INVALID', { field: 'cutOff', value: rules.cutOff });
  const quotas = rules.quotas ?? [];
  quotas.forEach((q, i) => {
    if (!isCount(q.min)) throw juryError('SELECTION_RULES_INVALID', { field: `quotas[${i}].min`, value: q.min });
  });

  const tieBreakers = rules.tieBreakers ?? [];
  const drawSeed = rules.drawSeed ?? '';
  const decide = decider(tieBreakers, drawSeed);
  const ranked = rankCandidates(candidates, tieBreakers, drawSeed);
  const byId = new Map(candidates.map((c) => [c.applicationId, c]));
  const nameOf = (id: ApplicationId): CandidateName => {
    const name = byId.get(id)?.name;
    return name && (typeof name === 'string' || name.text) ? name : id;
  };
  const cutOff = rules.cutOff;
  const thresholdOf = (id: ApplicationId) => byId.get(id)?.cutOff ?? cutOff!;
  const eligible = ranked.filter((r) => cutOff === undefined || r.score >= thresholdOf(r.applicationId) - SCORE_EPSILON);
  const inGroup = (r: RankedApplication, q: Quota) => byId.get(r.applicationId)?.groups?.[q.dimension] === q.group;

  const chosen = new Set<ApplicationId>();
  const quotaOf = new Map<ApplicationId, Quota>();
  const unmetQuotas: UnmetQuota[] = [];
  for (const q of quotas) {
    let have = eligible.filter((r) => chosen.has(r.applicationId) && inGroup(r, q)).length;
    for (const r of eligible) {
      if (have >= q.min || chosen.size >= places) break;
      if (chosen.has(r.applicationId) || !inGroup(r, q)) continue;
      chosen.add(r.applicationId);
      quotaOf.set(r.applicationId, q);
      have++;
    }
    if (have < q.min) {
      unmetQuotas.push({
        quota: q,
        selected: have,
        explanation: explain('QUOTA_UNMET', { dimension: q.dimension, group: q.group, min: q.min, selected: have }, 'quotaUnmet', {
          min: q.min,
          dimension: q.dimension,
          group: q.group,
          selected: have,
        }),
      });
    }
  }
  for (const r of eligible) {
    if (chosen.size >= places) break;
    chosen.add(r.applicationId);
  }
  // What rank alone would have chosen: tells a quota pick from one that rank made anyway.
  const byRankAlone = new Set(eligible.slice(0, places).map((r) => r.applicationId));
  const waitingList = eligible
    .filter((r) => !chosen.has(r.applicationId))
    .slice(0, waitingPlaces)
    .map((r) => r.applicationId);
  const waitingIndex = new Map(waitingList.map((id, i) => [id, i + 1]));
  const eligibleIds = new Set(eligible.map((r) => r.applicationId));

  const n = ranked.length;
  const entries: SelectionEntry[] = ranked.map((r) => {
    const where = part('where', { position: r.position, of: n, rank: r.rank, tied: r.tied ? 'yes' : 'no', score: rounded(r.score) });
    const ties = tieSentence(r, ranked, nameOf, drawSeed);
    const figures = { position: r.position, rank: r.rank, score: r.score, places, waitingPlaces };
    const make = (
      status: SelectionStatus,
      reason: SelectionReason,
      code: string,
      key: string,
      values: MessageValues,
      more: Partial<SelectionEntry> = {},
    ): SelectionEntry => ({
      ...r,
      status,
      reason,
      ...more,
      explanation: explain(code, { ...figures, ...(more.waitingListPosition ? { waitingListPosition: more.waitingListPosition } : {}) }, key, {
        ...values,
        where,
        ties,
      }),
    });
    if (!eligibleIds.has(r.applicationId)) {
      const own = byId.get(r.applicationId)?.cutOff;
      const converted = own === undefined ? '' : part('cutConverted', { score: rounded(r.score), threshold: rounded(own), cutOff: rounded(cutOff!) });
      return make('below_cut_off', 'cut_off', 'SELECTION_BELOW_CUT_OFF', 'belowCutOff', { cutOff: rounded(cutOff!), converted });
    }
    if (chosen.has(r.applicationId)) {
      if (byRankAlone.has(r.applicationId)) {
        return make('laureate', 'rank', 'SELECTION_LAUREATE_RANK', 'laureateRank', { places });
      }
      const q = quotaOf.get(r.applicationId)!;
      return make('laureate', 'quota', 'SELECTION_LAUREATE_QUOTA', 'laureateQuota', { min: q.min, dimension: q.dimension, group: q.group }, { quota: q });
    }
    const displaced = byRankAlone.has(r.applicationId);
    const reason: SelectionReason = displaced ? 'displaced_by_quota' : 'rank';
    const why = displaced ? part('displaced') : '';
    const w = waitingIndex.get(r.applicationId);
    if (w !== undefined) {
      return make('waiting_list', reason, 'SELECTION_WAITING_LIST', 'waitingList', { waitingListPosition: w, why }, { waitingListPosition: w });
    }
    return make('not_selected', reason, 'SELECTION_NOT_SELECTED', 'notSelected', { places, waitingPlaces, why });
  });

  const boundaryTies = findBoundaryTies(
    entries,
    (a, b) => {
      const d = decide(byId.get(a)!, byId.get(b)!);
      return { ahead: a, behind: b, key: d.key, aheadValue: d.aValue, behindValue: d.bValue };
    },
    (d) => describeDecision(d, nameOf, drawSeed),
  );
  const laureates = entries.filter((e) => e.status === 'laureate').map((e) => e.applicationId);
  const byQuota = entries.filter((e) => e.reason === 'quota').length;
  const figures = {
    candidates: n,
    eligible: eligible.length,
    places,
    laureates: laureates.length,
    byQuota,
    waitingList: waitingList.length,
    ...(cutOff === undefined ? {} : { cutOff }),
  };
  const cut = cutOff === undefined ? '' : part('cut', { cutOff: rounded(cutOff) });
  return {
    entries,
    laureates,
    waitingList,
    unmetQuotas,
    boundaryTies,
    draw: { seed: drawSeed, ties: drawnTies(ranked, drawSeed) },
    explanation: explain('SELECTION', figures, 'selection', {
      laureates: laureates.length,
      places,
      eligible: eligible.length,
      candidates: n,
      cut,
      byQuota,
      waitingList: waitingList.length,
    }),
  };
}

function checkCandidates(candidates: readonly Candidate[], tieBreakers: readonly TieBreaker[]): void {
  const ids = new Set<ApplicationId>();
  for (const c of candidates) {
    if (ids.has(c.applicationId)) throw juryError('CANDIDATE_DUPLICATE', { applicationId: c.applicationId });
    ids.add(c.applicationId);
    if (!Number.isFinite(c.score)) throw juryError('CANDIDATE_SCORE_INVALID', { applicationId: c.applicationId, score: c.score });
    if (c.cutOff !== undefined && !Number.isFinite(c.cutOff)) throw juryError('SELECTION_RULES_INVALID', { field: 'cutOff', value: c.cutOff });
  }
  for (const t of tieBreakers) {
    let kind: string | undefined;
    for (const c of candidates) {
      const v = c.keys?.[t.key];
      if (v === undefined) throw juryError('TIE_BREAK_KEY_MISSING', { applicationId: c.applicationId, key: t.key });
      // Mixed kinds (a number here, a string there) have no meaningful order.
      if ((typeof v === 'number' && !Number.isFinite(v)) || (kind !== undefined && typeof v !== kind)) {
        throw juryError('TIE_BREAK_KEY_INVALID', { applicationId: c.applicationId, key: t.key });
      }
      kind = typeof v;
    }
  }
}

/** The order within a tie: the declared tie-breakers, then the draw. */
function decider(tieBreakers: readonly TieBreaker[], drawSeed: string) {
  const tickets = new Map<ApplicationId, string>();
  const ticket = (id: ApplicationId) => {
    let t = tickets.get(id);
    if (t === undefined) tickets.set(id, (t = drawTicket(drawSeed, id)));
    return t;
  };
  return (a: Candidate, b: Candidate): { sign: number; key: string; aValue: TieBreakValue; bValue: TieBreakValue } => {
    for (const t of tieBreakers) {
      const av = a.keys![t.key];
      const bv = b.keys![t.key];
      const cmp = typeof av === 'number' && typeof bv === 'number' ? av - bv : compareIds(String(av), String(bv));
      if (cmp !== 0) return { sign: t.prefer === 'higher' ? -Math.sign(cmp) : Math.sign(cmp), key: t.key, aValue: av, bValue: bv };
    }
    const [ta, tb] = [ticket(a.applicationId), ticket(b.applicationId)];
    // Two equal tickets would need a SHA-256 collision; the id only keeps the order total in theory.
    return { sign: compareIds(ta, tb) || compareIds(a.applicationId, b.applicationId), key: 'draw', aValue: ta, bValue: tb };
  };
}

function describeDecision(d: TieBreakDecision, nameOf: (id: ApplicationId) => CandidateName, seed: string): Message {
  const names = { ahead: nameOf(d.ahead), behind: nameOf(d.behind) };
  if (d.key === 'draw') return part('decisionByDraw', { ...names, seed, aheadValue: shortTicket(d.aheadValue), behindValue: shortTicket(d.behindValue) });
  return part('decisionByKey', { ...names, key: d.key, aheadValue: d.aheadValue, behindValue: d.behindValue });
}

/** The first 12 hex digits are enough for a reader to check the order by hand. */
function shortTicket(v: TieBreakValue): string {
  return String(v).slice(0, 12);
}

/** Each group of ties in which the draw decided at least one place, in ranking order. */
function drawnTies(ranked: readonly RankedApplication[], seed: string): DrawnTie[] {
  const out: DrawnTie[] = [];
  for (let i = 0; i < ranked.length;) {
    const r = ranked[i];
    const group = ranked.slice(i, i + r.tieSize);
    i += r.tieSize;
    if (!group.some((g) => g.tieBreaks.some((d) => d.key === 'draw'))) continue;
    const ids = group.map((g) => g.applicationId);
    out.push({ score: r.score, applicationIds: ids, tickets: ids.map((id) => drawTicket(seed, id)) });
  }
  return out;
}

/** Names the others in a small tie; a large one (say, applications nobody picked) is only counted. */
function tieSentence(r: RankedApplication, ranked: readonly RankedApplication[], nameOf: (id: ApplicationId) => CandidateName, seed: string): Message | '' {
  if (!r.tied) return '';
  const others = r.tieSize - 1;
  const names =
    others <= 5
      ? ranked
          .slice(r.rank - 1, r.rank - 1 + r.tieSize)
          .filter((o) => o !== r)
          .map((o) => nameOf(o.applicationId))
      : null;
  // Each tie-break is its own clause: one message per decision, joined in the sentence.
  const decisions = r.tieBreaks.map((d) => describeDecision(d, nameOf, seed));
  const list: MessageValues = Object.fromEntries(decisions.map((d, i) => [`d${i}`, d]));
  const named = names ? part(`names${names.length}`, Object.fromEntries(names.map((n, i) => [`n${i}`, n]))) : '';
  return part('tied', { named: names ? 'yes' : 'no', names: named, others, decisions: part(`list${Math.min(decisions.length, 2)}`, list) });
}

/** Staff should look twice where a tie-breaker, not the score, decided who got in. */
function findBoundaryTies(
  entries: readonly SelectionEntry[],
  decideBetween: (ahead: ApplicationId, behind: ApplicationId) => TieBreakDecision,
  describe: (d: TieBreakDecision) => Message,
): BoundaryTie[] {
  const out: BoundaryTie[] = [];
  const check = (boundary: BoundaryTie['boundary'], inside: (e: SelectionEntry) => boolean, outside: (e: SelectionEntry) => boolean) => {
    const lastIn = [...entries].reverse().find((e) => inside(e) && e.reason !== 'quota');
    const firstOut = entries.find(outside);
    if (!lastIn || !firstOut || lastIn.rank !== firstOut.rank || lastIn.position > firstOut.position) return;
    const decision = decideBetween(lastIn.applicationId, firstOut.applicationId);
    const text = describe(decision);
    out.push({
      boundary,
      decision,
      explanation: explain('BOUNDARY_TIE', { boundary, key: decision.key }, 'boundaryTie', { boundary, decision: text }),
    });
  };
  check(
    'laureates',
    (e) => e.status === 'laureate',
    (e) => e.status === 'waiting_list' || e.status === 'not_selected',
  );
  check(
    'waiting_list',
    (e) => e.status === 'waiting_list',
    (e) => e.status === 'not_selected',
  );
  return out;
}
