import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type ReportErrorCode = 'REPORT_NOT_PUBLISHED';

export const reportErrors: ErrorCatalogue<ReportErrorCode> = {
  REPORT_NOT_PUBLISHED: { status: 404 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<ReportErrorCode, true> {}
}
