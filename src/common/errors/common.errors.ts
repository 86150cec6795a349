import { type ErrorCatalogue } from './domain-error.js';

export type CommonErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'BODY_TOO_DEEP'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF_INVALID'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'TENANT_UNKNOWN'
  | 'TENANT_SUSPENDED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE';

export const commonErrors: ErrorCatalogue<CommonErrorCode> = {
  VALIDATION_FAILED: { status: 400, en: 'Some fields are not valid.', fr: 'Certains champs ne sont pas valides.' },
  INVALID_JSON: { status: 400, en: 'The request body is not valid JSON.', fr: "Le corps de la requête n'est pas un JSON valide." },
  BODY_TOO_DEEP: {
    status: 400,
    en: 'The request body is nested too deeply (at most {maxDepth} levels).',
    fr: 'Le corps de la requête est trop imbriqué ({maxDepth} niveaux au plus).',
  },
  PAYLOAD_TOO_LARGE: { status: 413, en: 'The request is too large.', fr: 'La requête est trop volumineuse.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 400, en: 'This content type is not accepted here.', fr: "Ce type de contenu n'est pas accepté ici." },
  NOT_FOUND: { status: 404, en: 'Not found.', fr: 'Introuvable.' },
  UNAUTHENTICATED: { status: 401, en: 'Please sign in.', fr: 'Veuillez vous connecter.' },
  FORBIDDEN: { status: 403, en: 'You may not do this.', fr: "Vous n'avez pas le droit de faire cela." },
  CSRF_INVALID: {
    status: 403,
    en: 'The form has expired or was not sent from this site. Please reload the page and try again.',
    fr: 'Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et réessayez.',
  },
  RATE_LIMITED: {
    status: 429,
    en: 'Too many attempts. Please wait {retryAfterSeconds} seconds.',
    fr: 'Trop de tentatives. Patientez {retryAfterSeconds} secondes.',
  },
  CONFLICT: { status: 409, en: 'This conflicts with the current state.', fr: "Cela entre en conflit avec l'état actuel." },
  TENANT_SUSPENDED: {
    status: 403,
    en: 'The site of {authority} is suspended for now. Its data is kept; contact the authority for more.',
    fr: 'Le site de {authority} est suspendu pour le moment. Ses données sont conservées ; contactez la collectivité pour en savoir plus.',
  },
  TENANT_UNKNOWN: { status: 404, en: 'No authority is served at this address.', fr: "Aucune collectivité n'est servie à cette adresse." },
  // The database cannot be reached (an outage, a restart): the same request will work again shortly.
  SERVICE_UNAVAILABLE: {
    status: 503,
    en: 'The service is briefly unavailable. Please try again in a minute.',
    fr: 'Le service est momentanément indisponible. Réessayez dans une minute.',
  },
};

declare module './domain-error.js' {
  interface ErrorCodes extends Record<CommonErrorCode, true> {}
}
