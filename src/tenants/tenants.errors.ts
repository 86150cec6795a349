import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type TenantErrorCode = 'TENANT_SLUG_TAKEN' | 'TENANT_HOST_TAKEN';

export const tenantErrors: ErrorCatalogue<TenantErrorCode> = {
  TENANT_SLUG_TAKEN: { status: 409 },
  TENANT_HOST_TAKEN: { status: 409 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<TenantErrorCode, true> {}
}
