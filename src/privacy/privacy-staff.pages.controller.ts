import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { Clock } from '../common/clock/clock.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { checkForm, errorMap, withFieldErrors } from '../common/web/forms.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import { listStateOf, listView, pageOf, type ListColumn } from '../common/web/list-view.js';
import { ViewService } from '../common/web/view.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { daysLeft } from './domain/requests.js';
import { RefuseRequestDto } from './dto/privacy.dto.js';
import type { PrivacyRequestStatus } from './privacy-request.entity.js';
import { PrivacyRequestsService } from './privacy-requests.service.js';
import { heldWithLabels } from './privacy.pages.controller.js';
import { byKind, RetentionService } from './retention.service.js';

const STATUSES: PrivacyRequestStatus[] = ['open', 'done', 'refused'];

/** Staff's queue of people's requests (answered within a month) and the retention periods at work. */
@ApiExcludeController()
@Controller()
export class PrivacyStaffPagesController {
  constructor(
    private readonly requests: PrivacyRequestsService,
    private readonly retention: RetentionService,
    private readonly views: ViewService,
    private readonly clock: Clock,
  ) {}

  @Get('staff/privacy/requests')
  @Roles(['staff'])
  async queue(@Page() page: PageContext, @Query() query: Record<string, unknown>) {
    const t = (key: string) => this.views.t(page.locale, key);
    const columns: ListColumn<unknown>[] = [
      { key: 'requested', label: t('privacy.queue.requested') },
      { key: 'kind', label: t('privacy.queue.kind') },
      { key: 'person', label: t('privacy.queue.person') },
      { key: 'due', label: t('privacy.queue.due') },
      { key: 'status', label: t('privacy.queue.status') },
    ];
    const status = STATUSES.includes(query.status as PrivacyRequestStatus) ? (query.status as PrivacyRequestStatus) : undefined;
    const state = listStateOf(query, columns, { sort: 'due', dir: 'asc' });
    const first = await this.requests.list(page.tenant, status, state.size, pageOf(state, Number.MAX_SAFE_INTEGER).offset);
    const { offset } = pageOf(state, first.total);
    const l = await this.requests.list(page.tenant, status, state.size, offset);
    const counts = await this.requests.countsByStatus(page.tenant);
    const now = this.clock.now();
    const rows = l.rows.map((r) => {
      const left = daysLeft(r.dueAt, now);
      return {
        ...r,
        open: r.status === 'open',
        late: r.status === 'open' && left < 0,
        daysLeft: left,
        lateDays: -left,
        erased: r.kind === 'erasure' && r.status === 'done',
      };
    });
    const view = listView(columns, rows, l.total, {
      path: `${page.basePath}/staff/privacy/requests`,
      query,
      filters: ['status'],
      state,
      defaultSort: 'due',
      defaultDir: 'asc',
    });
    return this.views.page('pages/privacy/queue', page, {
      title: t('privacy.queue.title'),
      statuses: STATUSES.map((s) => ({ value: s, count: counts[s] ?? 0, selected: s === status })),
      filtered: Boolean(status),
      ...view,
    });
  }

  @Get('staff/privacy/requests/:id')
  @Roles(['staff'])
  async request(@Page() page: PageContext, @Param('id') id: string) {
    return this.requestView(page, id, {}, []);
  }

  /** Erasure is irreversible: staff read what the authority holds and what stays before they confirm. */
  @Get('staff/privacy/requests/:id/erase')
  @Roles(['staff'])
  async confirmErase(@Page() page: PageContext, @Param('id') id: string) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const { request, held } = await this.requests.get(page.tenant, id);
    return confirmPage(this.views, page, {
      title: t('privacy.staff.eraseTitle', { email: request.emailKey }),
      consequences: [t('privacy.staff.eraseWhat', { count: held.reduce((n, h) => n + h.rows, 0) }), t('privacy.erase.kept'), t('privacy.staff.eraseNotice')],
      action: `/staff/privacy/requests/${id}/erase`,
      confirmLabel: t('privacy.staff.eraseConfirm'),
      cancel: `/staff/privacy/requests/${id}`,
    });
  }

  @Post('staff/privacy/requests/:id/erase')
  @HttpCode(200)
  @Roles(['staff'])
  async erase(@Page() page: PageContext, @Param('id') id: string, @Res() res: Response) {
    await this.requests.erase(page.tenant, id, page.principal!);
    return res.redirect(303, `${page.basePath}/staff/privacy/requests/${id}?saved=erased`);
  }

  @Post('staff/privacy/requests/:id/refuse')
  @HttpCode(200)
  @Roles(['staff'])
  async refuse(@Page() page: PageContext, @Param('id') id: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const form = checkForm(RefuseRequestDto, body);
    if (!form.ok) return res.status(400).send(await this.requestView(page, id, body, form.errors));
    await this.requests.refuse(page.tenant, id, page.principal!, form.value.reason);
    return res.redirect(303, `${page.basePath}/staff/privacy/requests/${id}?saved=refused`);
  }

  @Get('staff/privacy/retention')
  @Roles(['staff'])
  retentionPage(@Page() page: PageContext) {
    return this.retentionView(page, {}, []);
  }

  @Post('staff/privacy/retention')
  @HttpCode(200)
  @Roles(['staff'])
  async savePeriods(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const done = await withFieldErrors(() => this.retention.setPeriods(page.tenant, body, page.principal!.userId));
    if (!done.ok) return res.status(400).send(await this.retentionView(page, body, done.errors));
    return res.redirect(303, `${page.basePath}/staff/privacy/retention?saved=periods`);
  }

  private async retentionView(page: PageContext, typed: Record<string, unknown>, errors: FieldProblem[]) {
    const t = (key: string) => this.views.t(page.locale, key);
    const periods = await this.retention.periods(page.tenant.id);
    const errs = errorMap(errors);
    const preview = byKind(await this.retention.preview(page.tenant));
    const runs = (await this.retention.runs(page.tenant)).map((r) => ({
      ...r,
      removed: r.counts.reduce((n, c) => n + c.rows, 0),
      byKind: byKind(r.counts).filter((k) => k.rows),
    }));
    return this.views.page('pages/privacy/retention', page, {
      title: t('privacy.retention.title'),
      periods: Object.entries(periods).map(([kind, months]) => ({
        kind,
        months,
        value: typeof typed[kind] === 'string' ? typed[kind] : String(months),
        error: errs[`retention.${kind}`],
        due: preview.find((p) => p.kind === kind)?.rows ?? 0,
      })),
      errorList: errors,
      dueTotal: preview.reduce((n, p) => n + p.rows, 0),
      runs,
    });
  }

  @Get('staff/privacy/retention/run')
  @Roles(['staff'])
  async confirmRun(@Page() page: PageContext) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const preview = byKind(await this.retention.preview(page.tenant));
    return confirmPage(this.views, page, {
      title: t('privacy.retention.runTitle'),
      consequences: [
        ...preview.filter((p) => p.rows).map((p) => t('privacy.retention.runLine', { kind: t(`privacy.kind.${p.kind}`), count: p.rows })),
        t('privacy.retention.runIrreversible'),
      ],
      action: '/staff/privacy/retention/run',
      confirmLabel: t('privacy.retention.runConfirm'),
      cancel: '/staff/privacy/retention',
    });
  }

  @Post('staff/privacy/retention/run')
  @HttpCode(200)
  @Roles(['staff'])
  async run(@Page() page: PageContext, @Res() res: Response) {
    await this.retention.run(page.tenant, page.principal!.userId);
    return res.redirect(303, `${page.basePath}/staff/privacy/retention?saved=run`);
  }

  private async requestView(page: PageContext, id: string, values: Record<string, unknown>, errors: Parameters<typeof errorMap>[0]) {
    const t = (key: string) => this.views.t(page.locale, key);
    const { request, held } = await this.requests.get(page.tenant, id);
    const left = daysLeft(request.dueAt, this.clock.now());
    return this.views.page('pages/privacy/request', page, {
      title: t(`privacy.queue.kind.${request.kind}`),
      request,
      open: request.status === 'open' && request.kind === 'erasure',
      late: request.status === 'open' && left < 0,
      daysLeft: left,
      lateDays: -left,
      held: heldWithLabels(held),
      counts: (request.counts ?? []).map((c) => ({ ...c })),
      values: { reason: typeof values.reason === 'string' ? values.reason : '' },
      errors: errorMap(errors),
      errorList: errors,
    });
  }
}
