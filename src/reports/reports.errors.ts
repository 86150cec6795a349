import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type ReportErrorCode = 'REPORT_NOT_PUBLISHED';

export const reportErrors: ErrorCatalogue<ReportErrorCode> = {
  REPORT_NOT_PUBLISHED: {
    status: 404,
    en: 'No results report has been published for this programme (or this version does not exist).',
    fr: "Aucun rapport de résultats n'a été publié pour ce programme (ou cette version n'existe pas).",
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<ReportErrorCode, true> {}
}
