import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type PeopleErrorCode =
  'GRANT_NOT_FOUND' | 'LAST_STAFF_GRANT' | 'OWN_STAFF_GRANT' | 'GRANT_REMOVAL_FORBIDDEN' | 'PERSON_WITHOUT_ACCESS' | 'INVITATION_TOO_SOON';

export const peopleErrors: ErrorCatalogue<PeopleErrorCode> = {
  GRANT_NOT_FOUND: { status: 404, en: 'This person does not have this role (any more).', fr: "Cette personne n'a pas (ou plus) ce rôle." },
  LAST_STAFF_GRANT: {
    status: 409,
    en: 'This is the last staff member of the authority: invite another one first.',
    fr: "C'est le dernier agent de la collectivité : invitez-en d'abord un autre.",
  },
  OWN_STAFF_GRANT: {
    status: 409,
    en: 'You cannot remove your own staff role: ask another staff member.',
    fr: 'Vous ne pouvez pas retirer votre propre rôle d’agent : demandez à un autre agent.',
  },
  GRANT_REMOVAL_FORBIDDEN: {
    status: 403,
    en: 'Only a platform administrator may remove this role.',
    fr: 'Seul un administrateur de la plateforme peut retirer ce rôle.',
  },
  PERSON_WITHOUT_ACCESS: {
    status: 409,
    en: 'This person has no role any more: invite them again with a role.',
    fr: "Cette personne n'a plus aucun rôle : invitez-la de nouveau avec un rôle.",
  },
  INVITATION_TOO_SOON: {
    status: 429,
    en: 'An e-mail was sent to this person less than a minute ago: wait a moment.',
    fr: 'Un e-mail a été envoyé à cette personne il y a moins d’une minute : patientez un instant.',
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<PeopleErrorCode, true> {}
}
