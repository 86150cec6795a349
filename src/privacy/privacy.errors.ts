import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type PrivacyErrorCode = 'PRIVACY_REQUEST_NOT_FOUND' | 'PRIVACY_REQUEST_CLOSED' | 'PRIVACY_LINK_EXPIRED';

export const privacyErrors: ErrorCatalogue<PrivacyErrorCode> = {
  PRIVACY_REQUEST_NOT_FOUND: { status: 404 },
  PRIVACY_REQUEST_CLOSED: { status: 409 },
  PRIVACY_LINK_EXPIRED: { status: 404 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<PrivacyErrorCode, true> {}
}
