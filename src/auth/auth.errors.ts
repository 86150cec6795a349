import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type AuthErrorCode =
  | 'SIGN_IN_LINK_INVALID'
  | 'CREDENTIALS_INVALID'
  | 'USER_EXISTS'
  | 'PERSON_NOT_FOUND'
  | 'SESSION_NOT_FOUND'
  | 'ACCESS_SELF_REMOVAL'
  | 'ACCESS_REMOVAL_FORBIDDEN';

export const authErrors: ErrorCatalogue<AuthErrorCode> = {
  SIGN_IN_LINK_INVALID: {
    status: 400,
    en: 'This sign-in link has expired or was already used. Ask for a new one.',
    fr: 'Ce lien de connexion a expiré ou a déjà servi. Demandez-en un nouveau.',
  },
  CREDENTIALS_INVALID: { status: 401, en: 'E-mail or password not recognised.', fr: 'E-mail ou mot de passe non reconnu.' },
  USER_EXISTS: { status: 409, en: 'This person already has this role.', fr: 'Cette personne a déjà ce rôle.' },
  PERSON_NOT_FOUND: { status: 404, en: 'No such person.', fr: 'Personne introuvable.' },
  SESSION_NOT_FOUND: { status: 404, en: 'This session has already ended or does not exist.', fr: "Cette session est déjà terminée ou n'existe pas." },
  ACCESS_SELF_REMOVAL: {
    status: 409,
    en: 'You cannot remove your own access: ask another staff member.',
    fr: 'Vous ne pouvez pas retirer votre propre accès : demandez à un autre agent.',
  },
  ACCESS_REMOVAL_FORBIDDEN: {
    status: 403,
    en: "Only a platform administrator may remove a platform administrator's access.",
    fr: "Seul un administrateur de la plateforme peut retirer l'accès d'un administrateur de la plateforme.",
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<AuthErrorCode, true> {}
}
