import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import {
  paymentSettingsProblems,
  refundUrlProblem,
  ROTATION_GRACE_MS,
  type RefundUrlRules,
  type PaymentSettingsInput,
  type SecretField,
  type SettingsProvider,
} from './domain/payment-settings.js';
import { keyringFrom, open, seal, SealingError, type Keyring } from './domain/sealing.js';
import type { PaymentSecret } from './payment-settings.entity.js';
import { PaymentSettingsRepository } from './payment-settings.repository.js';

/** Who changes the settings: the authority's staff, or a platform admin (from the platform back office). */
export interface SettingsActor {
  userId: string | null;
  role: 'staff' | 'platform_admin';
}

/** Platform admins may act as staff of the authority they signed in to (see RolesGuard). */
export function actorOf(p: Principal): SettingsActor {
  return { userId: p.userId, role: p.roles.includes('staff') ? 'staff' : 'platform_admin' };
}

/** What staff and the API are told about a secret: whether and when it was set, by whom; never the value. */
export interface SecretStatus {
  source: 'authority' | 'default' | 'none';
  setAt: Date | null;
  setBy: { userId: string | null; name: string | null; role: 'staff' | 'platform_admin' } | null;
  /** During a rotation: until when the previous secret is still accepted. */
  previousValidUntil: Date | null;
}

export interface PaymentSettingsView {
  provider: 'webhook';
  webhookSecret: SecretStatus;
  checkoutUrl: string | null;
  checkoutUrlSource: 'authority' | 'default' | 'none';
  /** Where refunds are asked (signed POST); null: staff make them by hand and record them. */
  refundUrl: string | null;
  updatedAt: Date | null;
  /** The Stripe provider's credentials (set or not, when, by whom; never their values). */
  stripe: { secretKey: SecretStatus; endpointSecret: SecretStatus };
}

const PROVIDER = 'webhook' as const;
const FIELD = 'webhook_secret' as const;
/** Binds a sealed value to its authority and field: copied into another row, it does not open. */
const placeOf = (tenantId: string, provider: SettingsProvider = PROVIDER, field: SecretField = FIELD) => `${tenantId}:${provider}:${field}`;

/**
 * Each authority's credentials for the webhook payment provider: its webhook secret (sealed at rest,
 * rotated with a grace period) and checkout page. Authorities that set none use the installation's
 * PAYMENT_WEBHOOK_SECRET and PAYMENT_CHECKOUT_URL. Secrets are written and checked here, never
 * returned, logged or audited (the audit says which field changed).
 */
@Injectable()
export class PaymentSettingsService {
  private readonly logger = new Logger('PaymentSettings');
  private readonly keyring: Keyring;

  constructor(
    private readonly repo: PaymentSettingsRepository,
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.keyring = keyringFrom(config.appSecret);
  }

  async view(tenantId: string): Promise<PaymentSettingsView> {
    const em = this.repo.manager;
    const now = this.clock.now();
    const [settings, secrets] = await Promise.all([this.repo.settings(em, tenantId, PROVIDER), this.repo.validSecrets(em, tenantId, PROVIDER, FIELD, now)]);
    const current = secrets.find((s) => s.validUntil === null);
    const previous = secrets.find((s) => s.validUntil !== null);
    const setter = current?.setByUserId ? await this.users.findById(tenantId, current.setByUserId) : null;
    return {
      provider: PROVIDER,
      webhookSecret: current
        ? {
            source: 'authority',
            setAt: current.setAt,
            // A platform admin belongs to another authority: named by role only.
            setBy: { userId: current.setByUserId, name: setter?.displayName ?? null, role: current.setByRole },
            previousValidUntil: previous?.validUntil ?? null,
          }
        : { source: this.config.paymentWebhookSecret ? 'default' : 'none', setAt: null, setBy: null, previousValidUntil: null },
      checkoutUrl: settings?.checkoutUrl ?? null,
      checkoutUrlSource: settings?.checkoutUrl ? 'authority' : this.config.paymentCheckoutUrl ? 'default' : 'none',
      refundUrl: settings?.refundUrl ?? null,
      updatedAt: settings?.updatedAt ?? null,
      stripe: {
        secretKey: await this.stripeStatus(tenantId, 'secret_key', now),
        endpointSecret: await this.stripeStatus(tenantId, 'endpoint_secret', now),
      },
    };
  }

  private async stripeStatus(tenantId: string, field: SecretField, now: Date): Promise<SecretStatus> {
    const secrets = await this.repo.validSecrets(this.repo.manager, tenantId, 'stripe', field, now);
    const current = secrets.find((s) => s.validUntil === null);
    if (!current) return { source: 'none', setAt: null, setBy: null, previousValidUntil: null };
    const setter = current.setByUserId ? await this.users.findById(tenantId, current.setByUserId) : null;
    return {
      source: 'authority',
      setAt: current.setAt,
      setBy: { userId: current.setByUserId, name: setter?.displayName ?? null, role: current.setByRole },
      previousValidUntil: secrets.find((s) => s.validUntil !== null)?.validUntil ?? null,
    };
  }

  /**
   * Sets what the input gives (absent fields are kept). A new webhook secret becomes current at once;
   * the previous one is still accepted for ROTATION_GRACE_MS so that the provider can switch without
   * lost callbacks. Setting the current secret again changes nothing. Callable by the platform back office.
   */
  async setPaymentSecrets(tenantId: string, input: PaymentSettingsInput, actor: SettingsActor): Promise<PaymentSettingsView> {
    const problems = paymentSettingsProblems(input, this.refundUrlRules());
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
    const now = this.clock.now();
    await this.tx.run(async (em) => {
      const settings = await this.repo.lockSettings(em, tenantId, PROVIDER, now);
      const changed: string[] = [];
      let previousValidUntil: Date | null = null;
      if (input.webhookSecret !== undefined) {
        const r = await this.replaceSecret(em, tenantId, PROVIDER, FIELD, input.webhookSecret, actor, now, true);
        if (r.changed) changed.push('webhookSecret');
        previousValidUntil = r.previousValidUntil;
      }
      if (input.checkoutUrl !== undefined && (input.checkoutUrl ?? null) !== settings.checkoutUrl) changed.push('checkoutUrl');
      if (input.refundUrl !== undefined && (input.refundUrl ?? null) !== settings.refundUrl) changed.push('refundUrl');
      await this.setStripeSecrets(em, tenantId, input, actor, now);
      if (!changed.length) return;
      await this.repo.updateSettings(em, settings.id, {
        ...(changed.includes('checkoutUrl') ? { checkoutUrl: input.checkoutUrl ?? null } : {}),
        ...(changed.includes('refundUrl') ? { refundUrl: input.refundUrl ?? null } : {}),
        updatedAt: now,
        updatedByUserId: actor.userId,
      });
      await this.audit.record(em, {
        tenantId,
        actorUserId: actor.userId,
        action: 'payment_settings.updated',
        subjectType: 'payment_settings',
        subjectId: settings.id,
        // Which fields changed, never their values.
        data: {
          provider: PROVIDER,
          fields: changed,
          actorRole: actor.role,
          ...(previousValidUntil ? { previousSecretValidUntil: previousValidUntil.toISOString() } : {}),
        },
      });
    });
    return this.view(tenantId);
  }

  /**
   * Stripe's credentials, in the same transaction as the rest: a new endpoint secret keeps the previous
   * one for ROTATION_GRACE_MS (Stripe's "roll secret" lets both sign for a while); a new API key replaces
   * the old one at once (only one key ever calls Stripe). Audited by field name, never by value.
   */
  private async setStripeSecrets(em: EntityManager, tenantId: string, input: PaymentSettingsInput, actor: SettingsActor, now: Date): Promise<void> {
    if (input.stripeSecretKey === undefined && input.stripeEndpointSecret === undefined) return;
    const settings = await this.repo.lockSettings(em, tenantId, 'stripe', now);
    const changed: string[] = [];
    let previousValidUntil: Date | null = null;
    if (
      input.stripeSecretKey !== undefined &&
      (await this.replaceSecret(em, tenantId, 'stripe', 'secret_key', input.stripeSecretKey, actor, now, false)).changed
    ) {
      changed.push('stripeSecretKey');
    }
    if (input.stripeEndpointSecret !== undefined) {
      const r = await this.replaceSecret(em, tenantId, 'stripe', 'endpoint_secret', input.stripeEndpointSecret, actor, now, true);
      if (r.changed) changed.push('stripeEndpointSecret');
      previousValidUntil = r.previousValidUntil;
    }
    if (!changed.length) return;
    await this.repo.updateSettings(em, settings.id, { updatedAt: now, updatedByUserId: actor.userId });
    await this.audit.record(em, {
      tenantId,
      actorUserId: actor.userId,
      action: 'payment_settings.updated',
      subjectType: 'payment_settings',
      subjectId: settings.id,
      data: {
        provider: 'stripe',
        fields: changed,
        actorRole: actor.role,
        ...(previousValidUntil ? { previousSecretValidUntil: previousValidUntil.toISOString() } : {}),
      },
    });
  }

  /**
   * Seals `value` as the current secret of a field, unless it already is. With `keepPrevious`, the
   * value it replaces stays accepted for ROTATION_GRACE_MS (an older one still in its grace ends now).
   */
  private async replaceSecret(
    em: EntityManager,
    tenantId: string,
    provider: SettingsProvider,
    field: SecretField,
    value: string,
    actor: SettingsActor,
    now: Date,
    keepPrevious: boolean,
  ): Promise<{ changed: boolean; previousValidUntil: Date | null }> {
    const secrets = await this.repo.validSecrets(em, tenantId, provider, field, now);
    const current = secrets.find((s) => s.validUntil === null);
    if (current && this.openOrNull(tenantId, current, provider, field) === value) return { changed: false, previousValidUntil: null };
    await this.repo.deletePrevious(em, tenantId, provider, field);
    let previousValidUntil: Date | null = null;
    if (current) {
      previousValidUntil = new Date(now.getTime() + ROTATION_GRACE_MS);
      await this.repo.retireCurrent(em, tenantId, provider, field, previousValidUntil);
      if (!keepPrevious) {
        await this.repo.deletePrevious(em, tenantId, provider, field);
        previousValidUntil = null;
      }
    }
    const sealed = seal(this.keyring, value, placeOf(tenantId, provider, field));
    await this.repo.insertSecret(em, {
      tenantId,
      provider,
      name: field,
      keyId: sealed.keyId,
      iv: sealed.iv,
      authTag: sealed.authTag,
      ciphertext: sealed.ciphertext,
      setAt: now,
      setByUserId: actor.userId,
      setByRole: actor.role,
      validUntil: null,
    });
    return { changed: true, previousValidUntil };
  }

  /**
   * The authority's Stripe credentials, opened: its API key (null: not set) and the endpoint secrets its
   * webhooks may be signed with, current first (two during a rotation). No installation-wide default:
   * Stripe money always goes to the authority's own account.
   */
  async stripeCredentials(tenantId: string, em: EntityManager = this.repo.manager): Promise<{ secretKey: string | null; endpointSecrets: string[] }> {
    const now = this.clock.now();
    const [keys, endpoint] = await Promise.all([
      this.repo.validSecrets(em, tenantId, 'stripe', 'secret_key', now),
      this.repo.validSecrets(em, tenantId, 'stripe', 'endpoint_secret', now),
    ]);
    const opened = (rows: PaymentSecret[], field: SecretField) => {
      const values = rows.map((r) => this.openOrNull(tenantId, r, 'stripe', field)).filter((v): v is string => v !== null);
      if (rows.length && !values.length) throw new DomainError('PAYMENT_SETTINGS_UNREADABLE');
      return values;
    };
    return { secretKey: opened(keys, 'secret_key')[0] ?? null, endpointSecrets: opened(endpoint, 'endpoint_secret') };
  }

  /** Ends a rotation early: from now on only the current webhook secret is accepted. */
  async endRotation(tenantId: string, actor: SettingsActor): Promise<PaymentSettingsView> {
    const now = this.clock.now();
    await this.tx.run(async (em) => {
      const settings = await this.repo.lockSettings(em, tenantId, PROVIDER, now);
      const ended = await this.repo.deletePrevious(em, tenantId, PROVIDER, FIELD);
      if (!ended) return;
      await this.audit.record(em, {
        tenantId,
        actorUserId: actor.userId,
        action: 'payment_settings.rotation_ended',
        subjectType: 'payment_settings',
        subjectId: settings.id,
        data: { provider: PROVIDER, fields: ['webhookSecret'], actorRole: actor.role },
      });
    });
    return this.view(tenantId);
  }

  /**
   * The secrets a webhook of this authority may be signed with, current first: its own (and, during a
   * rotation, the previous one), else the installation's default. Empty: webhooks are not configured.
   * Read on every call (no cache), so that a rotation done on one instance holds on all at once.
   */
  async webhookSecrets(tenantId: string): Promise<string[]> {
    const rows = await this.repo.validSecrets(this.repo.manager, tenantId, PROVIDER, FIELD, this.clock.now());
    if (!rows.length) return this.config.paymentWebhookSecret ? [this.config.paymentWebhookSecret] : [];
    const secrets = rows.map((r) => this.openOrNull(tenantId, r)).filter((s): s is string => s !== null);
    // The authority has its own secret but it cannot be opened (APP_SECRET changed?): refuse, never fall back.
    if (!secrets.length) throw new DomainError('PAYMENT_SETTINGS_UNREADABLE');
    return secrets;
  }

  /** The webhook provider's payment page for this authority (its own, else the installation's). */
  async checkoutUrl(tenantId: string, em: EntityManager = this.repo.manager): Promise<string | undefined> {
    return this.checkoutUrlOr((await this.repo.settings(em, tenantId, PROVIDER))?.checkoutUrl ?? null);
  }

  /** The authority's checkout page when it set one, else the installation's. */
  checkoutUrlOr(authorityUrl: string | null): string | undefined {
    return authorityUrl ?? this.config.paymentCheckoutUrl;
  }

  /**
   * Where the webhook provider takes this authority's refunds, with the secret to sign them with (its
   * current webhook secret, else the installation's); null: no refund URL (refunds are made by hand).
   */
  async refundTarget(tenantId: string): Promise<{ url: string; secret: string } | null> {
    const url = (await this.repo.settings(this.repo.manager, tenantId, PROVIDER))?.refundUrl;
    if (!url) return null;
    // Checked again at the send (a URL saved before the rules, or the installation's flag turned off since).
    const refused = refundUrlProblem(url, this.refundUrlRules());
    if (refused) throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'webhook', type: 'refund_url_refused', code: refused, requestId: '' });
    const [secret] = await this.webhookSecrets(tenantId);
    if (!secret) throw new DomainError('WEBHOOK_NOT_CONFIGURED');
    return { url, secret };
  }

  /** https only and no private address, except a loopback http endpoint in tests and private ones when the installation allows them. */
  private refundUrlRules(): RefundUrlRules {
    return { allowLoopbackHttp: this.config.env === 'test', allowPrivate: this.config.paymentRefundUrlAllowPrivate === true };
  }

  /** Scheduled: previous secrets whose grace period is over are deleted (they were refused already). */
  deleteExpired(now: Date): Promise<number> {
    return this.repo.deleteExpired(now);
  }

  private openOrNull(tenantId: string, row: PaymentSecret, provider: SettingsProvider = PROVIDER, field: SecretField = FIELD): string | null {
    try {
      return open(this.keyring, { keyId: row.keyId, iv: row.iv, authTag: row.authTag, ciphertext: row.ciphertext }, placeOf(tenantId, provider, field));
    } catch (err) {
      if (!(err instanceof SealingError)) throw err;
      // Says which row and why, never anything of the value.
      this.logger.error({ tenantId, secretId: row.id, keyId: row.keyId, reason: err.reason }, 'a payment secret cannot be opened');
      return null;
    }
  }
}
