import { confirmPage } from '../common/web/confirm-page.js';
import { checkForm } from '../common/web/forms.js';
import { languageFields, localizedFromForm } from '../common/web/language-fields.js';
import { ContactDto, PartnerDto } from './dto/partners.dto.js';
import { Body, Controller, Get, HttpCode, Param, Post, Res, UploadedFile } from '@nestjs/common';
import { FileUploadForm } from '../storage/file-transfer.js';
import { PARTNER_LOGO_RULES } from '../storage/image-rules.js';
import type { UploadedImageFile } from '../storage/images.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { fieldProblem, DomainError } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { attemptOnPage, onOneField } from '../common/web/page-errors.js';
import { eurosToCents } from '../common/web/money.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { ViewService } from '../common/web/view.service.js';
import { DEFAULT_WEIGHTS, type ScoreTerm } from './domain/scoring.js';
import { MatchingService } from './matching.service.js';
import { PartnersService } from './partners.service.js';

type Body_ = Record<string, string | string[] | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const num = (v: unknown) => Number(str(v).replace(',', '.'));
const round = (n: number) => Math.round(n * 1000) / 1000;

function termsModel(terms: ScoreTerm[]) {
  return terms.map((x) => ({
    ...x,
    key: `partners.term.${x.name}`,
    raw: round(x.raw),
    contribution: round(x.contribution),
    shared: x.detail?.shared?.join(', ') ?? '',
    rank: x.detail?.rank ?? null,
  }));
}

/** The partner's page, the laureate's needs page and the staff matching page; no JavaScript needed. */
@ApiExcludeController()
@Controller()
export class PartnersPagesController {
  constructor(
    private readonly partners: PartnersService,
    private readonly matchings: MatchingService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
  ) {}

  /** Runs a change; a domain error becomes a message on the page (in its language) instead of an error page. */
  private attempt(page: PageContext, field: string, work: () => Promise<unknown>) {
    return attemptOnPage(this.errors, onOneField(page.locale, field), work);
  }

  @Get('partners/programmes/:programmeId')
  @Roles(['partner'], 'programmeId')
  async partnerPage(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    const m = await this.partners.mine(page.tenant, programmeId, page.principal!);
    return this.views.page('pages/partners/partner', page, {
      title: this.views.t(page.locale, 'partners.partnerTitle'),
      programme: m.programme,
      partner: m.partner,
      confirmed: m.confirmed,
      laureates: m.laureates.map((l) => ({
        ...l,
        terms: termsModel(l.terms),
        milestones: l.milestones.map((x) => ({ ...x, statusKey: `coaching.status.${x.status}` })),
      })),
    });
  }

  @Get('partners/programmes/:programmeId/needs')
  @Roles(['applicant'], 'programmeId')
  async needsPage(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    return this.renderNeeds(page, programmeId);
  }

  @Post('partners/programmes/:programmeId/needs')
  @HttpCode(200)
  @Roles(['applicant'], 'programmeId')
  async saveNeeds(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    const needs = str(body.needs)
      .split(/[,;\n]+/)
      .map((x) => x.trim())
      .filter(Boolean)
      .slice(0, 30);
    const preferences = Array.isArray(body.preference) ? body.preference.map(String) : body.preference ? [String(body.preference)] : [];
    const problem = await this.attempt(page, 'needs', () => this.partners.setNeeds(page.tenant, programmeId, page.principal!, needs, preferences));
    if (problem) return res.status(problem.status).send(await this.renderNeeds(page, programmeId, { errorList: problem.errorList }));
    return res.redirect(303, `${page.basePath}/partners/programmes/${programmeId}/needs?saved=1`);
  }

  @Get('staff/programmes/:programmeId/matching')
  @Roles(['staff'])
  async matchingPage(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    return this.renderMatching(page, programmeId);
  }

  /** The confirmation step of confirming the matching (the confirm form posts to matching/confirm). */
  @Get('staff/programmes/:programmeId/matching/confirm/confirm')
  @Roles(['staff'])
  async confirmStep(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const m = (await this.matchings.matching(page.tenant, programmeId)).matching;
    const pairs = m.result?.pairs ?? [];
    return confirmPage(this.views, page, {
      title: t('confirm.matching.title'),
      consequences: [
        t('confirm.matching.pairs', { count: pairs.length, partners: new Set(pairs.map((x) => x.partnerId)).size }),
        t('confirm.matching.unmatched', { count: (m.result?.unmatched ?? []).length }),
      ],
      action: `/staff/programmes/${programmeId}/matching/confirm`,
      confirmLabel: t('partners.confirm'),
      cancel: `/staff/programmes/${programmeId}/matching`,
    });
  }

  /** A partner's logo, as a file (multipart, CSRF token in the query like every upload form). */
  @Post('staff/programmes/:programmeId/partners/logo')
  @HttpCode(200)
  @Roles(['staff'])
  @FileUploadForm('logo', PARTNER_LOGO_RULES.maxBytes * 2)
  async uploadLogo(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @UploadedFile() file: UploadedImageFile | undefined,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const problem = await this.attempt(page, 'logo', () => this.partners.setLogo(page.tenant, programmeId, str(body?.partnerId), file, page.principal!.userId));
    if (problem) return res.status(problem.status).send(await this.renderMatching(page, programmeId, { errorList: problem.errorList, errors: problem.errors }));
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/matching?saved=logo#partners-title`);
  }

  @Post('staff/programmes/:programmeId/partners/:partnerId/logo/remove')
  @HttpCode(200)
  @Roles(['staff'])
  async removeLogo(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('partnerId') partnerId: string, @Res() res: Response) {
    await this.partners.removeLogo(page.tenant, programmeId, partnerId, page.principal!.userId);
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/matching?saved=logo#partners-title`);
  }

  @Post('staff/programmes/:programmeId/matching/:action')
  @HttpCode(200)
  @Roles(['staff'])
  async act(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('action') action: string, @Body() body: Body_, @Res() res: Response) {
    const actor = page.principal!.userId;
    const rule = str(body.rule);
    const run: Record<string, () => Promise<unknown>> = {
      run: () => this.matchings.run(page.tenant, programmeId, actor),
      confirm: () => this.matchings.confirm(page.tenant, programmeId, actor),
      pair: () =>
        this.matchings.setPair(
          page.tenant,
          programmeId,
          { laureateId: str(body.laureateId), partnerId: str(body.partnerId) },
          rule === 'lock' || rule === 'forbid' ? rule : 'none',
          actor,
        ),
      partner: () => {
        const list = (v: unknown) =>
          str(v)
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
        const euros = str(body.matchFundingEuros);
        const form = checkForm(PartnerDto, {
          name: str(body.name),
          description: localizedFromForm(body as Record<string, unknown>, 'description', page.tenant.languages),
          logoUrl: str(body.logoUrl) || undefined,
          expertise: list(body.expertise),
          themes: list(body.themes),
          capacity: str(body.capacity) ? num(body.capacity) : 1,
          matchFundingCents: euros ? (eurosToCents(euros) ?? Number.NaN) : null, // NaN: the DTO's field error
        });
        if (!form.ok) throw new DomainError('VALIDATION_FAILED', {}, form.errors);
        return this.partners.create(page.tenant, programmeId, form.value, actor);
      },
      contact: () => {
        const form = checkForm(ContactDto, { email: str(body.email), displayName: str(body.displayName) });
        if (!form.ok) throw new DomainError('VALIDATION_FAILED', {}, form.errors);
        return this.partners.addContact(page.tenant, programmeId, str(body.partnerId), form.value, actor);
      },
      settings: () => {
        const weights = {
          needOverlap: num(body.needOverlap),
          themeMatch: num(body.themeMatch),
          laureatePreference: num(body.laureatePreference),
          partnerPreference: num(body.partnerPreference),
        };
        const bad = Object.entries(weights)
          .filter(([, v]) => !Number.isFinite(v) || v < 0 || v > 100)
          .map(([k]) =>
            fieldProblem('weights', 'validation.weightRange', {
              weight: { key: `partners.term.${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}` },
              min: 0,
              max: 100,
            }),
          );
        if (bad.length) throw new DomainError('VALIDATION_FAILED', {}, bad);
        return this.matchings.saveSettings(page.tenant, programmeId, { weights }, actor);
      },
    };
    if (!run[action]) throw new DomainError('NOT_FOUND');
    const problem = await this.attempt(page, action === 'settings' ? 'weights' : 'actions', run[action]);
    if (problem) return res.status(problem.status).send(await this.renderMatching(page, programmeId, { errorList: problem.errorList }));
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/matching?saved=${action}`);
  }

  private async renderNeeds(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const n = await this.partners.myNeeds(page.tenant, programmeId, page.principal!);
    return this.views.page('pages/partners/needs', page, {
      title: this.views.t(page.locale, 'partners.needsTitle'),
      programme: n.programme,
      laureateTitle: n.title,
      laureateTitleLang: n.titleLang,
      needs: n.needs.join(', '),
      partners: n.partners.map((p) => ({ ...p, preferred: n.preferences.includes(p.id), expertiseText: p.expertise.join(', ') })),
      sponsors: n.sponsors,
      ...extra,
    });
  }

  private async renderMatching(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const s = await this.matchings.matching(page.tenant, programmeId);
    const m = s.matching;
    const title = new Map(s.laureates.map((l) => [l.applicationId, l.title]));
    const lang = new Map(s.laureates.map((l) => [l.applicationId, l.locale]));
    const name = new Map(s.partners.map((p) => [p.id, p.name]));
    // A laureate withdrawn after the matching leaves it: their pairs stay stored (history), not shown.
    const forbidden = m.forbidden
      .filter((f) => title.has(f.laureateId))
      .map((f) => ({
        ...f,
        laureate: title.get(f.laureateId) ?? f.laureateId,
        laureateLang: lang.get(f.laureateId),
        partner: name.get(f.partnerId) ?? f.partnerId,
      }));
    return this.views.page('pages/partners/matching', page, {
      title: this.views.t(page.locale, 'partners.matchingTitle'),
      programme: s.programme,
      status: m.status,
      draft: m.status === 'draft',
      stale: s.stale,
      runAt: m.runAt,
      weights: m.weights ?? DEFAULT_WEIGHTS,
      laureates: s.laureates,
      partners: s.partners,
      forbidden,
      pairs: (m.result?.pairs ?? [])
        .filter((p) => title.has(p.laureateId))
        .map((p) => ({
          ...p,
          laureate: title.get(p.laureateId) ?? p.laureateId,
          laureateLang: lang.get(p.laureateId),
          partner: name.get(p.partnerId) ?? p.partnerId,
          terms: termsModel(p.terms),
        })),
      unmatched: (m.result?.unmatched ?? []).map((u) => ({
        ...u,
        laureate: title.get(u.laureateId) ?? u.laureateId,
        laureateLang: lang.get(u.laureateId),
        reasonKey: `partners.unmatched.${u.reason}`,
      })),
      totalScore: m.result?.totalScore ?? null,
      descriptionFields: languageFields('description', undefined, undefined, page.tenant),
      ...extra,
    });
  }
}
