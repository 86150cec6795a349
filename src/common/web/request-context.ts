import type { Request } from 'express';
import type { Role } from '../../auth/user.entity.js';
import type { Tenant } from '../../tenants/tenant.entity.js';

export type Locale = 'fr' | 'en';

export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  /** Tenant-wide roles, and roles per programme id. */
  roles: Role[];
  programmeRoles: Record<string, Role[]>;
  via: 'session' | 'token';
}

/** The stable, non-secret id of the web session or API token a request came with. */
export interface CredentialRef {
  kind: 'session' | 'token';
  id: string;
}

/** What the app's middleware attaches to each request before routing. */
export interface TremplinRequest extends Request {
  id: string;
  tenant?: Tenant;
  /** '' when the tenant comes from the Host header, '/t/<slug>' with the local path fallback. */
  basePath: string;
  /** The authority's site URL for links (from configuration, never from request headers). */
  siteUrl: string;
  locale: Locale;
  principal?: Principal;
  /** The session or token that identified `principal` (kept when a person ends their other sessions). */
  credential?: CredentialRef;
  csrfToken?: string;
  /** A platform admin, on /platform and /api/platform routes only. */
  platformAdmin?: { id: string; email: string; displayName: string };
  /** The raw session token, for sign-out. */
  sessionToken?: string;
}

export function hasRole(p: Principal | undefined, roles: readonly Role[], programmeId?: string): boolean {
  if (!p) return false;
  if (p.roles.some((r) => roles.includes(r))) return true;
  if (programmeId) return (p.programmeRoles[programmeId] ?? []).some((r) => roles.includes(r));
  return false;
}
