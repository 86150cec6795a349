import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type AuthErrorCode = 'SIGN_IN_LINK_INVALID' | 'CREDENTIALS_INVALID' | 'USER_EXISTS';

export const authErrors: ErrorCatalogue<AuthErrorCode> = {
  SIGN_IN_LINK_INVALID: { status: 400, en: 'This sign-in link has expired or was already used. Ask for a new one.', fr: 'Ce lien de connexion a expiré ou a déjà servi. Demandez-en un nouveau.' },
  CREDENTIALS_INVALID: { status: 401, en: 'E-mail or password not recognised.', fr: 'E-mail ou mot de passe non reconnu.' },
  USER_EXISTS: { status: 409, en: 'This person already has this role.', fr: 'Cette personne a déjà ce rôle.' },
};
