import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type ApplicationErrorCode =
  | 'CALL_NOT_DEFINED'
  | 'CALL_CLOSED'
  | 'APPLICATION_WITHDRAWN'
  | 'APPLICATION_ALREADY_SUBMITTED'
  | 'APPLICATION_ALREADY_SCREENED'
  | 'APPLICATION_NOT_SUBMITTED'
  | 'ONE_APPLICATION_PER_APPLICANT'
  | 'FORM_CHANGE_NOT_ALLOWED'
  | 'FILE_TYPE_NOT_ACCEPTED'
  | 'FILE_TOO_LARGE'
  | 'CONTACT_EMAIL_LINK_INVALID';

export const applicationErrors: ErrorCatalogue<ApplicationErrorCode> = {
  CALL_NOT_DEFINED: { status: 409, en: 'This programme is not taking applications.', fr: 'Ce programme ne reçoit pas de candidatures.' },
  CALL_CLOSED: {
    status: 409,
    en: 'The call is closed: applications could be submitted until {deadlineLocal}. Your draft is kept.',
    fr: "L'appel est clos : les candidatures pouvaient être déposées jusqu'au {deadlineLocal}. Votre brouillon est conservé.",
  },
  APPLICATION_WITHDRAWN: { status: 409, en: 'This application was withdrawn.', fr: 'Cette candidature a été retirée.' },
  APPLICATION_ALREADY_SUBMITTED: {
    status: 409,
    en: 'This application is submitted and the call does not allow changes.',
    fr: "Cette candidature est déposée et l'appel ne permet pas de la modifier.",
  },
  APPLICATION_ALREADY_SCREENED: { status: 409, en: 'This application has already been screened.', fr: 'Cette candidature a déjà été instruite.' },
  APPLICATION_NOT_SUBMITTED: { status: 409, en: 'Only a submitted application can be screened.', fr: 'Seule une candidature déposée peut être instruite.' },
  ONE_APPLICATION_PER_APPLICANT: { status: 409, en: 'You already have an application for this call.', fr: 'Vous avez déjà une candidature pour cet appel.' },
  FORM_CHANGE_NOT_ALLOWED: {
    status: 409,
    en: 'The call is open: this change would invalidate submitted applications.',
    fr: "L'appel est ouvert : ce changement invaliderait des candidatures déposées.",
  },
  FILE_TYPE_NOT_ACCEPTED: { status: 400, en: 'This file is not a PDF or an image.', fr: "Ce fichier n'est ni un PDF ni une image." },
  CONTACT_EMAIL_LINK_INVALID: {
    status: 400,
    en: 'This confirmation link has expired or was already used.',
    fr: 'Ce lien de confirmation a expiré ou a déjà servi.',
  },
  FILE_TOO_LARGE: { status: 413, en: 'This file is larger than {maxMb} MB.', fr: 'Ce fichier dépasse {maxMb} Mo.' },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<ApplicationErrorCode, true> {}
}
