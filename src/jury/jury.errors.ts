import type { ErrorCatalogue } from '../common/errors/domain-error.js';
import type { JuryDomainErrorCode } from './domain/errors.js';

export type JuryErrorCode =
  | 'JURY_NOT_CONFIGURED'
  | 'JURY_SETTINGS_LOCKED'
  | 'JURY_PHASE_REQUIRED'
  | 'JURY_NO_MEMBERS'
  | 'JURY_NO_APPLICATIONS'
  | 'JURY_VOTE_NOT_OPEN'
  | 'VOTE_CLOSED'
  | 'JURY_VOTE_NOT_CLOSED'
  | 'JURY_NOT_MEMBER'
  | 'JURY_APPLICATION_NOT_ASSIGNED'
  | 'JURY_CONFLICT_DECLARED'
  | 'JURY_WRONG_METHOD'
  | 'JURY_OVERRIDE_JUSTIFICATION_REQUIRED'
  | 'JURY_SELECTION_INVALID'
  | 'JURY_NOT_CONFIRMED'
  | 'JURY_ALREADY_ANNOUNCED';

export const juryErrors: ErrorCatalogue<JuryErrorCode> = {
  JURY_NOT_CONFIGURED: { status: 409, en: 'The jury of this programme is not set up yet.', fr: "Le jury de ce programme n'est pas encore configuré." },
  JURY_SETTINGS_LOCKED: {
    status: 409,
    en: 'The vote has opened: the jury and its method can no longer change.',
    fr: 'Le vote est ouvert : le jury et sa méthode ne peuvent plus changer.',
  },
  JURY_PHASE_REQUIRED: {
    status: 409,
    en: 'The vote can only open while the programme is in its jury phase.',
    fr: 'Le vote ne peut ouvrir que pendant la phase jury du programme.',
  },
  JURY_NO_MEMBERS: { status: 409, en: 'The jury has no member yet.', fr: "Le jury n'a encore aucun membre." },
  JURY_NO_APPLICATIONS: {
    status: 409,
    en: 'No application is eligible: there is nothing to vote on.',
    fr: "Aucune candidature n'est recevable : il n'y a rien à voter.",
  },
  JURY_VOTE_NOT_OPEN: { status: 409, en: 'The vote is not open yet.', fr: "Le vote n'est pas encore ouvert." },
  VOTE_CLOSED: { status: 409, en: 'The vote is closed: ballots can no longer change.', fr: 'Le vote est clos : les bulletins ne peuvent plus changer.' },
  JURY_VOTE_NOT_CLOSED: { status: 409, en: 'Results are available once the vote is closed.', fr: 'Les résultats sont disponibles une fois le vote clos.' },
  JURY_NOT_MEMBER: { status: 403, en: 'You are not a member of this jury.', fr: "Vous n'êtes pas membre de ce jury." },
  JURY_APPLICATION_NOT_ASSIGNED: { status: 403, en: 'This application is not assigned to you.', fr: 'Ce dossier ne vous est pas attribué.' },
  JURY_CONFLICT_DECLARED: {
    status: 409,
    en: 'You declared a conflict of interest with this application.',
    fr: "Vous avez déclaré un conflit d'intérêts avec ce dossier.",
  },
  JURY_WRONG_METHOD: {
    status: 409,
    en: 'This jury votes by {method}: this kind of ballot does not apply.',
    fr: 'Ce jury vote selon la méthode {method} : ce type de bulletin ne s’applique pas.',
  },
  JURY_OVERRIDE_JUSTIFICATION_REQUIRED: {
    status: 400,
    en: 'The confirmed lists differ from the proposal: write a justification.',
    fr: 'Les listes confirmées diffèrent de la proposition : rédigez une justification.',
  },
  JURY_SELECTION_INVALID: {
    status: 400,
    en: 'The laureates and the waiting list must be distinct candidates of this jury.',
    fr: "Les lauréats et la liste d'attente doivent être des candidatures distinctes de ce jury.",
  },
  JURY_NOT_CONFIRMED: { status: 409, en: 'The laureates have not been confirmed yet.', fr: "Les lauréats n'ont pas encore été confirmés." },
  JURY_ALREADY_ANNOUNCED: { status: 409, en: 'The results have already been announced.', fr: 'Les résultats ont déjà été annoncés.' },
};

/** The domain's own codes (src/jury/domain/errors.ts): a ballot or a setting that breaks a rule. */
export const juryDomainErrors: ErrorCatalogue<JuryDomainErrorCode> = {
  JUROR_DUPLICATE: { status: 409, en: 'This person is already on the jury.', fr: 'Cette personne fait déjà partie du jury.' },
  JUROR_WEIGHT_INVALID: { status: 400, en: 'A juror weight must be greater than 0.', fr: "Le poids d'un juré doit être supérieur à 0." },
  ASSIGNMENT_K_INVALID: {
    status: 400,
    en: 'The number of jurors per application must be at least 1.',
    fr: 'Le nombre de jurés par dossier doit être au moins 1.',
  },
  QUORUM_INVALID: { status: 400, en: 'The quorum must be at least 1.', fr: 'Le quorum doit être au moins 1.' },
  CRITERIA_INVALID: { status: 400, en: 'The criteria are not valid ({reason}).', fr: 'Les critères ne sont pas valides ({reason}).' },
  BALLOT_DUPLICATE: { status: 409, en: 'This ballot was cast twice.', fr: 'Ce bulletin a été déposé deux fois.' },
  BALLOT_UNKNOWN_CRITERION: { status: 400, en: 'Unknown criterion: {criterion}.', fr: 'Critère inconnu : {criterion}.' },
  BALLOT_CRITERION_MISSING: { status: 400, en: 'Score every criterion: {criterion} is missing.', fr: 'Notez chaque critère : {criterion} manque.' },
  BALLOT_SCORE_OUT_OF_SCALE: {
    status: 400,
    en: 'The score for {criterion} must be between {min} and {max}.',
    fr: 'La note pour {criterion} doit être comprise entre {min} et {max}.',
  },
  FAVOURITES_MAX_INVALID: { status: 400, en: 'The number of favourites must be at least 1.', fr: 'Le nombre de coups de cœur doit être au moins 1.' },
  BALLOT_TOO_MANY_FAVOURITES: { status: 409, en: 'You may pick at most {max} favourites.', fr: 'Vous pouvez choisir au plus {max} coups de cœur.' },
  BALLOT_DUPLICATE_FAVOURITE: { status: 400, en: 'The same application is picked twice.', fr: 'Le même dossier est choisi deux fois.' },
  BALLOT_DUPLICATE_RANK: { status: 400, en: 'The same application is ranked twice.', fr: 'Le même dossier est classé deux fois.' },
  BALLOT_INVALID_COMPARISON: { status: 400, en: 'An application cannot be compared with itself.', fr: 'Un dossier ne peut pas être comparé à lui-même.' },
  PAIRWISE_OPTIONS_INVALID: {
    status: 400,
    en: 'The pairwise options are not valid ({option}).',
    fr: 'Les options de comparaison ne sont pas valides ({option}).',
  },
  SELECTION_RULES_INVALID: { status: 400, en: 'The selection rules are not valid ({field}).', fr: 'Les règles de sélection ne sont pas valides ({field}).' },
  CANDIDATE_DUPLICATE: { status: 409, en: 'An application appears twice among the candidates.', fr: 'Un dossier apparaît deux fois parmi les candidats.' },
  CANDIDATE_SCORE_INVALID: { status: 409, en: 'An application has no valid score.', fr: "Un dossier n'a pas de score valide." },
  TIE_BREAK_KEY_MISSING: {
    status: 409,
    en: 'The tie-breaker {key} is missing for an application.',
    fr: 'Le critère de départage {key} manque pour un dossier.',
  },
  TIE_BREAK_KEY_INVALID: {
    status: 409,
    en: 'The tie-breaker {key} is not valid for an application.',
    fr: "Le critère de départage {key} n'est pas valide pour un dossier.",
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<JuryErrorCode | JuryDomainErrorCode, true> {}
}
