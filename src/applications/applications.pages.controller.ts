import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UploadedFiles } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { normaliseEmail } from '../auth/domain/tokens.js';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { Public, SignedIn } from '../auth/roles.guard.js';
import { UsersRepository } from '../auth/users.repository.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { localizeProblems } from '../common/errors/validation.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { baseUrlOf, Page, type PageContext } from '../request-context/current.decorators.js';
import { errorMap } from '../common/web/forms.js';
import { contentFallbacks, localizedText } from '../common/i18n/localized.js';
import { pageErrors, type PageErrorRules } from '../common/web/page-errors.js';
import { MultipartForm } from '../common/web/multipart-form.js';
import { hasRole } from '../auth/principal.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { formatInstant, ViewService } from '../common/web/view.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import type { Application } from './application.entity.js';
import { ContactEmailService } from './contact-email.service.js';
import { ApplicationsService, type UploadedFile as Upload } from './applications.service.js';
import { ScreeningService } from './screening.service.js';
import { draftFromForm } from './applications.forms.js';
import { advisoryWarnings } from './call-rules.js';
import type { Call } from './call.entity.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The form's files: each at most this (a question's own limit is checked by the service), a few per save. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const MAX_FILES_PER_SAVE = 10;
type FormFile = Upload & { fieldname: string };

@ApiExcludeController()
@Controller()
export class ApplicationsPagesController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly contactEmails: ContactEmailService,
    private readonly screening: ScreeningService,
    private readonly programmes: ProgrammesService,
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    private readonly limiter: RateLimiter,
    private readonly tx: TransactionRunner,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- applicants ----

  @Get('programmes/:slug/apply')
  @Public()
  async applyPage(@Page() page: PageContext, @Param('slug') slug: string) {
    const { programme, call } = await this.openCall(page, slug);
    const mine = page.principal
      ? (await this.applications.mine(page.tenant.id, page.principal)).filter((a) => a.programmeId === programme.id && a.status !== 'withdrawn')
      : [];
    return this.views.page('pages/applications/apply', page, {
      title: this.views.t(page.locale, 'apply.title'),
      programme,
      call,
      mine,
      values: {},
      deadlineLocal: formatInstant(call.deadline, page.locale, page.tenant.timeZone),
      open: programme.phase === 'call_open',
    });
  }

  /** A newcomer gives an e-mail address and gets a sign-in link that brings them back here: no password. */
  @Post('programmes/:slug/apply/register')
  @HttpCode(200)
  @Public()
  async register(
    @Page() page: PageContext,
    @Param('slug') slug: string,
    @Body() body: Record<string, string>,
    @Req() req: TremplinRequest,
    @Res() res: Response,
  ) {
    const { programme, call } = await this.openCall(page, slug);
    const email = normaliseEmail(body.email ?? '');
    const name = (body.name ?? '').trim();
    const errors: FieldProblem[] = [];
    if (!EMAIL.test(email) || email.length > 254) errors.push({ field: 'email', message: this.views.t(page.locale, 'apply.badEmail') });
    if (!name || name.length > 120) errors.push({ field: 'name', message: this.views.t(page.locale, 'apply.badName') });
    if (errors.length) {
      return res.status(400).send(
        this.views.page('pages/applications/apply', page, {
          title: this.views.t(page.locale, 'apply.title'),
          programme,
          call,
          mine: [],
          values: body,
          errors: errorMap(errors),
          errorList: errors,
          deadlineLocal: formatInstant(call.deadline, page.locale, page.tenant.timeZone),
          open: programme.phase === 'call_open',
        }),
      );
    }
    await this.limiter.hit(`sign-in:ip:${req.ip ?? 'unknown'}`, this.config.signInRateLimit * 5, 15 * 60);
    await this.limiter.hit(`sign-in:email:${page.tenant.id}:${email}`, this.config.signInRateLimit, 15 * 60);
    await this.tx.run(async (em) => {
      const user = await this.users.upsert(em, page.tenant.id, email, name, page.locale);
      await this.auth.issueLink(em, page.tenant, user, baseUrlOf(req), 'sign-in-link', `/programmes/${slug}/apply`, page.locale);
    });
    return res.send(this.views.page('pages/auth/link-sent', page, { title: this.views.t(page.locale, 'signIn.linkSentTitle'), email }));
  }

  @Post('programmes/:slug/apply')
  @HttpCode(200)
  @SignedIn()
  async start(@Page() page: PageContext, @Param('slug') slug: string, @Res() res: Response) {
    const { programme } = await this.openCall(page, slug);
    try {
      const app = await this.applications.start(page.tenant, programme.id, page.principal!, { locale: page.locale });
      return res.redirect(303, `${page.basePath}/applications/${app.id}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'ONE_APPLICATION_PER_APPLICANT' && err.details.applicationId) {
        return res.redirect(303, `${page.basePath}/applications/${err.details.applicationId as string}`);
      }
      throw err;
    }
  }

  @Get('applications')
  @SignedIn()
  async mine(@Page() page: PageContext) {
    const apps = await this.applications.mine(page.tenant.id, page.principal!);
    const programmes = new Map((await this.programmes.list(page.tenant.id)).map((p) => [p.id, p]));
    return this.views.page('pages/applications/mine', page, {
      title: this.views.t(page.locale, 'apply.mine'),
      applications: apps.map((a) => ({ ...a, programme: programmes.get(a.programmeId) })),
    });
  }

  @Get('applications/:id')
  @SignedIn()
  async form(@Page() page: PageContext, @Param('id') id: string, @Query('saved') saved?: string, @Query('files') files?: string) {
    const app = await this.applications.view(page.tenant, id, page.principal!);
    if (app.applicantUserId !== page.principal!.userId) throw new DomainError('NOT_FOUND');
    const savedFiles = saved === 'file' ? Math.min(Math.max(Number.parseInt(files ?? '1', 10) || 1, 1), MAX_FILES_PER_SAVE) : undefined;
    return this.renderForm(page, app, { saved: saved === '1', savedFiles });
  }

  /** Opening the link only shows what it confirms (mail scanners follow links); the button confirms. */
  @Get('applications/contact-email/:token')
  @Public()
  async contactEmail(@Page() page: PageContext, @Param('token') token: string) {
    const link = await this.contactEmails.link(page.tenant, token);
    return this.views.page('pages/applications/contact-email', page, {
      title: this.views.t(page.locale, 'contactEmail.title'),
      token,
      email: link.email,
      applicationTitle: link.title || this.views.t(page.locale, 'apply.untitled'),
      applicationTitleLang: link.title ? link.locale : null,
    });
  }

  @Post('applications/contact-email/:token')
  @HttpCode(200)
  @Public()
  async confirmContactEmail(@Page() page: PageContext, @Param('token') token: string) {
    const { email } = await this.contactEmails.confirm(page.tenant, token);
    return this.views.page('pages/applications/contact-email', page, { title: this.views.t(page.locale, 'contactEmail.doneTitle'), done: true, email });
  }

  /**
   * The whole draft is one form, sent as multipart: its text and the files chosen for its file
   * questions. "Joindre" (`action=attach:<key>`) saves the text typed so far, then stores the file, so
   * that nothing typed is lost; "Déposer" saves, stores the files, then submits.
   */
  @Post('applications/:id')
  @HttpCode(200)
  @SignedIn()
  @MultipartForm({ maxBytes: MAX_UPLOAD_BYTES, files: MAX_FILES_PER_SAVE })
  async save(
    @Page() page: PageContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @UploadedFiles() uploaded: FormFile[] | undefined,
    @Res() res: Response,
  ) {
    const app = await this.applications.view(page.tenant, id, page.principal!);
    const call = await this.applications.getCall(page.tenant.id, app.programmeId);
    const { draft, problems } = draftFromForm(call, body);
    const action = typeof body.action === 'string' ? body.action : 'save';
    const attachKey = action.startsWith('attach:') ? action.slice('attach:'.length) : undefined;
    const files = (uploaded ?? []).filter((f) => f.fieldname.startsWith('file_')).map((file) => ({ key: file.fieldname.slice('file_'.length), file }));
    let textSaved = false;
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderForm(page, app, { errors: errorMap(errors), errorList: errors, typed: body, saved: textSaved }));
    const onPage = (err: unknown) => pageErrors(this.errors, err, this.formErrorRules(page));
    try {
      const errors: FieldProblem[] = [...problems];
      if (!problems.length) {
        await this.applications.saveDraft(page.tenant, id, page.principal!, draft, page.locale);
        textSaved = true;
      }
      // A file is kept even when the text has a problem to fix: choosing it again would be a chore.
      for (const { key, file } of files) {
        try {
          await this.applications.upload(page.tenant, id, page.principal!, key, file, page.locale);
        } catch (err) {
          errors.push(...onPage(err).errorList);
        }
      }
      if (attachKey && !files.some((f) => f.key === attachKey))
        errors.push({ field: `answers.${attachKey}`, message: this.views.t(page.locale, 'apply.noFile') });
      if (errors.length) return again(400, errors);
      if (action === 'submit') {
        await this.applications.submit(page.tenant, id, page.principal!, page.locale, {
          authorityNews: body.consentAuthorityNews === 'yes',
          partnerContact: body.consentPartnerContact === 'yes',
        });
        return res.redirect(303, `${page.basePath}/applications/${id}/receipt`);
      }
      const at = attachKey ?? files[0]?.key;
      return res.redirect(303, `${page.basePath}/applications/${id}?saved=${files.length ? `file&files=${files.length}#field-answers.${at}` : '1'}`);
    } catch (err) {
      const problem = onPage(err);
      return again(problem.status, problem.errorList);
    }
  }

  /** One file for one question (the form's "Joindre" buttons post the whole form instead, see save()). */
  @Post('applications/:id/files/:questionKey')
  @HttpCode(200)
  @SignedIn()
  @MultipartForm({ maxBytes: MAX_UPLOAD_BYTES, files: 1 })
  async upload(
    @Page() page: PageContext,
    @Param('id') id: string,
    @Param('questionKey') key: string,
    @UploadedFiles() uploaded: FormFile[] | undefined,
    @Res() res: Response,
  ) {
    const app = await this.applications.view(page.tenant, id, page.principal!);
    const file = uploaded?.find((f) => f.fieldname === 'file');
    const fail = async (errors: FieldProblem[]) => res.status(400).send(await this.renderForm(page, app, { errors: errorMap(errors), errorList: errors }));
    if (!file) return fail([{ field: `answers.${key}`, message: this.views.t(page.locale, 'apply.noFile') }]);
    try {
      await this.applications.upload(page.tenant, id, page.principal!, key, file, page.locale);
      return res.redirect(303, `${page.basePath}/applications/${id}?saved=file&files=1#field-answers.${key}`);
    } catch (err) {
      return fail(pageErrors(this.errors, err, this.formErrorRules(page)).errorList);
    }
  }

  @Post('applications/:id/withdraw')
  @HttpCode(200)
  @SignedIn()
  async withdraw(@Page() page: PageContext, @Param('id') id: string, @Res() res: Response) {
    await this.applications.withdraw(page.tenant, id, page.principal!);
    return res.redirect(303, `${page.basePath}/applications`);
  }

  @Get('applications/:id/receipt')
  @SignedIn()
  async receipt(@Page() page: PageContext, @Param('id') id: string, @Query('print') print?: string) {
    const app = await this.applications.view(page.tenant, id, page.principal!);
    if (app.status !== 'submitted') throw new DomainError('NOT_FOUND');
    const call = await this.applications.getCall(page.tenant.id, app.programmeId);
    // `?print=1`: the same receipt without the site's navigation, to print or save as PDF without JavaScript.
    return this.views.page('pages/applications/receipt', page, {
      title: `${this.views.t(page.locale, 'apply.receiptTitle')} ${app.receiptNumber ?? ''}`.trim(),
      application: app,
      warnings: await this.warnings(page, call, app),
      programme: await this.programmes.get(page.tenant.id, app.programmeId),
      printView: print === '1',
      rows: this.applications.answerRows(call, app, page.locale, contentFallbacks(page.tenant)),
    });
  }
  // ---- rendering ----

  private async openCall(page: PageContext, slug: string) {
    const programme = await this.programmes.getBySlug(page.tenant.id, slug);
    if (programme.phase === 'draft' && !hasRole(page.principal, ['staff', 'platform_admin'])) throw new DomainError('NOT_FOUND');
    const call = await this.applications.findCall(page.tenant.id, programme.id);
    if (!call) throw new DomainError('NOT_FOUND');
    return { programme, call };
  }

  /** The advisory rules the application fails: it may be submitted, and the applicant knows why staff may refuse it. */
  private async warnings(page: PageContext, call: Call, app: Application) {
    return advisoryWarnings(await this.applications.eligibility(page.tenant, call, app), page.locale, contentFallbacks(page.tenant));
  }

  /** The call closed or the application moved on meanwhile: said at the top, in the form's own words. */
  private formErrorRules(page: PageContext): PageErrorRules {
    return {
      locale: page.locale,
      fields: { CALL_CLOSED: 'title', APPLICATION_ALREADY_SUBMITTED: 'title', APPLICATION_WITHDRAWN: 'title' },
      message: (e) => this.views.t(page.locale, `apply.error.${e.code}`, e.details),
      fieldProblem: (e) => ({ ...e, message: this.fieldMessage(page, e) }),
    };
  }

  /** English messages from the domain are shown in the page's language where we have the words. */
  private fieldMessage(page: PageContext, e: FieldProblem): string {
    const key = `apply.msg.${e.message}`;
    return this.views.translations.has(key) ? this.views.t(page.locale, key) : e.message;
  }

  private async renderForm(
    page: PageContext,
    app: Application,
    extra: { errors?: Record<string, string>; errorList?: FieldProblem[]; typed?: Record<string, unknown>; saved?: boolean; savedFiles?: number } = {},
  ) {
    const call = await this.applications.getCall(page.tenant.id, app.programmeId);
    const programme = await this.programmes.get(page.tenant.id, app.programmeId);
    const files = new Map((await this.applications.filesOf(page.tenant, app)).map((f) => [f.id, f]));
    const missing = app.status === 'draft' && !extra.errorList ? await this.applications.missing(page.tenant, app, page.locale) : [];
    const warnings = await this.warnings(page, call, app);
    const typed = extra.typed;
    const value = (k: string, stored: unknown) => (typed ? typed[k] : stored);
    const editable = app.status !== 'withdrawn' && (programme.phase === 'call_open' || (!!app.correctionUntil && app.correctionUntil > new Date()));
    const questionLabel = (field: string) => {
      const q = call.form.find((x) => `answers.${x.key}` === field);
      return q ? localizedText(q.label, page.locale, contentFallbacks(page.tenant)) || q.key : undefined;
    };
    // A question's error next to it, by the question's label when the message names its field.
    const fieldError = (field: string) => {
      const problem = extra.errorList?.find((e) => e.field === field && e.key);
      return problem ? localizeProblems([problem], page.locale, questionLabel)[0].message : extra.errors?.[field];
    };
    const questions = call.form.map((q) => {
      const stored = app.answers[q.key];
      const v = typed ? typed[`q_${q.key}`] : stored;
      const list = Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)];
      return {
        ...q,
        name: `q_${q.key}`,
        field: `answers.${q.key}`,
        error: fieldError(`answers.${q.key}`),
        value: v === undefined || v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v),
        options: (q.options ?? []).map((o) => ({ key: o.key, label: o.label, checked: list.includes(o.key) })),
        isText: q.kind === 'short_text' || q.kind === 'url' || q.kind === 'number',
        isLong: q.kind === 'long_text',
        isChoice: q.kind === 'single_choice',
        isMulti: q.kind === 'multiple_choice',
        isYesNo: q.kind === 'yes_no',
        isFile: q.kind === 'file',
        // In the applicant's form, a file question has its file input and its own "Joindre" button.
        uploadable: q.kind === 'file',
        acceptTypes: q.kind === 'file' ? (q.accept?.[0] === 'pdf' && q.accept.length === 1 ? 'application/pdf' : 'application/pdf,image/*') : undefined,
        inputType: q.kind === 'url' ? 'url' : q.kind === 'number' ? 'text' : 'text',
        inputMode: q.kind === 'number' ? 'decimal' : undefined,
        // A text answer is written in the application's language, which the field is marked with.
        valueLang: q.kind === 'short_text' || q.kind === 'long_text' ? app.locale : undefined,
        file: typeof stored === 'string' ? files.get(stored) : undefined,
      };
    });
    const labelOf = (field: string) => {
      const q = call.form.find((x) => `answers.${x.key}` === field);
      if (q) return localizedText(q.label, page.locale, contentFallbacks(page.tenant));
      return this.views.translations.has(`field.${field}`) ? this.views.t(page.locale, `field.${field}`) : field;
    };
    // The summary names the field with each message, so that it reads on its own.
    // Messages from the catalogue name their field already (here by the question's own label).
    const errorList = extra.errorList?.map((e) =>
      e.key ? localizeProblems([e], page.locale, questionLabel)[0] : { ...e, message: `${labelOf(e.field)} : ${e.message}` },
    );
    return this.views.page('pages/applications/form', page, {
      title: app.title || this.views.t(page.locale, 'apply.untitled'),
      application: app,
      programme,
      call,
      questions,
      editable,
      ...extra,
      errorList,
      missing: missing.map((m) => ({ ...m, label: labelOf(m.field), message: this.fieldMessage(page, m) })),
      warnings: warnings.map((w) => ({ ...w, label: labelOf(w.field) })),
      deadlineLocal: formatInstant(call.deadline, page.locale, page.tenant.timeZone),
      correctionUntilLocal: app.correctionUntil ? formatInstant(app.correctionUntil, page.locale, page.tenant.timeZone) : undefined,
      categories: call.categories.map((c) => ({
        key: c.key,
        label: c.label,
        selected: value('category', app.category) === c.key,
      })),
      values: {
        title: value('title', app.title),
        summary: value('summary', app.summary),
        commune: value('commune', app.commune),
        postcode: value('postcode', app.postcode),
        applicantName: value('applicantName', app.applicantName),
        organisation: value('organisation', app.organisation),
        email: value('email', app.email),
        phone: value('phone', app.phone),
        consent: typed ? typed.consent === 'yes' : app.consent,
        consentAuthorityNews: typed?.consentAuthorityNews === 'yes',
        consentPartnerContact: typed?.consentPartnerContact === 'yes',
        goalEuros: typed ? typed.goalEuros : app.goalCents === null ? '' : String(app.goalCents / 100),
      },
      goalMin: call.goalMinCents / 100,
      goalMax: call.goalMaxCents / 100,
      pendingEmail: await this.contactEmails.pending(page.tenant, app),
    });
  }
}
