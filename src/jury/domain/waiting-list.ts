import type { Quota } from './selection.js';

/** Someone on the waiting list, with the quota groups they belong to (as in selection: `{ category: 'food' }`). */
export interface WaitingCandidate {
  readonly applicationId: string;
  readonly position: number;
  readonly groups?: Readonly<Record<string, string>>;
}

/** Who is promoted, and why: `rank` (first on the list) or `quota` (the first of a group now below its quota). */
export interface NextPromotion {
  readonly applicationId: string;
  readonly position: number;
  readonly reason: 'rank' | 'quota';
  readonly quota?: Quota;
}

/**
 * The next on the waiting list to promote, given the laureates who remain. The quotas are read in the
 * order declared (as selection does): the first one now short of its minimum that someone waiting can
 * fill is filled by the lowest waiting position of its group; when no quota is short (or nobody waiting
 * belongs to a short group) it is simply the lowest waiting position. Null when the list is empty.
 */
export function nextToPromote(
  waiting: readonly WaitingCandidate[],
  laureates: ReadonlyArray<{ readonly groups?: Readonly<Record<string, string>> }>,
  quotas: readonly Quota[] = [],
): NextPromotion | null {
  if (!waiting.length) return null;
  const ordered = [...waiting].sort((a, b) => a.position - b.position || (a.applicationId < b.applicationId ? -1 : 1));
  const inGroup = (groups: Readonly<Record<string, string>> | undefined, q: Quota) => groups?.[q.dimension] === q.group;
  for (const q of quotas) {
    const have = laureates.filter((l) => inGroup(l.groups, q)).length;
    if (have >= q.min) continue;
    const pick = ordered.find((w) => inGroup(w.groups, q));
    if (pick) return { applicationId: pick.applicationId, position: pick.position, reason: 'quota', quota: q };
  }
  return { applicationId: ordered[0].applicationId, position: ordered[0].position, reason: 'rank' };
}

/**
 * Places left open by withdrawals: each withdrawn laureate opens one, each promotion fills one. A
 * promotion is refused when none is open, so two clicks on "promote" after one withdrawal promote one.
 */
export function openPlaces(outcomes: ReadonlyArray<{ readonly status: string; readonly promotedAt?: Date | null }>): number {
  const withdrawn = outcomes.filter((o) => o.status === 'withdrawn').length;
  const promoted = outcomes.filter((o) => o.promotedAt).length;
  return Math.max(0, withdrawn - promoted);
}
