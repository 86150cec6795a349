import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { errorMap, withFieldErrors } from '../common/web/forms.js';
import { formatInstant, ViewService } from '../common/web/view.service.js';
import { actorOf, PaymentSettingsService, type PaymentSettingsView } from './payment-settings.service.js';

const SAVED = new Set(['settings', 'ended']);
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
  ) {}

  @Get('staff/payment-settings')
  @Roles(['staff'])
  async page(@Page() page: PageContext, @Query('saved') saved?: string) {
    return this.render(page, await this.settings.view(page.tenant.id), { savedKey: saved && SAVED.has(saved) ? `paymentSettings.saved.${saved}` : null });
  }

  @Post('staff/payment-settings')
  @HttpCode(200)
  @Roles(['staff'])
  async save(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    // Empty secret: keep the current one. Empty checkout URL: the installation's default.
    const secret = typeof body.webhookSecret === 'string' ? body.webhookSecret : '';
    const checkoutUrl = str(body, 'checkoutUrl');
    const done = await withFieldErrors(() =>
      this.settings.setPaymentSecrets(
        page.tenant.id,
        {
          webhookSecret: secret === '' ? undefined : secret,
          checkoutUrl: checkoutUrl === '' ? null : checkoutUrl,
        },
        actorOf(page.principal!),
      ),
    );
    if (!done.ok) {
      const errors: FieldProblem[] = done.errors.map((e) => ({
        field: e.field,
        message: this.views.t(page.locale, `paymentSettings.err.${e.field === 'webhookSecret' ? 'webhookSecret' : 'checkoutUrl'}`),
      }));
      return res.status(400).send(
        this.render(page, await this.settings.view(page.tenant.id), {
          errors: errorMap(errors),
          errorList: errors,
          typedCheckoutUrl: checkoutUrl,
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

  private render(page: PageContext, view: PaymentSettingsView, extra: Record<string, unknown>) {
    return this.views.page('pages/campaigns/payment-settings', page, {
      title: this.views.t(page.locale, 'staff.paymentSettings'),
      settings: view,
      secretStatus: this.secretStatus(page, view),
      checkoutUrlValue: extra.typedCheckoutUrl ?? view.checkoutUrl ?? '',
      ...extra,
    });
  }

  /** "Set on 2 March 2026 at 10:00 by Camille": the only thing ever said about a secret. */
  private secretStatus(page: PageContext, view: PaymentSettingsView): string {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const s = view.webhookSecret;
    if (s.source !== 'authority' || !s.setAt) return t(`paymentSettings.secret.${s.source}`);
    const date = formatInstant(new Date(s.setAt), page.locale, page.tenant.timeZone);
    if (s.setBy?.role === 'platform_admin') return t('paymentSettings.secret.setByAdmin', { date });
    return s.setBy?.name ? t('paymentSettings.secret.setBy', { date, name: s.setBy.name }) : t('paymentSettings.secret.set', { date });
  }
}
