import { contentFallbacks, localizedText } from '../common/i18n/localized.js';
import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Roles } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { formatInstant, ViewService } from '../common/web/view.service.js';
import { DashboardService } from './dashboard.service.js';
import { AuditLogView, rowsWith } from '../audit/audit-log.view.js';
import { AUDIT_PAGE_SIZE, auditFilterOf, pagerOf, type AuditQueryParams } from '../audit/audit-page.js';
import { barChartSvg, cumulativeChartSvg } from './domain/charts.js';
import { CSV_TABLES, isCsvTable, isCsvDialect, reportCsv, reportJson, type PublishedMeta } from './domain/open-data.js';
import type { ReportFigures } from './domain/report.js';
import { reportPdf } from './report.pdf.js';
import { FileStorage } from '../storage/file-storage.js';
import { shareVariant } from '../common/web/image-view.js';
import { openDataSchemas, schemaFileOf } from './open-data-schemas.js';
import { formatDate, formatEuros, formatNumber, formatPercent, reportView } from './report.view.js';
import type { SnapshotRow } from './reports.repository.js';
import { parseVersion, ReportsService } from './reports.service.js';
import { CSRF_COOKIE, dropCookie } from '../common/web/cookies.js';

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
    private readonly auditView: AuditLogView,
    private readonly files: FileStorage,
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
      csvTables: CSV_TABLES.map((key) => ({ key, label: `report.csv.${key}` })),
      schemaHref: `/open-data/${schemaFileOf(snapshot.figures.schemaVersion)}`,
    });
  }

  @Get('programmes/:slug/results.csv')
  @Public()
  async csv(
    @Page() page: PageContext,
    @Param('slug') slug: string,
    @Res() res: Response,
    @Query('version') version?: string,
    @Query('table') table?: string,
    @Query('sep') sep?: string,
  ) {
    const chosen = table === undefined || table === '' ? 'campaigns' : table;
    const dialect = sep === undefined || sep === '' ? 'comma' : sep;
    // An unknown table or dialect is an address that does not exist.
    if (!isCsvTable(chosen) || !isCsvDialect(dialect)) throw new DomainError('REPORT_NOT_PUBLISHED');
    const { snapshot, programme } = await this.reports.published(page.tenant, slug, parseVersion(version));
    this.cacheHeaders(res, version);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    const suffix = dialect === 'semicolon' ? '-semicolon' : '';
    res.setHeader('Content-Disposition', `attachment; filename="${programme.slug}-results-v${snapshot.version}-${chosen}${suffix}.csv"`);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.send(reportCsv(this.meta(page, snapshot), snapshot.figures, chosen, dialect));
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

  /** The JSON Schema of each schemaVersion of the report's JSON (docs/open-data/), for anyone to validate against. */
  @Get('open-data/:file')
  @Public()
  schema(@Param('file') file: string, @Res() res: Response) {
    const body = openDataSchemas().get(file);
    if (!body) throw new DomainError('REPORT_NOT_PUBLISHED');
    res.setHeader('Content-Type', 'application/schema+json; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('Access-Control-Allow-Origin', '*');
    dropCookie(res, CSRF_COOKIE);
    res.send(body);
  }

  @Get('programmes/:slug/results.pdf')
  @Public()
  async pdf(@Page() page: PageContext, @Param('slug') slug: string, @Res() res: Response, @Query('version') version?: string) {
    const { snapshot, programme } = await this.reports.published(page.tenant, slug, parseVersion(version));
    // The authority's uploaded logo on the cover: its PNG/JPEG rendition (PDF cannot hold WebP), about 400 px wide.
    const variant = shareVariant(page.tenant.logo, 400);
    const logo = variant ? await this.files.get(page.tenant.id, variant.fileId) : undefined;
    const pdf = await reportPdf(
      snapshot.figures,
      {
        tenantName: page.tenant.name,
        colour: page.tenant.primaryColor,
        version: snapshot.version,
        publishedAt: snapshot.publishedAt.toISOString(),
        publishedAtText: formatInstant(snapshot.publishedAt, page.locale, page.tenant.timeZone),
        logo: logo && variant ? { bytes: logo.bytes, width: variant.width, height: variant.height } : undefined,
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
  async dashboard(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: AuditQueryParams) {
    const f = auditFilterOf(query, page.tenant.timeZone);
    const first = await this.dashboards.dashboard(page.tenant, programmeId, { ...f.filter, limit: AUDIT_PAGE_SIZE, offset: (f.page - 1) * AUDIT_PAGE_SIZE });
    const path = `${page.basePath}/staff/programmes/${programmeId}/dashboard`;
    const pager = pagerOf(path, f, f.page, first.auditTotal);
    const d =
      pager.page === f.page
        ? first
        : await this.dashboards.dashboard(page.tenant, programmeId, { ...f.filter, limit: AUDIT_PAGE_SIZE, offset: (pager.page - 1) * AUDIT_PAGE_SIZE });
    const t = this.tr(page);
    const eur = (c: number) => formatEuros(c, page.locale);
    const num = (n: number) => formatNumber(n, page.locale);
    const funnelKeys = ['received', 'eligible', 'laureates', 'ready', 'funded'] as const;
    const funnel = funnelKeys.map((k) => ({ label: t(`dashboard.funnel.${k}`), value: num(d.funnel[k]) }));
    const base = Math.max(1, d.funnel.received);
    const funnelSvg = barChartSvg({
      id: 'dashboard-funnel',
      title: t('dashboard.funnelChartTitle'),
      desc: t('dashboard.funnelChartDesc', { received: d.funnel.received, funded: d.funnel.funded }),
      bars: funnelKeys.map((k) => ({ label: t(`dashboard.funnel.${k}`), percent: (d.funnel[k] * 100) / base, valueText: num(d.funnel[k]) })),
      colour: page.tenant.primaryColor,
      goalLabel: t('dashboard.funnelBase'),
    });
    const lastDay = d.daily[d.daily.length - 1];
    const dailySvg = lastDay
      ? cumulativeChartSvg({
          id: 'dashboard-daily',
          title: t('dashboard.collectionPerDay'),
          desc: t('report.dailyDesc', {
            from: formatDate(d.daily[0].date, page.locale),
            to: formatDate(lastDay.date, page.locale),
            total: eur(lastDay.cumulativeCents),
          }),
          points: d.daily.map((x) => ({ label: formatDate(x.date, page.locale, 'short'), value: x.cumulativeCents })),
          colour: page.tenant.primaryColor,
          formatValue: (v) => formatEuros(Math.round(v / 100) * 100, page.locale),
        })
      : null;
    const programmePath = `/staff/programmes/${programmeId}`;
    const choicesNames = await this.auditView.lookup(page, d.audit, []);
    return this.views.page('pages/reports/dashboard', page, {
      title: t('dashboard.title'),
      programme: d.programme,
      funnel,
      funnelSvg: this.views.safe(funnelSvg),
      dailySvg: dailySvg ? this.views.safe(dailySvg) : null,
      daily: d.daily.map((x) => ({
        date: formatDate(x.date, page.locale),
        ofTheDay: eur(x.citizensCents),
        contributions: num(x.contributions),
        cumulative: eur(x.cumulativeCents),
      })),
      juryHref: `${programmePath}/jury`,
      coachingHref: `${programmePath}/coaching`,
      lateJurors: d.lateJurors,
      overdue: d.overdue,
      unapproved: d.unapproved.map((u) => ({
        ...u,
        statusLabel: t(`dashboard.status.${u.status}`),
        href: u.status === 'none' ? `/staff/applications/${u.applicationId}` : `${programmePath}/campaigns`,
      })),
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
      entries: rowsWith(page, d.audit, choicesNames).map((r) => ({
        ...r.entry,
        isoAt: r.entry.at.toISOString(),
        sentence: this.views.safe(r.html),
        dataJson: r.dataJson,
      })),
      pager,
      actions: d.choices.actions.map((a) => ({ value: a, selected: a === f.filter.action })),
      actors: d.choices.actors.map((a) => ({ value: a.id, label: a.name, selected: a.id === f.filter.actor })),
      systemSelected: f.filter.actor === 'system',
      from: f.from,
      to: f.to,
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
    // Files shared caches may keep: no visitor's CSRF cookie with them.
    dropCookie(res, CSRF_COOKIE);
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
