import { contentFallbacks, localizedText } from '../common/i18n/localized.js';
import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Roles } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { formatInstant, ViewService } from '../common/web/view.service.js';
import { DashboardService } from './dashboard.service.js';
import { isCsvTable, reportCsv, reportJson, type PublishedMeta } from './domain/open-data.js';
import type { ReportFigures } from './domain/report.js';
import { reportPdf } from './report.pdf.js';
import { formatEuros, formatNumber, formatPercent, reportView } from './report.view.js';
import type { SnapshotRow } from './reports.repository.js';
import { parseVersion, ReportsService } from './reports.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

/**
 * The results report as people read it: the public page of a published version and its downloads
 * (CSV, JSON, PDF), the staff preview with the publish form, and the authority's dashboard.
 */
@ApiExcludeController()
@Controller()
export class ReportsPagesController {
  constructor(
    private readonly reports: ReportsService,
    private readonly dashboards: DashboardService,
    private readonly views: ViewService,
  ) {}

  // ---- public ----

  @Get('programmes/:slug/results')
  @Public()
  async results(@Page() page: PageContext, @Param('slug') slug: string, @Query('version') version?: string) {
    const { programme, snapshot, versions } = await this.reports.published(page.tenant, slug, parseVersion(version));
    const t = this.tr(page);
    const title = t('report.resultsOf', { title: localizedText(programme.title, page.locale, contentFallbacks(page.tenant)) });
    const latest = versions[0]?.version;
    return this.views.page('pages/reports/results', page, {
      title,
      programme,
      version: snapshot.version,
      isLatest: snapshot.version === latest,
      publishedAt: snapshot.publishedAt,
      figuresHtml: this.figuresHtml(page, snapshot.figures, 'public'),
      versions: versions.map((v) => ({
        version: v.version,
        publishedAt: v.publishedAt,
        current: v.version === snapshot.version,
        latest: v.version === latest,
      })),
      download: `/programmes/${programme.slug}/results`,
      versionQuery: `?version=${snapshot.version}`,
    });
  }

  @Get('programmes/:slug/results.csv')
  @Public()
  async csv(@Page() page: PageContext, @Param('slug') slug: string, @Res() res: Response, @Query('version') version?: string, @Query('table') table?: string) {
    const chosen = table === undefined || table === '' ? 'campaigns' : table;
    if (!isCsvTable(chosen)) throw new DomainError('REPORT_NOT_PUBLISHED');
    const { snapshot, programme } = await this.reports.published(page.tenant, slug, parseVersion(version));
    this.cacheHeaders(res, version);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${programme.slug}-results-v${snapshot.version}-${chosen}.csv"`);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.send(reportCsv(this.meta(page, snapshot), snapshot.figures, chosen));
  }

  @Get('programmes/:slug/results.json')
  @Public()
  async json(@Page() page: PageContext, @Param('slug') slug: string, @Res() res: Response, @Query('version') version?: string) {
    const { snapshot } = await this.reports.published(page.tenant, slug, parseVersion(version));
    this.cacheHeaders(res, version);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.send(JSON.stringify(reportJson(this.meta(page, snapshot), snapshot.figures), null, 2));
  }

  @Get('programmes/:slug/results.pdf')
  @Public()
  async pdf(@Page() page: PageContext, @Param('slug') slug: string, @Res() res: Response, @Query('version') version?: string) {
    const { snapshot, programme } = await this.reports.published(page.tenant, slug, parseVersion(version));
    const pdf = await reportPdf(
      snapshot.figures,
      {
        tenantName: page.tenant.name,
        colour: page.tenant.primaryColor,
        version: snapshot.version,
        publishedAt: snapshot.publishedAt.toISOString(),
        publishedAtText: formatInstant(snapshot.publishedAt, page.locale, page.tenant.timeZone),
      },
      page.locale,
      this.tr(page),
    );
    this.cacheHeaders(res, version);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${programme.slug}-results-v${snapshot.version}-${page.locale}.pdf"`);
    res.send(pdf);
  }

  // ---- staff ----

  @Get('staff/programmes/:programmeId/report')
  @Roles(['staff'])
  async staff(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query('published') published?: string) {
    const { programme, figures } = await this.reports.preview(page.tenant, programmeId);
    const versions = await this.reports.versions(page.tenant, programmeId);
    const t = this.tr(page);
    return this.views.page('pages/reports/staff', page, {
      title: t('report.staffTitle'),
      programme,
      versions,
      published: parseVersion(published) ?? null,
      windowOver: !figures.window.closesAt || new Date(figures.window.closesAt) <= new Date(figures.generatedAt),
      generatedAt: figures.generatedAt,
      figuresHtml: this.figuresHtml(page, figures, 'preview'),
    });
  }

  /** The confirmation step of publishing a report version (the confirm form posts to report). */
  @Get('staff/programmes/:programmeId/report/publish/confirm')
  @Roles(['staff'])
  async confirmPublish(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    const t = this.tr(page);
    const versions = await this.reports.versions(page.tenant, programmeId);
    return confirmPage(this.views, page, {
      title: t('confirm.report.title'),
      consequences: [t('confirm.report.public', { version: versions.length + 1 }), t('confirm.report.kept', { count: versions.length })],
      action: `/staff/programmes/${programmeId}/report`,
      confirmLabel: t('report.publish'),
      cancel: `/staff/programmes/${programmeId}/report`,
    });
  }

  @Post('staff/programmes/:programmeId/report')
  @HttpCode(200)
  @Roles(['staff'])
  async publish(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Res() res: Response) {
    const s = await this.reports.publish(page.tenant, programmeId, page.principal!.userId);
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/report?published=${s.version}`);
  }

  @Get('staff/programmes/:programmeId/dashboard')
  @Roles(['staff'])
  async dashboard(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Query('action') action?: string,
    @Query('actor') actor?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    const tz = page.tenant.timeZone;
    // Filters that do not parse are ignored (and shown empty) rather than refused: it is a read-only view.
    const filter = {
      action: typeof action === 'string' && action && action.length <= 100 ? action : undefined,
      actor: typeof actor === 'string' && (actor === 'system' || UUID.test(actor)) ? actor : undefined,
      from: typeof from === 'string' && DATE.test(from) ? zonedWallTimeToInstant(`${from}T00:00`, tz) : undefined,
      to: typeof to === 'string' && DATE.test(to) ? zonedWallTimeToInstant(`${to}T00:00`, tz) : undefined,
    };
    if (filter.to) filter.to = new Date(filter.to.getTime() + DAY); // the "to" day is included
    const d = await this.dashboards.dashboard(page.tenant, programmeId, filter);
    const t = this.tr(page);
    const eur = (c: number) => formatEuros(c, page.locale);
    const num = (n: number) => formatNumber(n, page.locale);
    const funnel = (['received', 'eligible', 'laureates', 'ready', 'funded'] as const).map((k) => ({
      label: t(`dashboard.funnel.${k}`),
      value: num(d.funnel[k]),
    }));
    return this.views.page('pages/reports/dashboard', page, {
      title: t('dashboard.title'),
      programme: d.programme,
      funnel,
      lateJurors: d.lateJurors,
      overdue: d.overdue,
      unapproved: d.unapproved.map((u) => ({ ...u, statusLabel: t(`dashboard.status.${u.status}`) })),
      nothingLate: !d.lateJurors.length && !d.overdue.length && !d.unapproved.length,
      windowOpen: d.windowOpen,
      collection: d.collection.map((c) => ({
        ...c,
        statusLabel: t(`dashboard.status.${c.status}`),
        goal: eur(c.goalCents),
        collected: eur(c.collectedCents),
        matched: eur(c.matchedCents),
        total: eur(c.totalCents),
        percent: formatPercent(c.percentOfGoal, page.locale),
        contributors: num(c.contributorCount),
        views: num(c.pageViews),
      })),
      totals: {
        goal: eur(d.totals.goalCents),
        collected: eur(d.totals.collectedCents),
        matched: eur(d.totals.matchedCents),
        total: eur(d.totals.totalCents),
        views: num(d.totals.pageViews),
      },
      audit: d.audit.map((e) => ({
        ...e,
        actorLabel: e.actorUserId ? (e.actorName ?? e.actorUserId) : t('dashboard.system'),
        dataJson: JSON.stringify(e.data),
      })),
      actions: d.choices.actions.map((a) => ({ value: a, selected: a === filter.action })),
      actors: d.choices.actors.map((a) => ({ value: a.id, label: a.name, selected: a.id === filter.actor })),
      systemSelected: filter.actor === 'system',
      from: filter.from ? from : '',
      to: filter.to ? to : '',
    });
  }

  // ---- helpers ----

  private tr(page: PageContext) {
    return (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
  }

  private meta(page: PageContext, s: SnapshotRow): PublishedMeta {
    return { version: s.version, publishedAt: s.publishedAt.toISOString(), tenant: { slug: page.tenant.slug, name: page.tenant.name } };
  }

  /** A given version never changes: it may be cached for good. The latest moves when a new one is published. */
  private cacheHeaders(res: Response, version: string | undefined): void {
    res.setHeader('Cache-Control', version ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
  }

  /** The figures, charts and tables: one template shared by the public page and the staff preview. */
  private figuresHtml(page: PageContext, figures: ReportFigures, idPrefix: string) {
    const v = reportView(figures, page.locale, this.tr(page), { colour: page.tenant.primaryColor, idPrefix, titlesLang: page.tenant.defaultLocale });
    const html = this.views.render('pages/reports/figures', page.tenant.slug, {
      locale: page.locale,
      tenant: page.tenant,
      basePath: page.basePath,
      idPrefix,
      ...v,
      // Our own markup, every text in it escaped by the chart functions.
      barSvg: v.barSvg ? this.views.safe(v.barSvg) : null,
      lineSvg: v.lineSvg ? this.views.safe(v.lineSvg) : null,
    })!;
    return this.views.safe(html);
  }
}
