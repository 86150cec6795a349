import { aggregateBorda, type RankingBallot } from './methods/borda-ranking.js';
import { aggregateFavourites, type FavouritesBallot } from './methods/favourites.js';
import { aggregatePairwise, type Comparison } from './methods/pairwise.js';
import { aggregateScoredCriteria, type Criterion, type Normalisation, type ScoreBallot, type ScoredCriteriaResult } from './methods/scored-criteria.js';
import { cutOffInScores } from './cut-off.js';
import type { ApplicationId, JuryMethod, MethodResult, Panel } from './panel.js';
import { candidatesFrom, selectLaureates, type CandidateName, type Quota, type SelectionResult, type TieBreaker, type TieBreakValue } from './selection.js';

export interface TallyRules {
  readonly criteria: readonly Criterion[];
  readonly normalisation: Normalisation;
  readonly quorum: number;
  readonly maxFavourites: number;
  readonly laureates: number;
  readonly waitingList: number;
  /** A mark on the criteria's scale (scored criteria) or the method's own score (other methods). */
  readonly cutOff: number | null;
  /** A normalised score stored as cut-off before cut-offs were marks (see the migration); compared as is. */
  readonly cutOffZ?: number | null;
  readonly quotas: readonly Quota[];
  readonly tieBreakers: readonly TieBreaker[];
}

/** Every kind of ballot; only the one matching the method is read. */
export interface TallyBallots {
  readonly scores?: readonly ScoreBallot[];
  readonly favourites?: readonly FavouritesBallot[];
  readonly rankings?: readonly RankingBallot[];
  readonly comparisons?: readonly Comparison[];
}

export interface TallyInput {
  readonly method: JuryMethod;
  readonly rules: TallyRules;
  readonly panel: Panel;
  readonly ballots: TallyBallots;
  /** Extra tie-break keys (e.g. submittedAt) and quota groups (e.g. category) per application. */
  readonly keys?: Readonly<Record<ApplicationId, Readonly<Record<string, TieBreakValue>>>>;
  readonly groups?: Readonly<Record<ApplicationId, Readonly<Record<string, string>>>>;
  /** How explanations name each application (its title). */
  readonly names?: Readonly<Record<ApplicationId, CandidateName>>;
  /** The seed of the last-resort draw ('' while the vote is open). */
  readonly drawSeed?: string;
}

export interface Tally {
  readonly result: MethodResult;
  readonly selection: SelectionResult;
}

/**
 * From the ballots to a proposal: the method's scores, then selection (quotas, cut-off, tie-breakers).
 * Applications below the quorum are not candidates. Deterministic: same ballots, same tally.
 */
export function tally(input: TallyInput): Tally {
  const { method, rules, panel, ballots } = input;
  let result: MethodResult;
  switch (method) {
    case 'scored_criteria':
      result = aggregateScoredCriteria({
        ...panel,
        criteria: rules.criteria,
        ballots: ballots.scores ?? [],
        normalisation: rules.normalisation,
        quorum: rules.quorum,
      });
      break;
    case 'favourites':
      result = aggregateFavourites({ ...panel, ballots: ballots.favourites ?? [], maxFavourites: rules.maxFavourites });
      break;
    case 'borda':
      result = aggregateBorda({ ...panel, ballots: ballots.rankings ?? [] });
      break;
    case 'pairwise':
      result = aggregatePairwise({ ...panel, comparisons: ballots.comparisons ?? [], options: { quorum: rules.quorum } });
      break;
  }
  let candidates = candidatesFrom(result, { keys: input.keys, groups: input.groups, names: input.names });
  let cutOff = rules.cutOff ?? undefined;
  if (cutOff !== undefined && result.method === 'scored_criteria' && (result as ScoredCriteriaResult).normalisation === 'z_score') {
    // The mark staff entered, converted into each application's z-score units.
    const own = cutOffInScores(result as ScoredCriteriaResult, cutOff);
    candidates = candidates.map((c) => ({ ...c, cutOff: own.get(c.applicationId) }));
  } else if (cutOff === undefined && typeof rules.cutOffZ === 'number') {
    cutOff = rules.cutOffZ;
  }
  const selection = selectLaureates(candidates, {
    laureates: rules.laureates,
    waitingList: rules.waitingList,
    cutOff,
    tieBreakers: rules.tieBreakers,
    quotas: rules.quotas,
    drawSeed: input.drawSeed ?? '',
  });
  return { result, selection };
}
