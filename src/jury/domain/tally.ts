import { aggregateBorda, type RankingBallot } from './methods/borda-ranking.js';
import { aggregateFavourites, type FavouritesBallot } from './methods/favourites.js';
import { aggregatePairwise, type Comparison } from './methods/pairwise.js';
import { aggregateScoredCriteria, type Criterion, type Normalisation, type ScoreBallot } from './methods/scored-criteria.js';
import type { ApplicationId, JuryMethod, MethodResult, Panel } from './panel.js';
import { candidatesFrom, selectLaureates, type Quota, type SelectionResult, type TieBreaker, type TieBreakValue } from './selection.js';

export interface TallyRules {
  readonly criteria: readonly Criterion[];
  readonly normalisation: Normalisation;
  readonly quorum: number;
  readonly maxFavourites: number;
  readonly laureates: number;
  readonly waitingList: number;
  readonly cutOff: number | null;
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
  const candidates = candidatesFrom(result, { keys: input.keys, groups: input.groups });
  const selection = selectLaureates(candidates, {
    laureates: rules.laureates,
    waitingList: rules.waitingList,
    cutOff: rules.cutOff ?? undefined,
    tieBreakers: rules.tieBreakers,
    quotas: rules.quotas,
  });
  return { result, selection };
}
