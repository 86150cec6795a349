import { juryError } from '../errors.js';
import {
  compareIds,
  explain,
  rounded,
  indexPanel,
  isCount,
  pairsByJuror,
  sortIgnored,
  type ApplicationId,
  type ApplicationScore,
  type Conflict,
  type Contribution,
  type Explanation,
  type IgnoredBallot,
  type JurorId,
  type MethodResult,
  type Panel,
  type UnrankedApplication,
} from '../panel.js';

/** One juror preferred `winnerId` to `loserId`. */
export interface Comparison {
  readonly jurorId: JurorId;
  readonly winnerId: ApplicationId;
  readonly loserId: ApplicationId;
}

export interface PairwiseOptions {
  /** Upper bound on iterations (default 1000). */
  readonly maxIterations?: number;
  /** Stop when no log-strength and no reliability moves by more than this (default 1e-9). */
  readonly tolerance?: number;
  /**
   * Virtual comparisons of each application against an average one: γ wins and γ losses (default 1).
   * Keeps every strength finite, for an application that won (or lost) everything or was never compared.
   */
  readonly priorComparisons?: number;
  /** Beta prior on each juror's reliability as pseudo-counts (default 4 agreeing, 1 disagreeing: mean 0.8). */
  readonly reliabilityPrior?: { readonly agree: number; readonly disagree: number };
  /** Fewest distinct jurors who compared an application for it to be ranked (default 1). */
  readonly quorum?: number;
}

export interface PairwiseInput extends Panel {
  readonly comparisons: readonly Comparison[];
  readonly options?: PairwiseOptions;
}

export interface JurorReliability {
  readonly jurorId: JurorId;
  readonly comparisons: number;
  /** Estimated probability that this juror's choice agrees with the jury's model (0.5 to 1). */
  readonly reliability: number;
  /** Share of their comparisons won by the application with the higher fitted score. */
  readonly agreement: number;
  readonly explanation: Explanation;
}

export interface PairwiseResult extends MethodResult<'pairwise'> {
  /** In juror id order. */
  readonly reliability: readonly JurorReliability[];
  readonly iterations: number;
  readonly converged: boolean;
}

const MIN_RELIABILITY = 0.5;

/**
 * Pairwise comparison: a Bradley–Terry model (P(a beats b) = πa / (πa + πb)) with one reliability η per
 * juror in the spirit of CrowdBT: a juror reports the model's outcome with probability η, the opposite
 * otherwise. Fitted by EM: the E-step weighs each comparison by the chance the juror was in agreement,
 * the M-step re-estimates each η (with its Beta prior) and takes one step on the strengths (Newman's
 * iteration, a faster form of Zermelo's) with every application's γ virtual wins and losses against an
 * average one.
 * The score is the log-strength ln π: 0 is average, +1 means e times as strong.
 */
export function aggregatePairwise(input: PairwiseInput): PairwiseResult {
  const opts = checkOptions(input.options ?? {});
  const panel = indexPanel(input);
  const nApps = panel.applicationIds.length;
  const nJurors = panel.jurors.length;

  // Comparisons as numbers (juror, winner, loser) → one key: no string per comparison, and one numeric sort.
  const span = nApps * nApps;
  const seen = new Set<number>();
  const seenUnknown = new Set<string>();
  const ignored: IgnoredBallot[] = [];
  const keys: number[] = [];
  const unscreened = !input.conflicts?.length && !input.assignments;
  for (const c of input.comparisons) {
    if (c.winnerId === c.loserId) throw juryError('BALLOT_INVALID_COMPARISON', { jurorId: c.jurorId, applicationId: c.winnerId });
    const j = panel.jurorIndex.get(c.jurorId);
    const w = panel.applicationIndex.get(c.winnerId);
    const l = panel.applicationIndex.get(c.loserId);
    const duplicate = () =>
      juryError('BALLOT_DUPLICATE', { jurorId: c.jurorId, applicationIds: c.winnerId < c.loserId ? [c.winnerId, c.loserId] : [c.loserId, c.winnerId] });
    if (j !== undefined && w !== undefined && l !== undefined) {
      const pair = j * span + Math.min(w, l) * nApps + Math.max(w, l);
      if (seen.has(pair)) throw duplicate();
      seen.add(pair);
    } else {
      const [x, y] = c.winnerId < c.loserId ? [c.winnerId, c.loserId] : [c.loserId, c.winnerId];
      const pair = `${c.jurorId}\u0000${x}\u0000${y}`;
      if (seenUnknown.has(pair)) throw duplicate();
      seenUnknown.add(pair);
    }
    // Known juror and applications, and no conflict or assignment to check: nothing to screen.
    if (unscreened && j !== undefined && w !== undefined && l !== undefined) {
      keys.push(j * span + w * nApps + l);
      continue;
    }
    // A comparison is about both applications: a conflict on either one takes the whole comparison out.
    const rw = panel.screen(c.jurorId, c.winnerId);
    const rl = panel.screen(c.jurorId, c.loserId);
    if (rw) ignored.push({ jurorId: c.jurorId, applicationId: c.winnerId, reason: rw });
    if (rl) ignored.push({ jurorId: c.jurorId, applicationId: c.loserId, reason: rl });
    if (rw || rl) continue;
    keys.push(j! * span + w! * nApps + l!);
  }
  // One fixed order for every sum below (juror, winner, loser), whatever order comparisons came in.
  const sortedKeys = Float64Array.from(keys).sort();
  const C = sortedKeys.length;
  const cj = new Int32Array(C);
  const cw = new Int32Array(C);
  const cl = new Int32Array(C);
  const cWeight = new Float64Array(C);
  for (let i = 0; i < C; i++) {
    const k = sortedKeys[i];
    const j = Math.floor(k / span);
    const rest = k - j * span;
    cj[i] = j;
    cw[i] = Math.floor(rest / nApps);
    cl[i] = rest % nApps;
    cWeight[i] = panel.jurors[j].weight;
  }

  const jurorComparisons = new Uint32Array(nJurors);
  for (let i = 0; i < C; i++) jurorComparisons[cj[i]]++;

  const { agree, disagree } = opts.reliabilityPrior;
  const gamma = opts.priorComparisons;
  // The parameters as one vector: ln π of each application, then η of each juror.
  const size = nApps + nJurors;
  const pi = new Float64Array(nApps);
  const em = new EmStep({ nApps, nJurors, C, cj, cw, cl, cWeight, jurorComparisons, gamma, agree, disagree });

  // EM alone crawls (some 600 iterations for 2,000 applications): SQUAREM (Varadhan & Roland 2008)
  // extrapolates from two EM steps along their path, then takes one EM step from there. Same fixed point;
  // an extrapolation that moves less well than plain EM is dropped for the two plain steps.
  // Started from each application's weighted wins against losses (the fit's first guess of its
  // strength), and each juror at the prior's reliability: the same fixed point, fewer steps to it.
  const theta0 = new Float64Array(size);
  const startWon = new Float64Array(nApps).fill(gamma);
  const startLost = new Float64Array(nApps).fill(gamma);
  for (let i = 0; i < C; i++) {
    startWon[cw[i]] += cWeight[i];
    startLost[cl[i]] += cWeight[i];
  }
  for (let a = 0; a < nApps; a++) theta0[a] = Math.log(startWon[a] / startLost[a]);
  theta0.fill(agree / (agree + disagree), nApps);
  const theta1 = new Float64Array(size);
  const theta2 = new Float64Array(size);
  const jump = new Float64Array(size);
  const settled = new Float64Array(size);
  let iterations = 0;
  // The longest extrapolation allowed, grown while they succeed and cut when one overshoots
  // (SQUAREM's step.max with mstep = 4): an unbounded one overshoots and wastes its EM step.
  let stepMax = 1;
  let converged = false;
  const accept = (from: Float64Array) => theta0.set(from);
  while (iterations < opts.maxIterations) {
    iterations++;
    const d1 = em.step(theta0, theta1);
    if (d1 < opts.tolerance) {
      accept(theta1);
      converged = true;
      break;
    }
    if (iterations >= opts.maxIterations) {
      accept(theta1);
      break;
    }
    iterations++;
    const d2 = em.step(theta1, theta2);
    if (d2 < opts.tolerance) {
      accept(theta2);
      converged = true;
      break;
    }
    let rr = 0;
    let vv = 0;
    for (let k = 0; k < size; k++) {
      const r = theta1[k] - theta0[k];
      const v = theta2[k] - 2 * theta1[k] + theta0[k];
      rr += r * r;
      vv += v * v;
    }
    const alpha = vv > 0 ? Math.max(-stepMax, Math.min(-1, -Math.sqrt(rr / vv))) : -1;
    for (let k = 0; k < size; k++) {
      const r = theta1[k] - theta0[k];
      const v = theta2[k] - 2 * theta1[k] + theta0[k];
      jump[k] = theta0[k] - 2 * alpha * r + alpha * alpha * v;
    }
    for (let j = nApps; j < size; j++) jump[j] = Math.min(1 - 1e-12, Math.max(MIN_RELIABILITY, jump[j]));
    if (iterations >= opts.maxIterations) {
      accept(theta2);
      break;
    }
    iterations++;
    const d3 = em.step(jump, settled);
    const finite = settled.every(Number.isFinite);
    if (finite && d3 <= d2) {
      accept(settled);
      if (alpha === -stepMax) stepMax *= 4;
    } else {
      accept(theta2);
      stepMax = Math.max(1, stepMax / 4);
    }
    if (finite && d3 < opts.tolerance) {
      converged = true;
      break;
    }
  }
  for (let a = 0; a < nApps; a++) pi[a] = Math.exp(theta0[a]);
  const eta = theta0.subarray(nApps);

  const won = new Uint32Array(nApps);
  const lost = new Uint32Array(nApps);
  const contributions: Contribution[][] = panel.applicationIds.map(() => []);
  // One contribution per juror and application (net wins), in juror order: comparisons are sorted by
  // juror, so each application's tally for a juror is complete when the next juror's first one comes.
  const tallyJuror = new Int32Array(nApps).fill(-1);
  const tallyWon = new Uint32Array(nApps);
  const tallyLost = new Uint32Array(nApps);
  const flush = (a: number) => {
    const j = tallyJuror[a];
    if (j < 0) return;
    const juror = panel.jurors[j];
    contributions[a].push({
      jurorId: juror.id,
      weight: juror.weight,
      value: tallyWon[a] - tallyLost[a],
      figures: { won: tallyWon[a], lost: tallyLost[a], reliability: eta[j] },
    });
  };
  const tally = (a: number, j: number, isWin: boolean) => {
    if (tallyJuror[a] !== j) {
      flush(a);
      tallyJuror[a] = j;
      tallyWon[a] = 0;
      tallyLost[a] = 0;
    }
    if (isWin) tallyWon[a]++;
    else tallyLost[a]++;
  };
  for (let i = 0; i < C; i++) {
    won[cw[i]]++;
    lost[cl[i]]++;
    tally(cw[i], cj[i], true);
    tally(cl[i], cj[i], false);
  }
  for (let a = 0; a < nApps; a++) flush(a);

  const scores: ApplicationScore[] = [];
  const unranked: UnrankedApplication[] = [];
  panel.applicationIds.forEach((applicationId, a) => {
    const n = contributions[a].length;
    if (n < opts.quorum) {
      unranked.push({
        applicationId,
        reason: 'below_quorum',
        jurorCount: n,
        explanation: explain('BELOW_QUORUM', { jurorCount: n, quorum: opts.quorum }, 'belowQuorumCompared', { jurors: n, quorum: opts.quorum }),
      });
      return;
    }
    const score = Math.log(pi[a]);
    const vsAverage = pi[a] / (pi[a] + 1);
    scores.push({
      applicationId,
      score,
      jurorCount: n,
      contributions: contributions[a],
      explanation: explain('PAIRWISE', { jurorCount: n, won: won[a], lost: lost[a], score, winChanceVsAverage: vsAverage }, 'pairwise', {
        won: won[a],
        lost: lost[a],
        jurors: n,
        score: rounded(score),
        vsAverage: Math.round(vsAverage * 1000) / 1000,
      }),
    });
  });

  const agreed = new Uint32Array(nJurors);
  for (let i = 0; i < C; i++) if (pi[cw[i]] > pi[cl[i]]) agreed[cj[i]]++;
  const reliability: JurorReliability[] = panel.jurors.map((juror, j) => {
    const n = jurorComparisons[j];
    const agreement = n ? agreed[j] / n : 0;
    return {
      jurorId: juror.id,
      comparisons: n,
      reliability: eta[j],
      agreement,
      explanation: explain('PAIRWISE_RELIABILITY', { comparisons: n, reliability: eta[j], agreement }, 'reliability', {
        comparisons: n,
        agreed: agreed[j],
        reliability: rounded(eta[j]),
      }),
    };
  });

  return { method: 'pairwise', scores, unranked, ignored: sortIgnored(ignored), reliability, iterations, converged };
}

/**
 * One EM iteration of the pairwise fit, as a class so that its hot loop is compiled once for every fit
 * (a closure made per call was optimised anew, and slower, at each call).
 */
class EmStep {
  readonly nApps: number;
  readonly nJurors: number;
  readonly C: number;
  readonly cj: Int32Array;
  readonly cw: Int32Array;
  readonly cl: Int32Array;
  readonly cWeight: Float64Array;
  readonly jurorComparisons: Uint32Array;
  readonly gamma: number;
  readonly agree: number;
  readonly disagree: number;
  readonly numerator: Float64Array;
  readonly denominator: Float64Array;
  readonly agreeSum: Float64Array;
  readonly pi: Float64Array;

  constructor(o: {
    nApps: number;
    nJurors: number;
    C: number;
    cj: Int32Array;
    cw: Int32Array;
    cl: Int32Array;
    cWeight: Float64Array;
    jurorComparisons: Uint32Array;
    gamma: number;
    agree: number;
    disagree: number;
  }) {
    this.nApps = o.nApps;
    this.nJurors = o.nJurors;
    this.C = o.C;
    this.cj = o.cj;
    this.cw = o.cw;
    this.cl = o.cl;
    this.cWeight = o.cWeight;
    this.jurorComparisons = o.jurorComparisons;
    this.gamma = o.gamma;
    this.agree = o.agree;
    this.disagree = o.disagree;
    this.numerator = new Float64Array(o.nApps);
    this.denominator = new Float64Array(o.nApps);
    this.agreeSum = new Float64Array(o.nJurors);
    this.pi = new Float64Array(o.nApps);
  }

  /**
   * One EM iteration from θ into `out`; returns the largest move. The E-step (probability that each
   * comparison was cast in agreement with the model) and both M-steps share one pass over the comparisons:
   * the strengths' step reads the E-step's weights and the old strengths, never the new reliabilities.
   */
  step(theta: Float64Array, out: Float64Array): number {
    this.start(theta);
    this.accumulate(theta);
    return Math.max(this.strengths(theta, out), this.reliabilities(theta, out));
  }

  // Each loop in its own method: each is compiled whole, with its own feedback, instead of the hot loop
  // being compiled on the fly before the loops after it ever ran (which then undid it at every call).

  private start(theta: Float64Array): void {
    const { nApps, gamma, numerator, denominator, pi } = this;
    for (let a = 0; a < nApps; a++) {
      const p = Math.exp(theta[a]);
      pi[a] = p;
      const t = gamma / (p + 1);
      numerator[a] = t;
      denominator[a] = t;
    }
    this.agreeSum.fill(0);
  }

  private accumulate(theta: Float64Array): void {
    const { nApps, C, cj, cw, cl, cWeight, numerator, denominator, agreeSum, pi } = this;
    for (let i = 0; i < C; i++) {
      const w = cw[i];
      const l = cl[i];
      const pw = pi[w];
      const pl = pi[l];
      const inverse = 1 / (pw + pl);
      const p = pw * inverse;
      const e = theta[nApps + cj[i]];
      const agreeing = e * p;
      const ri = agreeing / (agreeing + (1 - e) * (1 - p));
      agreeSum[cj[i]] += ri;
      // Newman's iteration (2023): the same fixed point as Zermelo's / Hunter's MM but many times fewer
      // iterations when comparisons are sparse. Expected wins come from the E-step.
      const t = cWeight[i] * inverse;
      const wWon = t * ri;
      const lWon = t - wWon;
      numerator[w] += wWon * pl;
      denominator[w] += lWon;
      numerator[l] += lWon * pw;
      denominator[l] += wWon;
    }
  }

  private strengths(theta: Float64Array, out: Float64Array): number {
    const { nApps, numerator, denominator } = this;
    let delta = 0;
    for (let a = 0; a < nApps; a++) {
      const next = Math.log(numerator[a] / denominator[a]);
      delta = Math.max(delta, Math.abs(next - theta[a]));
      out[a] = next;
    }
    return delta;
  }

  /**
   * Reliabilities floored at 0.5: a juror who disagrees with the jury is given no say rather than
   * having their choices counted reversed, which would turn their vote against what they chose.
   */
  private reliabilities(theta: Float64Array, out: Float64Array): number {
    const { nApps, nJurors, jurorComparisons, agree, disagree, agreeSum } = this;
    let delta = 0;
    for (let j = 0; j < nJurors; j++) {
      const next = Math.max(MIN_RELIABILITY, (agreeSum[j] + agree) / (jurorComparisons[j] + agree + disagree));
      delta = Math.max(delta, Math.abs(next - theta[nApps + j]));
      out[nApps + j] = next;
    }
    return delta;
  }
}

function checkOptions(o: PairwiseOptions): Required<PairwiseOptions> {
  const out = {
    maxIterations: o.maxIterations ?? 1000,
    tolerance: o.tolerance ?? 1e-9,
    priorComparisons: o.priorComparisons ?? 1,
    reliabilityPrior: o.reliabilityPrior ?? { agree: 4, disagree: 1 },
    quorum: o.quorum ?? 1,
  };
  if (!isCount(out.maxIterations, 1)) throw juryError('PAIRWISE_OPTIONS_INVALID', { option: 'maxIterations' });
  if (!(out.tolerance > 0)) throw juryError('PAIRWISE_OPTIONS_INVALID', { option: 'tolerance' });
  if (!(Number.isFinite(out.priorComparisons) && out.priorComparisons > 0)) throw juryError('PAIRWISE_OPTIONS_INVALID', { option: 'priorComparisons' });
  const { agree, disagree } = out.reliabilityPrior;
  if (!(Number.isFinite(agree) && Number.isFinite(disagree) && agree > 0 && disagree > 0)) {
    throw juryError('PAIRWISE_OPTIONS_INVALID', { option: 'reliabilityPrior' });
  }
  if (!isCount(out.quorum, 1)) throw juryError('QUORUM_INVALID', { quorum: out.quorum });
  return out;
}

export interface NextPairState {
  readonly jurorId: JurorId;
  /** The applications assigned to this juror; only these are shown to them. */
  readonly assignedApplicationIds: readonly ApplicationId[];
  readonly conflicts?: readonly Conflict[];
  /** Every comparison cast so far, by all jurors. */
  readonly comparisons: readonly Comparison[];
  /** Latest fitted scores (e.g. `aggregatePairwise(...).scores`); missing ones count as average (0). */
  readonly scores?: readonly { readonly applicationId: ApplicationId; readonly score: number }[];
}

export interface PairProposal {
  readonly first: ApplicationId;
  readonly second: ApplicationId;
  /** Predicted probability that `first` is preferred. */
  readonly predictedFirstWins: number;
  readonly priority: number;
  readonly explanation: Explanation;
}

/**
 * The next pair to show a juror, where an answer teaches most: priority = p(1-p) × (1/(1+na) + 1/(1+nb)),
 * highest when the outcome is closest to 50/50 and the two applications have been compared least.
 * Never an application the juror has a conflict with or is not assigned, never a pair they already
 * compared. Ties go to the pair first in id order. Null when no pair is left.
 */
export function nextPair(state: NextPairState): PairProposal | null {
  const conflicts = pairsByJuror(state.conflicts ?? []);
  const own = conflicts.get(state.jurorId);
  const ids = [...new Set(state.assignedApplicationIds)].filter((a) => !own?.has(a)).sort(compareIds);
  const m = ids.length;
  if (m < 2) return null;
  const index = new Map(ids.map((a, i) => [a, i]));
  const score = new Float64Array(m);
  for (const s of state.scores ?? []) {
    const i = index.get(s.applicationId);
    if (i !== undefined && Number.isFinite(s.score)) score[i] = s.score;
  }
  const n = new Uint32Array(m);
  const done = new Set<number>();
  for (const c of state.comparisons) {
    const w = index.get(c.winnerId);
    const l = index.get(c.loserId);
    if (c.jurorId === state.jurorId && w !== undefined && l !== undefined) done.add(Math.min(w, l) * m + Math.max(w, l));
    const theirs = conflicts.get(c.jurorId);
    // Counts follow the same rule as the fit: a comparison by a conflicted juror taught nothing.
    if (theirs?.has(c.winnerId) || theirs?.has(c.loserId)) continue;
    if (w !== undefined) n[w]++;
    if (l !== undefined) n[l]++;
  }
  // Clamped: caller-supplied scores far outside a fit's range must not overflow to Infinity / NaN.
  const strength = score.map((x) => Math.exp(Math.max(-50, Math.min(50, x))));
  const uncertainty = Float64Array.from(n, (x) => 1 / (1 + x));
  let best: { a: number; b: number; p: number; priority: number } | null = null;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const p = strength[a] / (strength[a] + strength[b]);
      const priority = p * (1 - p) * (uncertainty[a] + uncertainty[b]);
      // Strictly greater: among equals the first pair in id order stays.
      if ((!best || priority > best.priority) && !done.has(a * m + b)) best = { a, b, p, priority };
    }
  }
  if (!best) return null;
  const { a, b, p, priority } = best;
  return {
    first: ids[a],
    second: ids[b],
    predictedFirstWins: p,
    priority,
    explanation: explain('NEXT_PAIR', { predictedFirstWins: p, comparedFirst: n[a], comparedSecond: n[b], priority }, 'nextPair', {
      first: Math.round(p * 1000) / 1000,
      second: Math.round((1 - p) * 1000) / 1000,
      comparedFirst: n[a],
      comparedSecond: n[b],
    }),
  };
}
