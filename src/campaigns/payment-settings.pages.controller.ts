import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { errorMap, withFieldErrors } from '../common/web/forms.js';
import { formatInstant, ViewService } from '../common/web/view.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { actorOf, PaymentSettingsService, type PaymentSettingsView, type SecretStatus } from './payment-settings.service.js';
import { STRIPE_EVENTS } from './payments/stripe.provider.js';

const SAVED = new Set(['settings', 'ended']);
const FIELDS = new Set(['webhookSecret', 'checkoutUrl', 'refundUrl', 'stripeSecretKey', 'stripeEndpointSecret']);
const str = (body: Record<string, unknown>, key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim() : '');

/**
 * The staff page of the authority's payment settings, usable without JavaScript. A secret typed in the
 * form is never written back into it (not even after an error elsewhere on the form).
 */
@ApiExcludeController()
@Controller()
export class PaymentSettingsPagesController {
  constructor(
    private readonly settings: PaymentSettingsService,
    private readonly views: ViewService,
    private readonly tenants: TenantsService,
  ) {}

  @Get('staff/payment-settings')
  @Roles(['staff'])
  async page(@Page() page: PageContext, @Query('saved') saved?: string) {
    return await this.render(page, await this.settings.view(page.tenant.id), { savedKey: saved && SAVED.has(saved) ? `paymentSettings.saved.${saved}` : null });
  }

  @Post('staff/payment-settings')
  @HttpCode(200)
  @Roles(['staff'])
  async save(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    // Empty secret: keep the current one. Empty checkout URL: the installation's default.
    const secret = typeof body.webhookSecret === 'string' ? body.webhookSecret : '';
    const checkoutUrl = str(body, 'checkoutUrl');
    const refundUrl = str(body, 'refundUrl');
    const stripeSecretKey = str(body, 'stripeSecretKey');
    const stripeEndpointSecret = str(body, 'stripeEndpointSecret');
    const done = await withFieldErrors(() =>
      this.settings.setPaymentSecrets(
        page.tenant.id,
        {
          webhookSecret: secret === '' ? undefined : secret,
          checkoutUrl: checkoutUrl === '' ? null : checkoutUrl,
          refundUrl: refundUrl === '' ? null : refundUrl,
          stripeSecretKey: stripeSecretKey || undefined,
          stripeEndpointSecret: stripeEndpointSecret || undefined,
        },
        actorOf(page.principal!),
      ),
    );
    if (!done.ok) {
      const errors: FieldProblem[] = done.errors.map((e) => ({
        field: e.field,
        message: this.views.t(page.locale, `paymentSettings.err.${FIELDS.has(e.field) ? e.field : 'checkoutUrl'}`),
      }));
      return res.status(400).send(
        await this.render(page, await this.settings.view(page.tenant.id), {
          errors: errorMap(errors),
          errorList: errors,
          typedCheckoutUrl: checkoutUrl,
          typedRefundUrl: refundUrl,
        }),
      );
    }
    return res.redirect(303, `${page.basePath}/staff/payment-settings?saved=settings`);
  }

  /** Ending a rotation early refuses the provider's callbacks signed with the previous secret: asked first. */
  @Get('staff/payment-settings/end-rotation')
  @Roles(['staff'])
  async confirmEnd(@Page() page: PageContext, @Res() res: Response) {
    const view = await this.settings.view(page.tenant.id);
    if (!view.webhookSecret.previousValidUntil) return res.redirect(303, `${page.basePath}/staff/payment-settings`);
    return res.send(
      this.views.page('pages/campaigns/payment-settings-end', page, {
        title: this.views.t(page.locale, 'paymentSettings.confirmTitle'),
        settings: view,
      }),
    );
  }

  @Post('staff/payment-settings/end-rotation')
  @HttpCode(200)
  @Roles(['staff'])
  async end(@Page() page: PageContext, @Res() res: Response) {
    await this.settings.endRotation(page.tenant.id, actorOf(page.principal!));
    return res.redirect(303, `${page.basePath}/staff/payment-settings?saved=ended`);
  }

  private async render(page: PageContext, view: PaymentSettingsView, extra: Record<string, unknown>) {
    return this.views.page('pages/campaigns/payment-settings', page, {
      title: this.views.t(page.locale, 'staff.paymentSettings'),
      settings: view,
      secretStatus: this.secretStatus(page, view.webhookSecret),
      stripeEndpoint: `${await this.tenants.siteUrl(page.tenant)}/api/payments/stripe/webhook`,
      stripeEvents: STRIPE_EVENTS,
      stripeKeyStatus: this.secretStatus(page, view.stripe.secretKey, 'paymentSettings.stripe.notSet'),
      stripeEndpointStatus: this.secretStatus(page, view.stripe.endpointSecret, 'paymentSettings.stripe.notSet'),
      checkoutUrlValue: extra.typedCheckoutUrl ?? view.checkoutUrl ?? '',
      refundUrlValue: extra.typedRefundUrl ?? view.refundUrl ?? '',
      ...extra,
    });
  }

  /** "Set on 2 March 2026 at 10:00 by Camille": the only thing ever said about a secret. */
  private secretStatus(page: PageContext, s: SecretStatus, notSetKey?: string): string {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    if (s.source !== 'authority' || !s.setAt) return t(notSetKey ?? `paymentSettings.secret.${s.source}`);
    const date = formatInstant(new Date(s.setAt), page.locale, page.tenant.timeZone);
    if (s.setBy?.role === 'platform_admin') return t('paymentSettings.secret.setByAdmin', { date });
    return s.setBy?.name ? t('paymentSettings.secret.setBy', { date, name: s.setBy.name }) : t('paymentSettings.secret.set', { date });
  }
}
