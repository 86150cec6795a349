import { cleanLocalized, contentFallbacks, localizedText, type Locale, type Localized } from '../common/i18n/localized.js';
import { sharedTranslations } from '../common/web/i18n.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { formatInstant, formatMoney } from '../common/web/view.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { storedFileName } from '../storage/file-names.js';
import { FileStorage, type StoredFileInfo } from '../storage/file-storage.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { normaliseEmail } from '../auth/domain/tokens.js';
import type { Application } from './application.entity.js';
import { ApplicationsRepository } from './applications.repository.js';
import type { Call } from './call.entity.js';
import { ContactEmailService } from './contact-email.service.js';
import { assertCanEdit, assertCanSubmit, assertCanWithdraw, receiptNumber, type CallWindow } from './domain/application-state.js';
import type { RuleResult } from './domain/eligibility.js';
import { blockingProblems, evaluateCallRules, modesFromDto, rulesFromDto, rulesProblems } from './call-rules.js';
import { sniffFileType } from './domain/file-sniffing.js';
import { checkFormChange, checkFormDefinition, cleanForm, DEFAULT_FILE_BYTES, validateAnswers, type Answers, type Question } from './domain/form.js';
import type { ApplicationDraftDto } from './dto/application.dto.js';
import type { CallDto } from './dto/call.dto.js';
import { SubmissionPrivacy, type OptionalConsents } from '../privacy/submission-privacy.service.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

@Injectable()
export class ApplicationsService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly files: FileStorage,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly contactEmails: ContactEmailService,
    private readonly privacy: SubmissionPrivacy,
  ) {}

  // ---- the call -------------------------------------------------------------------------------

  async getCall(tenantId: string, programmeId: string): Promise<Call> {
    const call = await this.applications.call(tenantId, programmeId);
    if (!call) throw new DomainError('NOT_FOUND');
    return call;
  }

  findCall(tenantId: string, programmeId: string): Promise<Call | null> {
    return this.applications.call(tenantId, programmeId);
  }

  /** Whether anyone has started an application: the questions' keys (the answers' names) no longer change. */
  async hasApplications(tenantId: string, programmeId: string): Promise<boolean> {
    return (await this.applications.countAll(tenantId, programmeId)) > 0;
  }

  /** Defines or changes the call; once applications are submitted, only changes that keep them valid. */
  async setCall(tenant: Tenant, programmeId: string, dto: CallDto, actorUserId: string): Promise<Call> {
    const problems: FieldProblem[] = checkFormDefinition(dto.form as Question[]);
    if (dto.goalMaxCents < dto.goalMinCents) problems.push(fieldProblem('goalMaxCents', 'validation.notLessThanMin'));
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
    return this.tx.run(async (em) => {
      const programme = await this.programmes.getForUpdate(em, tenant.id, programmeId);
      if (!programme) throw new DomainError('NOT_FOUND');
      const existing = await this.applications.call(tenant.id, programmeId, em);
      const rules = dto.rules ? rulesFromDto(dto.rules) : (existing?.rules ?? []);
      const ruleProblems = rulesProblems(rules, dto.form as Question[], dto.categories, tenant.defaultLocale, !!dto.rules);
      if (ruleProblems.length) throw new DomainError('VALIDATION_FAILED', {}, ruleProblems);
      if (existing && (await this.applications.countSubmitted(em, tenant.id, programmeId)) > 0) {
        const breaking = checkFormChange(existing.form, dto.form as Question[]);
        if (breaking.length) throw new DomainError('FORM_CHANGE_NOT_ALLOWED', {}, breaking);
      }
      const call = await this.applications.saveCall(em, {
        tenantId: tenant.id,
        programmeId,
        text: cleanLocalized(dto.text),
        categories: dto.categories.map((c) => ({ key: c.key, label: cleanLocalized(c.label) })),
        territory: dto.territory,
        goalMinCents: dto.goalMinCents,
        goalMaxCents: dto.goalMaxCents,
        deadline: new Date(dto.deadline),
        onePerApplicant: dto.onePerApplicant,
        allowEditAfterSubmit: dto.allowEditAfterSubmit,
        form: cleanForm(dto.form as Question[]),
        receiptPrefix: dto.receiptPrefix.toUpperCase(),
        rules,
        ruleModes: dto.ruleModes ? modesFromDto(dto.ruleModes) : (existing?.ruleModes ?? {}),
      });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: existing ? 'call.updated' : 'call.created',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { deadline: dto.deadline, questions: dto.form.length },
      });
      return call;
    });
  }

  // ---- applicants -----------------------------------------------------------------------------

  /** Starts a draft. A retried request with the same Idempotency-Key returns the same draft. */
  async start(tenant: Tenant, programmeId: string, principal: Principal, opts: { idempotencyKey?: string; locale: Locale }): Promise<Application> {
    return this.tx.run(async (em) => {
      if (opts.idempotencyKey) {
        const again = await this.applications.byIdempotencyKey(em, tenant.id, principal.userId, opts.idempotencyKey);
        if (again) return again;
      }
      const { call, window } = await this.callWindow(em, tenant, programmeId, opts.locale);
      if (!window.callOpen || this.clock.now() > window.deadline)
        throw new DomainError('CALL_CLOSED', { deadline: window.deadline.toISOString(), deadlineLocal: window.deadlineLabel });
      // Serialises one applicant's concurrent starts on this call, so the one-per-applicant rule holds.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`apply:${programmeId}:${principal.userId}`]);
      // An advisory one-per-applicant rule lets a second application be started, and staff decide.
      if (call.onePerApplicant && call.ruleModes?.one_per_applicant !== 'advisory') {
        const live = await this.applications.liveCount(em, tenant.id, programmeId, principal.userId);
        if (live > 0) {
          const mine = (await this.applications.mine(tenant.id, principal.userId)).find((a) => a.programmeId === programmeId && a.status !== 'withdrawn');
          throw new DomainError('ONE_APPLICATION_PER_APPLICANT', { applicationId: mine?.id });
        }
      }
      await this.users.grant(em, tenant.id, principal.userId, 'applicant', programmeId);
      const app = await this.applications.insert(em, {
        tenantId: tenant.id,
        programmeId,
        applicantUserId: principal.userId,
        status: 'draft',
        screening: 'pending',
        email: principal.email,
        applicantName: principal.displayName,
        answers: {},
        idempotencyKey: opts.idempotencyKey ?? null,
        locale: opts.locale,
      });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: principal.userId,
        action: 'application.started',
        subjectType: 'application',
        subjectId: app.id,
      });
      return app;
    });
  }

  /** The applicant's own application, or any for staff; anyone else gets 404. */
  async view(tenant: Tenant, id: string, principal: Principal): Promise<Application> {
    const app = await this.applications.get(tenant.id, id);
    if (!app || !this.maySee(app, principal)) throw new DomainError('NOT_FOUND');
    return app;
  }

  mine(tenantId: string, principal: Principal): Promise<Application[]> {
    return this.applications.mine(tenantId, principal.userId);
  }

  /** Saves whatever was typed; only types and limits are checked (completeness waits for submit). */
  async saveDraft(tenant: Tenant, id: string, principal: Principal, dto: ApplicationDraftDto, locale: Locale): Promise<Application> {
    return this.tx.run(async (em) => {
      const app = await this.lockOwn(em, tenant, id, principal);
      const { call, window } = await this.callWindow(em, tenant, app.programmeId, locale);
      assertCanEdit(app, window, this.clock.now());
      const answers: Answers = { ...app.answers, ...((dto.answers ?? {}) as Answers) };
      const problems = validateAnswers(call.form, answers, 'draft');
      if (dto.email && !EMAIL.test(dto.email)) problems.push({ field: 'email', message: 'must be an e-mail address' });
      if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
      const { answers: _ignored, email: typedEmail, ...fields } = dto;
      const patch: Partial<Application> = { ...stripUndefined(fields), answers };
      // The address typed here receives nothing until it is confirmed, unless it is the applicant's own.
      if (typedEmail !== undefined && typedEmail !== '') {
        const email = normaliseEmail(typedEmail);
        if (email === normaliseEmail(principal.email)) {
          patch.email = email;
          await this.applications.dropPendingContactEmails(em, tenant.id, app.id);
        } else if (email !== app.email) {
          await this.contactEmails.askToConfirm(em, tenant, app, email);
        }
      }
      const edited = { ...app, ...patch };
      // A submitted application edited before the deadline stays submitted, so it must stay complete.
      const correcting = !!app.correctionUntil && this.clock.now() <= app.correctionUntil;
      if (app.status === 'submitted' && !correcting) {
        const incomplete = await this.completenessProblems(em, tenant, call, edited, locale);
        if (incomplete.length) throw new DomainError('VALIDATION_FAILED', {}, incomplete);
      }
      await this.applications.update(em, app.id, patch);
      if (app.status === 'submitted') {
        await this.audit.record(em, {
          tenantId: tenant.id,
          actorUserId: principal.userId,
          action: 'application.edited',
          subjectType: 'application',
          subjectId: app.id,
        });
      }
      return edited;
    });
  }

  /**
   * Submits: idempotent (a second submit of a submitted application returns it unchanged), checked
   * against the deadline in the same transaction, complete with a receipt number, an e-mail, the rules version accepted and optional consents.
   */
  async submit(tenant: Tenant, id: string, principal: Principal, locale: Locale, optional: OptionalConsents = {}): Promise<Application> {
    return this.tx.run(async (em) => {
      const app = await this.lockOwn(em, tenant, id, principal);
      const now = this.clock.now();
      const correcting = !!app.correctionUntil && now <= app.correctionUntil;
      if (app.status === 'submitted' && !correcting) return app;
      const { call, window } = await this.callWindow(em, tenant, app.programmeId, locale);
      assertCanSubmit(app, window, now);
      const problems = await this.completenessProblems(em, tenant, call, app, locale);
      if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
      const receipt = app.receiptNumber ?? receiptNumber(call.receiptPrefix, await this.applications.nextReceiptSeq(em, call.id));
      const patch: Partial<Application> = { status: 'submitted', receiptNumber: receipt, submittedAt: now, correctionUntil: null, correctionMessage: null };
      const who = { tenantId: tenant.id, userId: principal.userId, email: app.email || principal.email, programmeId: app.programmeId, locale };
      patch.acceptedRulesVersion = await this.privacy.accept(em, who, optional);
      await this.applications.update(em, app.id, patch);
      const submitted = { ...app, ...patch };
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: principal.userId,
        action: app.status === 'submitted' ? 'application.resubmitted' : 'application.submitted',
        subjectType: 'application',
        subjectId: app.id,
        data: { receipt },
      });
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'application-received',
        locale: app.locale,
        to: app.email || principal.email,
        toName: app.applicantName, // confirmed addresses only
        dedupeKey: `application-submitted:${app.id}:${now.toISOString()}`,
        payload: {
          receipt,
          title: app.title,
          // The goal as an amount in the reader's language (the rows keep the plain number for the exports).
          // (Written in the e-mail's own language: the rows' `lang` is left out.)
          rows: this.answerRows(call, submitted, app.locale, contentFallbacks(tenant)).map(({ lang: _lang, ...r }) =>
            r.key === 'goal_eur' && submitted.goalCents !== null ? { ...r, value: formatMoney(Number(submitted.goalCents), app.locale) } : r,
          ),
          deadlineLocal: formatInstant(call.deadline, app.locale, tenant.timeZone),
          // Date and time of the deposit in the authority's time zone: what the applicant may have to prove.
          submittedLocal: formatInstant(now, app.locale, tenant.timeZone),
          link: `${await this.tenants.siteUrl(tenant)}/applications/${app.id}`,
        },
      });
      return submitted;
    });
  }

  async withdraw(tenant: Tenant, id: string, principal: Principal): Promise<Application> {
    return this.tx.run(async (em) => {
      const app = await this.lockOwn(em, tenant, id, principal);
      assertCanWithdraw(app);
      await this.applications.update(em, app.id, { status: 'withdrawn' });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: principal.userId,
        action: 'application.withdrawn',
        subjectType: 'application',
        subjectId: app.id,
      });
      return { ...app, status: 'withdrawn' };
    });
  }

  /** Stores a file for a file question; its type is read from its bytes, not its name. */
  async upload(tenant: Tenant, id: string, principal: Principal, questionKey: string, file: UploadedFile, locale: Locale): Promise<StoredFileInfo> {
    return this.tx.run(async (em) => {
      const app = await this.lockOwn(em, tenant, id, principal);
      const { call, window } = await this.callWindow(em, tenant, app.programmeId, locale);
      assertCanEdit(app, window, this.clock.now());
      const question = call.form.find((q) => q.key === questionKey && q.kind === 'file');
      if (!question) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem(`answers.${questionKey}`, 'validation.notAFileQuestion')]);
      const max = question.maxSizeBytes ?? DEFAULT_FILE_BYTES;
      if (file.size > max)
        throw new DomainError('FILE_TOO_LARGE', { maxMb: Math.round((max / 1024 / 1024) * 10) / 10 }, [
          fieldProblem(`answers.${questionKey}`, 'validation.fileTooLarge', { maxMb: Math.round((max / 1024 / 1024) * 10) / 10 }),
        ]);
      const sniffed = sniffFileType(file.buffer);
      if (!sniffed || !(question.accept ?? ['pdf', 'image']).includes(sniffed.family)) {
        throw new DomainError('FILE_TYPE_NOT_ACCEPTED', {}, [fieldProblem(`answers.${questionKey}`, 'validation.pdfOrImage')]);
      }
      const safeName = storedFileName(file.originalname, `file.${sniffed.extension}`);
      const stored = await this.files.put(em, {
        tenantId: tenant.id,
        ownerType: 'application',
        ownerId: app.id,
        purpose: questionKey,
        filename: safeName,
        contentType: sniffed.mime,
        uploadedBy: principal.userId,
        bytes: file.buffer,
      });
      await this.applications.update(em, app.id, { answers: { ...app.answers, [questionKey]: stored.id } });
      return stored;
    });
  }

  async file(tenant: Tenant, id: string, principal: Principal, fileId: string) {
    const app = await this.view(tenant, id, principal);
    const file = await this.files.get(tenant.id, fileId);
    if (!file || file.info.ownerType !== 'application' || file.info.ownerId !== app.id) throw new DomainError('NOT_FOUND');
    return file;
  }

  filesOf(tenant: Tenant, app: Application): Promise<StoredFileInfo[]> {
    return this.files.list(tenant.id, 'application', app.id);
  }

  /** What is still missing or failing before submit, for the applicant's page. */
  async missing(tenant: Tenant, app: Application, locale: Locale = app.locale): Promise<FieldProblem[]> {
    const call = await this.getCall(tenant.id, app.programmeId);
    return this.tx.run((em) => this.completenessProblems(em, tenant, call, app, locale));
  }

  /** Every rule of the call on an application, with the applicant's other live applications counted. */
  async eligibility(tenant: Tenant, call: Call, app: Application): Promise<RuleResult[]> {
    const others = await this.tx.run((em) => this.applications.liveCount(em, tenant.id, app.programmeId, app.applicantUserId, app.id));
    return evaluateCallRules(call, app, others);
  }

  rules(call: Call, a: Application, otherApplications: number): RuleResult[] {
    return evaluateCallRules(call, a, otherApplications);
  }

  /**
   * Rows for the receipt e-mail, the review and juror pages and the exports: fixed fields then custom
   * questions, labelled in `locale`. Amounts are formatted for people ("4 500 €"), except in an export
   * (`forExport`), whose cells stay plain numbers a spreadsheet can add up.
   * `lang` is set on the texts the applicant wrote (title, summary, organisation, text answers): the
   * language they applied in, for pages in another language to mark them.
   */
  answerRows(
    call: Call,
    a: Application,
    locale: Locale,
    fallbacks: readonly Locale[] = [],
    forExport = false,
  ): Array<{ key: string; label: string; value: string; lang?: Locale }> {
    const text = (value: Localized | undefined) => localizedText(value, locale, fallbacks);
    const t = (key: string) => sharedTranslations().t(locale, `answers.${key}`);
    const goal = a.goalCents === null ? '' : forExport ? (a.goalCents / 100).toFixed(2) : formatMoney(a.goalCents, locale);
    const category = call.categories.find((c) => c.key === a.category);
    const written = a.locale;
    const rows: Array<{ key: string; label: string; value: string; lang?: Locale }> = [
      { key: 'title', label: t('title'), value: a.title, lang: written },
      { key: 'summary', label: t('summary'), value: a.summary, lang: written },
      { key: 'category', label: t('category'), value: category ? text(category.label) || category.key : (a.category ?? '') },
      { key: 'goal_eur', label: t('goal'), value: goal },
      { key: 'commune', label: t('commune'), value: a.commune },
      { key: 'postcode', label: t('postcode'), value: a.postcode },
      { key: 'applicant_name', label: t('applicant'), value: a.applicantName },
      { key: 'organisation', label: t('organisation'), value: a.organisation, lang: written },
      { key: 'email', label: t('email'), value: a.email },
      { key: 'phone', label: t('phone'), value: a.phone },
    ];
    for (const q of call.form) {
      const v = a.answers[q.key];
      let value = v === undefined || v === null ? '' : String(v);
      if (q.kind === 'yes_no' && typeof v === 'boolean') value = t(v ? 'yes' : 'no');
      if (q.kind === 'single_choice' || q.kind === 'multiple_choice') {
        const keys = Array.isArray(v) ? v : v ? [String(v)] : [];
        value = keys
          .map((k) => q.options?.find((o) => o.key === k))
          .map((o) => (o ? text(o.label) || o.key : ''))
          .join(', ');
      }
      if (q.kind === 'file' && v) value = t('fileAttached');
      const free = q.kind === 'short_text' || q.kind === 'long_text';
      rows.push({ key: `q_${q.key}`, label: text(q.label) || q.key, value, ...(free ? { lang: written } : {}) });
    }
    return rows;
  }

  // ---- internals ------------------------------------------------------------------------------

  private maySee(app: Application, p: Principal): boolean {
    return app.applicantUserId === p.userId || hasRole(p, ['staff', 'platform_admin']);
  }

  private async lockOwn(em: EntityManager, tenant: Tenant, id: string, p: Principal): Promise<Application> {
    const app = await this.applications.getForUpdate(em, tenant.id, id);
    if (!app || app.applicantUserId !== p.userId) throw new DomainError('NOT_FOUND');
    return app;
  }

  private async callWindow(em: EntityManager, tenant: Tenant, programmeId: string, locale: Locale): Promise<{ call: Call; window: CallWindow }> {
    const programme = await this.programmes.get(tenant.id, programmeId, em);
    if (!programme) throw new DomainError('NOT_FOUND');
    const call = await this.applications.call(tenant.id, programmeId, em);
    if (!call) throw new DomainError('CALL_NOT_DEFINED');
    const deadlineLabel = formatInstant(call.deadline, locale, tenant.timeZone);
    return {
      call,
      window: { callOpen: programme.phase === 'call_open', deadline: call.deadline, allowEditAfterSubmit: call.allowEditAfterSubmit, deadlineLabel },
    };
  }

  private async completenessProblems(em: EntityManager, tenant: Tenant, call: Call, app: Application, locale: Locale): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    const need = (field: keyof Application, ok: boolean, message = 'is required') => {
      if (!ok) problems.push({ field: field === 'goalCents' ? 'goalCents' : field, message });
    };
    need('title', app.title.trim().length >= 3, 'is required (at least 3 characters)');
    need('summary', app.summary.trim().length >= 20, 'is required (at least 20 characters)');
    need('goalCents', app.goalCents !== null);
    need('commune', app.commune.trim().length > 0);
    need('applicantName', app.applicantName.trim().length > 0);
    need('email', EMAIL.test(app.email), 'must be an e-mail address');
    if (call.categories.length) need('category', !!app.category);
    problems.push(...validateAnswers(call.form, app.answers, 'submit'));
    for (const q of call.form.filter((x) => x.kind === 'file')) {
      const id = app.answers[q.key];
      if (typeof id === 'string') {
        const f = await this.files.get(tenant.id, id);
        if (!f || f.info.ownerId !== app.id) problems.push(fieldProblem(`answers.${q.key}`, 'validation.fileMissing'));
      }
    }
    const others = await this.applications.liveCount(em, tenant.id, app.programmeId, app.applicantUserId, app.id);
    // Only blocking rules refuse; advisory ones are warnings the applicant reads and staff decide on.
    // Said in the reader's language on the way out (the API's Accept-Language, the page's language).
    problems.push(...blockingProblems(this.rules(call, app, others), app, locale, contentFallbacks(tenant)));
    return problems;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
