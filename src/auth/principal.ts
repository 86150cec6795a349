import type { Role } from './user.entity.js';

/** Who is asking: the signed-in person and their roles (auth owns people's roles). */
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

export function hasRole(p: Principal | undefined, roles: readonly Role[], programmeId?: string): boolean {
  if (!p) return false;
  if (p.roles.some((r) => roles.includes(r))) return true;
  if (programmeId) return (p.programmeRoles[programmeId] ?? []).some((r) => roles.includes(r));
  return false;
}
