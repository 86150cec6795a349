import type { Application } from '../applications/application.entity.js';
import {
  aggregateFavourites,
  aggregateScoredCriteria,
  assignJurors,
  tally,
  type AssignmentResult,
  type JuryMethod,
  type Panel,
  type Tally,
} from './domain/index.js';
import type { Jury, JuryBallot, JuryComparison, JuryConflict, JuryMember } from './jury.entity.js';
import { settingsOf, type JurySettings } from './jury.settings.js';

export interface JurorProgress {
  memberId: string;
  displayName: string;
  organisation: string;
  weight: number;
  assigned: number;
  conflicts: number;
  evaluated: number;
  /** What "done" means for the method (all scored, max picks, all ranked, one comparison per application). */
  expected: number;
  complete: boolean;
}

export interface ApplicationProgress {
  applicationId: string;
  title: string;
  /** The language the title is written in (the application's). */
  titleLang: string | null;
  receiptNumber: string | null;
  jurors: number;
  evaluations: number;
  conflicts: number;
  /** k jurors per application: how many it still lacks because no other juror is available (0 otherwise). */
  missing: number;
}

/** Everything read to count or follow the vote, loaded once. */
export interface VoteState {
  jury: Jury;
  members: JuryMember[];
  conflicts: JuryConflict[];
  assignments: Array<{ memberId: string; applicationId: string }>;
  ballots: JuryBallot[];
  comparisons: JuryComparison[];
}

/** The count of the vote from the stored rows, with the settings frozen when it opened. */
export function tallyOf(state: VoteState, apps: Application[]): Tally {
  const settings = settingsOf(state.jury);
  const panel: Panel = {
    applicationIds: state.jury.applicationIds,
    jurors: state.members.map((m) => ({ id: m.id, weight: m.weight })),
    conflicts: state.conflicts.map((c) => ({ jurorId: c.memberId, applicationId: c.applicationId })),
    assignments: state.assignments.map((a) => ({ jurorId: a.memberId, applicationId: a.applicationId })),
  };
  const byApp = new Map(apps.map((a) => [a.id, a]));
  const keys: Record<string, Record<string, string>> = {};
  const groups: Record<string, Record<string, string>> = {};
  for (const id of state.jury.applicationIds) {
    const a = byApp.get(id);
    keys[id] = { submittedAt: a?.submittedAt ? new Date(a.submittedAt).toISOString() : '' };
    groups[id] = { category: a?.category ?? '', commune: a?.commune ?? '' };
  }
  const favourites = new Map<string, string[]>();
  const rankings = new Map<string, JuryBallot[]>();
  for (const b of state.ballots) {
    if (b.picked) favourites.set(b.memberId, [...(favourites.get(b.memberId) ?? []), b.applicationId]);
    if (b.rank !== null) rankings.set(b.memberId, [...(rankings.get(b.memberId) ?? []), b]);
  }
  return tally({
    method: state.jury.method,
    rules: { ...settings, criteria: settings.criteria.map((c) => ({ id: c.id, weight: c.weight, min: c.min, max: c.max })) },
    panel,
    ballots: {
      scores: state.ballots.filter((b) => b.scores).map((b) => ({ jurorId: b.memberId, applicationId: b.applicationId, scores: b.scores! })),
      favourites: [...favourites].map(([jurorId, applicationIds]) => ({ jurorId, applicationIds })),
      rankings: [...rankings].map(([jurorId, bs]) => ({ jurorId, ranking: bs.sort((x, y) => x.rank! - y.rank!).map((b) => b.applicationId) })),
      comparisons: state.comparisons.map(toComparison),
    },
    // The tie-breaker on submission time only matters when declared; when not declared it is ignored.
    keys: state.jury.settings.tieBreakers?.some((t) => t.key === 'submittedAt') ? keys : undefined,
    groups,
    // A title is named with the language it is written in, so that a page in another language marks it.
    names: Object.fromEntries(apps.map((a) => [a.id, a.title ? { text: a.title, lang: a.locale } : a.receiptNumber || a.id])),
    drawSeed: state.jury.drawSeed ?? '',
  });
}

/** Who reads which application: every juror, or k per application, conflicts excluded. */
export function assignFor(settings: JurySettings, members: JuryMember[], conflicts: JuryConflict[], applicationIds: string[]): AssignmentResult {
  return assignJurors({
    applicationIds,
    jurors: members.map((m) => ({ id: m.id })),
    conflicts: conflicts.map((c) => ({ jurorId: c.memberId, applicationId: c.applicationId })),
    mode: settings.jurorsPerApplication ? { k: settings.jurorsPerApplication } : 'all',
  });
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function toComparison(c: JuryComparison) {
  return { jurorId: c.memberId, winnerId: c.winnerId, loserId: c.winnerId === c.firstId ? c.secondId : c.firstId };
}

/** Checked with the domain's own rules, on a one-ballot panel: the same codes as the count would throw. */
export function checkScores(settings: JurySettings, memberId: string, applicationId: string, scores: Record<string, number>): void {
  aggregateScoredCriteria({
    applicationIds: [applicationId],
    jurors: [{ id: memberId, weight: 1 }],
    criteria: settings.criteria.map((c) => ({ id: c.id, weight: c.weight, min: c.min, max: c.max })),
    ballots: [{ jurorId: memberId, applicationId, scores }],
  });
}

export function checkFavourites(settings: JurySettings, memberId: string, applicationIds: string[]): void {
  aggregateFavourites({
    applicationIds,
    jurors: [{ id: memberId, weight: 1 }],
    ballots: [{ jurorId: memberId, applicationIds }],
    maxFavourites: settings.maxFavourites,
  });
}

export function expectedFor(method: JuryMethod, settings: JurySettings, assigned: number): number {
  if (method === 'favourites') return Math.min(settings.maxFavourites, assigned);
  if (method === 'pairwise') return Math.max(0, assigned - 1);
  return assigned;
}

/** Per juror and per application, from the stored rows (conflicts excluded from what is expected). */
export function computeProgress(state: VoteState, apps: Application[]): { jurors: JurorProgress[]; applications: ApplicationProgress[] } {
  const settings = settingsOf(state.jury);
  const method = state.jury.method;
  const conflict = new Set(state.conflicts.map((c) => `${c.memberId}:${c.applicationId}`));
  const counts = (b: JuryBallot) =>
    method === 'scored_criteria' ? !!b.scores : method === 'favourites' ? b.picked : method === 'borda' ? b.rank !== null : false;
  const jurors = state.members.map((m) => {
    const assigned = state.assignments.filter((a) => a.memberId === m.id && !conflict.has(`${m.id}:${a.applicationId}`)).length;
    const conflicts = state.conflicts.filter((c) => c.memberId === m.id).length;
    const evaluated =
      method === 'pairwise'
        ? state.comparisons.filter((c) => c.memberId === m.id).length
        : state.ballots.filter((b) => b.memberId === m.id && counts(b)).length;
    const expected = expectedFor(method, settings, assigned);
    return {
      memberId: m.id,
      displayName: m.displayName,
      organisation: m.organisation,
      weight: m.weight,
      assigned,
      conflicts,
      evaluated,
      expected,
      complete: evaluated >= expected,
    };
  });
  const byApp = new Map(apps.map((a) => [a.id, a]));
  const applications = state.jury.applicationIds.map((id) => {
    const a = byApp.get(id);
    const jurorsOn = state.assignments.filter((x) => x.applicationId === id && !conflict.has(`${x.memberId}:${id}`)).length;
    const evaluations =
      method === 'pairwise'
        ? new Set(state.comparisons.filter((c) => c.firstId === id || c.secondId === id).map((c) => c.memberId)).size
        : state.ballots.filter((b) => b.applicationId === id && counts(b)).length;
    // A conflict declared after the opening passes the application to an available juror; what is
    // still missing had nobody to go to (jurors cannot join once the vote is open).
    const missing = settings.jurorsPerApplication ? Math.max(0, settings.jurorsPerApplication - jurorsOn) : 0;
    return {
      applicationId: id,
      title: a?.title ?? '',
      titleLang: a?.locale ?? null,
      receiptNumber: a?.receiptNumber ?? null,
      jurors: jurorsOn,
      evaluations,
      conflicts: state.conflicts.filter((c) => c.applicationId === id).length,
      missing,
    };
  });
  return { jurors, applications };
}
