import type { CredentialRef, Principal } from '../auth/principal.js';
import type { AppRequest } from '../common/web/app-request.js';
import type { Tenant } from '../tenants/tenant.entity.js';

/*
 * src/request-context/ is a small app-level composition folder, not a domain and not common: it knows
 * the authority (tenants), the signed-in person (auth) and the platform admin (platform) a request
 * comes with. Its middleware is the only file here that uses their services (and only the app root
 * imports it); the request type and the parameter decorators that every controller uses import only
 * those modules' types. Principal and roles stay with auth (src/auth/principal.ts); `common/` knows
 * the request only as AppRequest, without domain types.
 */

/** What the app's middleware attaches to each request before routing. */
export interface TremplinRequest extends AppRequest {
  tenant?: Tenant;
  principal?: Principal;
  /** The session or token that identified `principal` (kept when a person ends their other sessions). */
  credential?: CredentialRef;
}
