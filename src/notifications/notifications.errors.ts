import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type NotificationsErrorCode = 'UNSUBSCRIBE_LINK_INVALID';

export const notificationsErrors: ErrorCatalogue<NotificationsErrorCode> = {
  // A made-up or altered token, or one of another authority: nothing to show (404, as for a page one may not see).
  UNSUBSCRIBE_LINK_INVALID: { status: 404 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<NotificationsErrorCode, true> {}
}
