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
  SIGN_IN_LINK_INVALID: { status: 400 },
  CREDENTIALS_INVALID: { status: 401 },
  USER_EXISTS: { status: 409 },
  PERSON_NOT_FOUND: { status: 404 },
  SESSION_NOT_FOUND: { status: 404 },
  ACCESS_SELF_REMOVAL: { status: 409 },
  ACCESS_REMOVAL_FORBIDDEN: { status: 403 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<AuthErrorCode, true> {}
}
