import { juryError } from './errors.js';
import {
  compareIds,
  explain,
  isCount,
  pairsByJuror,
  type ApplicationId,
  type Conflict,
  type Explanation,
  type Juror,
  type JurorApplicationPair,
  type JurorId,
} from './panel.js';

/** `all`: every juror reads every application they have no conflict with; `{ k }`: each application gets k jurors. */
export type AssignmentMode = 'all' | { readonly k: number };

export interface AssignmentInput {
  readonly applicationIds: readonly ApplicationId[];
  /** Weights do not change who reads what: a juror's weight counts when ballots are aggregated. */
  readonly jurors: readonly Pick<Juror, 'id'>[];
  readonly conflicts?: readonly Conflict[];
  readonly mode: AssignmentMode;
}

export interface ApplicationAssignment {
  readonly applicationId: ApplicationId;
  /** In id order. */
  readonly jurorIds: readonly JurorId[];
}

export interface AssignmentShortfall {
  readonly applicationId: ApplicationId;
  readonly wanted: number;
  readonly assigned: number;
  /** Jurors without a conflict on this application. */
  readonly available: number;
  readonly explanation: Explanation;
}

export interface AssignmentResult {
  /** In application id order. */
  readonly applications: readonly ApplicationAssignment[];
  /** The same, flat, sorted by juror then application: what `Panel.assignments` takes. */
  readonly pairs: readonly JurorApplicationPair[];
  /** In juror id order. */
  readonly loads: readonly { readonly jurorId: JurorId; readonly load: number }[];
  readonly shortfalls: readonly AssignmentShortfall[];
  readonly explanation: Explanation;
}

/**
 * Who reads which application. Deterministic: ids are sorted first and every choice has a stable
 * tie-break, so the same call, jury and conflicts always give the same assignment.
 */
export function assignJurors(input: AssignmentInput): AssignmentResult {
  const applicationIds = [...new Set(input.applicationIds)].sort(compareIds);
  const jurorIds = [...new Set(input.jurors.map((j) => j.id))].sort(compareIds);
  if (jurorIds.length !== input.jurors.length) {
    const seen = new Set<string>();
    const dup = input.jurors.find((j) => (seen.has(j.id) ? true : (seen.add(j.id), false)));
    throw juryError('JUROR_DUPLICATE', { jurorId: dup?.id });
  }
  const conflicts = pairsByJuror(input.conflicts ?? []);
  const free = (jurorIdx: number, applicationId: ApplicationId) => !conflicts.get(jurorIds[jurorIdx])?.has(applicationId);
  const available = applicationIds.map((a) => jurorIds.reduce((n, _, j) => n + (free(j, a) ? 1 : 0), 0));

  const chosen: number[][] = applicationIds.map(() => []);
  const load = new Array<number>(jurorIds.length).fill(0);
  const shortfalls: AssignmentShortfall[] = [];
  let wanted: number;

  if (input.mode === 'all') {
    wanted = jurorIds.length;
    applicationIds.forEach((a, i) => {
      for (let j = 0; j < jurorIds.length; j++)
        if (free(j, a)) {
          chosen[i].push(j);
          load[j]++;
        }
    });
  } else {
    const k = input.mode.k;
    if (!isCount(k, 1)) throw juryError('ASSIGNMENT_K_INVALID', { k });
    wanted = k;
    // Applications with the fewest jurors free of conflicts go first, while the choice is still wide.
    const order = applicationIds.map((_, i) => i).sort((x, y) => available[x] - available[y] || compareIds(applicationIds[x], applicationIds[y]));
    // Least loaded first; among equals the least recently chosen, so pairs of jurors rotate rather
    // than always reading together; the id settles the rest.
    const lastUsed = new Array<number>(jurorIds.length).fill(-1);
    let step = 0;
    for (const i of order) {
      const a = applicationIds[i];
      const candidates: number[] = [];
      for (let j = 0; j < jurorIds.length; j++) if (free(j, a)) candidates.push(j);
      candidates.sort((x, y) => load[x] - load[y] || lastUsed[x] - lastUsed[y] || x - y);
      for (const j of candidates.slice(0, k)) {
        chosen[i].push(j);
        load[j]++;
        lastUsed[j] = step++;
      }
      chosen[i].sort((x, y) => x - y);
    }
  }

  applicationIds.forEach((a, i) => {
    // In `all` mode an application is short only when every juror has a conflict on it.
    const short = input.mode === 'all' ? chosen[i].length === 0 : chosen[i].length < wanted;
    if (!short) return;
    const want = input.mode === 'all' ? 1 : wanted;
    shortfalls.push({
      applicationId: a,
      wanted: want,
      assigned: chosen[i].length,
      available: available[i],
      explanation: explain('ASSIGNMENT_SHORTFALL', { wanted: want, assigned: chosen[i].length, available: available[i] }, 'shortfall', {
        available: available[i],
        wanted: want,
      }),
    });
  });

  const applications = applicationIds.map((a, i) => ({ applicationId: a, jurorIds: chosen[i].map((j) => jurorIds[j]) }));
  const pairs: JurorApplicationPair[] = [];
  const byJuror: ApplicationId[][] = jurorIds.map(() => []);
  chosen.forEach((js, i) => js.forEach((j) => byJuror[j].push(applicationIds[i])));
  jurorIds.forEach((j, i) => byJuror[i].forEach((a) => pairs.push({ jurorId: j, applicationId: a })));
  const loads = jurorIds.map((j, i) => ({ jurorId: j, load: load[i] }));
  const minLoad = loads.length ? Math.min(...load) : 0;
  const maxLoad = loads.length ? Math.max(...load) : 0;
  const figures = {
    applications: applicationIds.length,
    jurors: jurorIds.length,
    wanted,
    minLoad,
    maxLoad,
    shortfalls: shortfalls.length,
  };
  const explanation =
    input.mode === 'all'
      ? explain('ASSIGNMENT_ALL', figures, 'assignAll', { jurors: jurorIds.length, applications: applicationIds.length, minLoad, maxLoad })
      : explain('ASSIGNMENT_K', figures, 'assignK', { applications: applicationIds.length, wanted, minLoad, maxLoad });
  return { applications, pairs, loads, shortfalls, explanation };
}

export interface ReassignmentInput {
  /** The application a juror has just declared a conflict with. */
  readonly applicationId: ApplicationId;
  readonly jurors: readonly Pick<Juror, 'id'>[];
  /** Every stored assignment of the vote, the conflicted juror's included. */
  readonly assignments: readonly JurorApplicationPair[];
  /** Every declared conflict, the new one included. */
  readonly conflicts: readonly Conflict[];
  /** Jurors the application should have (k). */
  readonly wanted: number;
}

export interface ReassignmentResult {
  /** The jurors to add to the application, at most what it now lacks; empty when none is needed or available. */
  readonly added: readonly JurorId[];
  /** Jurors who read it without a conflict, before the addition. */
  readonly reading: number;
  /** What it still lacks after the addition (0: complete). */
  readonly missing: number;
  /** Jurors who could have been added (no conflict with it, not assigned to it). */
  readonly available: number;
}

/**
 * In k-per-application mode, a conflict declared once the vote is open takes a reader away from the
 * application: give it to another juror, one with no conflict with it and not already assigned to it,
 * the least loaded first (loads count the applications a juror reads without a conflict), then by id.
 * Deterministic: the same jury, assignments and conflicts always choose the same juror.
 */
export function reassignAfterConflict(input: ReassignmentInput): ReassignmentResult {
  if (!isCount(input.wanted, 1)) throw juryError('ASSIGNMENT_K_INVALID', { k: input.wanted });
  const conflicts = pairsByJuror(input.conflicts);
  const conflicted = (j: JurorId, a: ApplicationId) => !!conflicts.get(j)?.has(a);
  const load = new Map<JurorId, number>(input.jurors.map((j) => [j.id, 0]));
  const onIt = new Set<JurorId>();
  for (const p of input.assignments) {
    if (p.applicationId === input.applicationId) onIt.add(p.jurorId);
    if (!conflicted(p.jurorId, p.applicationId) && load.has(p.jurorId)) load.set(p.jurorId, load.get(p.jurorId)! + 1);
  }
  const reading = [...onIt].filter((j) => !conflicted(j, input.applicationId)).length;
  const candidates = [...load.keys()]
    .filter((j) => !onIt.has(j) && !conflicted(j, input.applicationId))
    .sort((x, y) => load.get(x)! - load.get(y)! || compareIds(x, y));
  const added = candidates.slice(0, Math.max(0, input.wanted - reading));
  return { added, reading, missing: Math.max(0, input.wanted - reading - added.length), available: candidates.length };
}
