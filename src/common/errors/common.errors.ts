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
  VALIDATION_FAILED: { status: 400 },
  INVALID_JSON: { status: 400 },
  BODY_TOO_DEEP: { status: 400 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { status: 400 },
  NOT_FOUND: { status: 404 },
  UNAUTHENTICATED: { status: 401 },
  FORBIDDEN: { status: 403 },
  CSRF_INVALID: { status: 403 },
  RATE_LIMITED: { status: 429 },
  CONFLICT: { status: 409 },
  TENANT_SUSPENDED: { status: 403 },
  TENANT_UNKNOWN: { status: 404 },
  // The database cannot be reached (an outage, a restart): the same request will work again shortly.
  SERVICE_UNAVAILABLE: { status: 503 },
};

declare module './domain-error.js' {
  interface ErrorCodes extends Record<CommonErrorCode, true> {}
}
