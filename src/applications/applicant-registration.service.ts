import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { normaliseEmail } from '../auth/domain/tokens.js';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import { TransactionRunner } from '../common/db/transaction.js';
import type { Locale } from '../common/i18n/localized.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { Tenant } from '../tenants/tenant.entity.js';

/**
 * A newcomer applicant registers with a name and an e-mail address: they get a sign-in link that
 * brings them back to the call (no password). The same address again only sends another link, within
 * the sign-in rate limits. Used by the apply page and by POST /api/programmes/:id/applicants.
 */
@Injectable()
export class ApplicantRegistrationService {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    private readonly limiter: RateLimiter,
    private readonly tx: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(tenant: Tenant, input: { email: string; name: string; locale: Locale; next: string; ip: string; baseUrl: string }): Promise<void> {
    const email = normaliseEmail(input.email);
    await this.limiter.hit(`sign-in:ip:${input.ip}`, this.config.signInRateLimit * 5, 15 * 60);
    await this.limiter.hit(`sign-in:email:${tenant.id}:${email}`, this.config.signInRateLimit, 15 * 60);
    await this.tx.run(async (em) => {
      const user = await this.users.upsert(em, tenant.id, email, input.name.trim(), input.locale);
      await this.auth.issueLink(em, tenant, user, input.baseUrl, 'sign-in-link', input.next, input.locale);
    });
  }
}
