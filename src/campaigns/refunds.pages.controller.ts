import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { Clock } from '../common/clock/clock.js';
import { formatMoney } from '../common/i18n/format.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { errorMap } from '../common/web/forms.js';
import { listStateOf, listView, pageOf, type ListColumn } from '../common/web/list-view.js';
import { ViewService } from '../common/web/view.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { str, type Form } from './campaign-form.js';
import { canMarkByHand, canRetry, REFUND_STATES } from './domain/refunds.js';
import type { StaffRefundRow, StaffRefundSort } from './refunds.repository.js';
import { RefundsService } from './refunds.service.js';

/**
 * Staff's refunds of a programme: the list by state (with counts and amounts), the treasurer's CSV,
 * "retry now" on a failed refund, "mark refunded by hand" where the provider cannot be asked, and the
 * "refund this contribution" confirmation reached from the contributions list. Same roles as the
 * contributions page.
 */
@ApiExcludeController()
@Controller()
export class RefundsPagesController {
  constructor(
    private readonly refunds: RefundsService,
    private readonly views: ViewService,
    private readonly clock: Clock,
  ) {}

  @Get('staff/programmes/:programmeId/refunds')
  @Roles(['staff'], 'programmeId')
  async list(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: Record<string, unknown>) {
    const t = (key: string) => this.views.t(page.locale, key);
    const columns: ListColumn<unknown>[] = [
      { key: 'date', label: t('refundsStaff.requestedAt'), sortable: true, numeric: true },
      { key: 'campaign', label: t('contributionsStaff.campaign'), sortable: true },
      { key: 'contributor', label: t('contributionsStaff.contributor'), sortable: true },
      { key: 'amount', label: t('contributionsStaff.amount'), sortable: true, numeric: true },
      { key: 'state', label: t('refundsStaff.state'), sortable: true },
      // Attempts, the last reason and the next attempt share a cell: ten columns do not fit a staff page.
      { key: 'attempts', label: t('refundsStaff.attempts'), sortable: true },
      { key: 'actions', label: t('refundsStaff.actions') },
    ];
    const state = listStateOf(query, columns, { sort: 'date', dir: 'desc' });
    const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim().slice(0, 200) : '');
    const asked = { state: text('state') || undefined, q: text('q') || undefined };
    const fetch = (offset: number) =>
      this.refunds.list(page.tenant, programmeId, { ...asked, sort: state.sort as StaffRefundSort, dir: state.dir, limit: state.size, offset });
    const wide = pageOf(state, Number.MAX_SAFE_INTEGER).offset;
    const first = await fetch(wide);
    // A page past the end (a bookmark after a filter) shows the last page instead.
    const { offset } = pageOf(state, first.total);
    const l = offset === wide ? first : await fetch(offset);
    const view = listView(columns, l.rows.map(this.rowView), l.total, {
      path: `${page.basePath}/staff/programmes/${programmeId}/refunds`,
      query,
      filters: ['state', 'q'],
      state,
      defaultSort: 'date',
      defaultDir: 'desc',
    });
    const csv = new URLSearchParams(l.state ? { state: l.state } : {}).toString();
    return this.views.page('pages/campaigns/refunds', page, {
      title: t('refundsStaff.title'),
      programme: l.programme,
      states: REFUND_STATES.map((s) => ({ value: s, count: l.byState[s]?.count ?? 0, amountCents: l.byState[s]?.amountCents ?? 0, selected: s === l.state })),
      q: asked.q ?? '',
      filtered: Boolean(l.state || asked.q),
      csvHref: `/api/programmes/${programmeId}/refunds.csv${csv ? `?${csv}` : ''}`,
      ...view,
    });
  }

  private rowView = (r: StaffRefundRow) => ({
    ...r,
    awaiting: r.state === 'requested' && r.askedAt !== null,
    retry: canRetry(r),
    byHand: canMarkByHand(r),
  });

  @Post('staff/programmes/:programmeId/refunds/:refundId/retry')
  @HttpCode(200)
  @Roles(['staff'], 'programmeId')
  async retry(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('refundId') refundId: string, @Res() res: Response) {
    await this.refunds.retryNow(page.tenant, programmeId, refundId, page.principal!);
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/refunds?saved=retry`);
  }

  /** Recording a refund made outside Tremplin ends it for good: asked first, with what will be recorded. */
  @Get('staff/programmes/:programmeId/refunds/:refundId/mark-refunded')
  @Roles(['staff'], 'programmeId')
  async confirmByHand(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('refundId') refundId: string) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const { row } = await this.refunds.refundRow(page.tenant, programmeId, refundId);
    const who = row.displayName ? `${row.displayName} (${row.email})` : row.email;
    return confirmPage(this.views, page, {
      title: t('refundsStaff.byHandTitle'),
      consequences: [
        t('refundsStaff.byHandWho', { amount: formatMoney(row.amountCents, page.locale), who, receipt: row.receiptNumber ?? '—' }),
        t('refundsStaff.byHandEffect'),
      ],
      action: `/staff/programmes/${programmeId}/refunds/${row.id}/mark-refunded`,
      confirmLabel: t('refundsStaff.byHandConfirm'),
      cancel: `/staff/programmes/${programmeId}/refunds`,
    });
  }

  @Post('staff/programmes/:programmeId/refunds/:refundId/mark-refunded')
  @HttpCode(200)
  @Roles(['staff'], 'programmeId')
  async markByHand(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('refundId') refundId: string, @Res() res: Response) {
    await this.refunds.markRefundedByHand(page.tenant, programmeId, refundId, page.principal!);
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/refunds?saved=manual`);
  }

  /** Staff's "refund this contribution": what will happen, and why (a reason is required, kept in the audit). */
  @Get('staff/programmes/:programmeId/contributions/:contributionId/refund')
  @Roles(['staff'], 'programmeId')
  async refundForm(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('contributionId') contributionId: string) {
    return this.renderRefundForm(page, programmeId, contributionId, {});
  }

  @Post('staff/programmes/:programmeId/contributions/:contributionId/refund')
  @HttpCode(200)
  @Roles(['staff'], 'programmeId')
  async refund(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('contributionId') contributionId: string,
    @Body() body: Form,
    @Res() res: Response,
  ) {
    const reason = str(body, 'reason');
    if (!reason || reason.length > 1000) {
      const errors = [{ field: 'reason', message: this.views.t(page.locale, 'refundsStaff.err.reason') }];
      return res.status(400).send(await this.renderRefundForm(page, programmeId, contributionId, { errors: errorMap(errors), errorList: errors, reason }));
    }
    await this.refunds.refundByStaff(page.tenant, programmeId, contributionId, reason, page.principal!);
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/refunds?saved=requested`);
  }

  private async renderRefundForm(page: PageContext, programmeId: string, contributionId: string, extra: Record<string, unknown>) {
    const { programme, contribution: c } = await this.refunds.refundableContribution(page.tenant, programmeId, contributionId);
    return this.views.page('pages/campaigns/refund-contribution', page, {
      title: this.views.t(page.locale, 'refundsStaff.refundTitle'),
      programme,
      contribution: c,
      who: c.displayName ? `${c.displayName} (${c.email})` : c.email,
      hasReceipt: c.receiptNumber ? 'yes' : 'no',
      pledge: c.provider === 'pledge',
      action: `${page.basePath}/staff/programmes/${programmeId}/contributions/${c.id}/refund`,
      cancelHref: `${page.basePath}/staff/programmes/${programmeId}/contributions`,
      now: this.clock.now(),
      reason: '',
      ...extra,
    });
  }
}
