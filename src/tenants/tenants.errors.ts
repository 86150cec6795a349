import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type TenantErrorCode = 'TENANT_SLUG_TAKEN' | 'TENANT_HOST_TAKEN';

export const tenantErrors: ErrorCatalogue<TenantErrorCode> = {
  TENANT_SLUG_TAKEN: { status: 409, en: 'An authority already uses the slug "{slug}".', fr: "Une collectivité utilise déjà l'identifiant « {slug} »." },
  TENANT_HOST_TAKEN: {
    status: 409,
    en: 'The host name {host} already serves another authority.',
    fr: "Le nom d'hôte {host} sert déjà une autre collectivité.",
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<TenantErrorCode, true> {}
}
