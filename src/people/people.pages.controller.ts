import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { InvitePersonDto } from '../auth/dto/auth.dto.js';
import { Roles } from '../auth/roles.guard.js';
import { SessionsService } from '../auth/sessions.service.js';
import { DomainError, type ErrorCode, type FieldProblem } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { baseUrlOf, Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm, errorMap, withFieldErrors } from '../common/web/forms.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { ViewService } from '../common/web/view.service.js';
import { PeopleService, PEOPLE_PAGE_SIZE } from './people.service.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { contentFallbacks, localizedText } from '../common/i18n/localized.js';
import { formatList } from '../common/i18n/format.js';
import { listStateOf, listView, type ListColumn } from '../common/web/list-view.js';

/** Invitable roles (a platform administrator is made from the platform, never here). */
const INVITABLE = ['juror', 'coach', 'partner', 'applicant', 'staff'] as const; // staff last: never the default choice
/** The one-time confirmations a redirect may ask for (?done=…); anything else shows nothing. */
const DONE = new Set(['invited', 'alreadyHad', 'granted', 'roleRevoked', 'invitationSent', 'sessionEnded', 'accessRemoved']);
/** Refusals shown on the person's page rather than as an error page. */
const SHOWN_ON_PAGE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'LAST_STAFF_GRANT',
  'OWN_STAFF_GRANT',
  'GRANT_REMOVAL_FORBIDDEN',
  'GRANT_NOT_FOUND',
  'PERSON_WITHOUT_ACCESS',
  'INVITATION_TOO_SOON',
  'SESSION_NOT_FOUND',
  'ACCESS_SELF_REMOVAL',
  'ACCESS_REMOVAL_FORBIDDEN',
]);

/** People and access for an authority (issue 13): who has which role, invitations, roles, sessions, removal. */
@ApiExcludeController()
@Controller('staff/people')
export class PeoplePagesController {
  constructor(
    private readonly people: PeopleService,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
  ) {}

  @Get()
  @Roles(['staff'])
  async list(@Page() page: PageContext, @Query() query: Record<string, string>) {
    const t = (key: string) => this.views.t(page.locale, key);
    const columns: ListColumn<unknown>[] = [
      { key: 'name', label: t('people.displayName'), sortable: true },
      { key: 'email', label: t('signIn.email'), sortable: true },
      { key: 'roles', label: t('people.roles') },
    ];
    const state = listStateOf(query, columns, { sort: 'name', dir: 'asc', size: PEOPLE_PAGE_SIZE });
    const result = await this.people.list(page.tenant.id, { ...query, sort: state.sort, dir: state.dir });
    const f = result.filter;
    const view = listView(columns, result.items, result.total, {
      path: `${page.basePath}/staff/people`,
      query: { ...query, programmeId: f.programmeId, role: f.role, q: f.q },
      filters: ['role', 'programmeId', 'q'],
      state: { ...state, page: result.page },
      defaultSort: 'name',
      defaultDir: 'asc',
    });
    return this.views.page('pages/staff/people', page, {
      title: t('staff.people'),
      ...result,
      ...view,
      filtered: Boolean(f.role || f.programmeId || f.q),
      roles: INVITABLE,
      programmes: await this.people.programmeOptions(page.tenant.id),
      done: this.done(query, page),
    });
  }

  @Get('invite')
  @Roles(['staff'])
  async inviteForm(@Page() page: PageContext) {
    return this.inviteView(page, {});
  }

  /** The invitation form posts here (the URL of the former page). */
  @Post()
  @HttpCode(200)
  @Roles(['staff'])
  async invite(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Req() req: TremplinRequest, @Res() res: Response) {
    const again = async (errors: FieldProblem[]) => res.status(400).send(await this.inviteView(page, body, errors));
    const form = checkForm(InvitePersonDto, body);
    if (!form.ok) return again(form.errors);
    const done = await withFieldErrors(() => this.auth.invite(page.tenant, page.principal!.userId, form.value, baseUrlOf(req)));
    if (!done.ok) return again(done.errors);
    return res.redirect(303, `${page.basePath}/staff/people/${done.value.user.id}?done=${done.value.granted ? 'invited' : 'alreadyHad'}`);
  }

  @Get(':userId')
  @Roles(['staff'])
  async person(@Page() page: PageContext, @Param('userId') userId: string, @Query() query: Record<string, string>) {
    return this.personView(page, userId, { done: this.done(query, page) });
  }

  /** Grants one more role (an invitation e-mail tells the person). */
  @Post(':userId/roles')
  @HttpCode(200)
  @Roles(['staff'])
  async grant(
    @Page() page: PageContext,
    @Param('userId') userId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: TremplinRequest,
    @Res() res: Response,
  ) {
    const person = await this.people.person(page.tenant.id, userId);
    const again = async (errors: FieldProblem[]) =>
      res.status(400).send(
        await this.personView(page, userId, {
          values: body,
          errors: errorMap(errors),
          errorList: errors,
        }),
      );
    const form = checkForm(InvitePersonDto, { ...body, email: person.email, displayName: person.displayName });
    if (!form.ok) return again(form.errors);
    const done = await withFieldErrors(() => this.auth.invite(page.tenant, page.principal!.userId, form.value, baseUrlOf(req)));
    if (!done.ok) return again(done.errors);
    return res.redirect(303, `${page.basePath}/staff/people/${userId}?done=${done.value.granted ? 'granted' : 'alreadyHad'}`);
  }

  /** Says which role goes, for which programme, and what the person keeps, before removing it. */
  @Get(':userId/roles/:grantId/remove')
  @Roles(['staff'])
  async confirmRevoke(@Page() page: PageContext, @Param('userId') userId: string, @Param('grantId') grantId: string) {
    const person = await this.people.person(page.tenant.id, userId);
    const grant = person.grants.find((g) => g.id === grantId);
    if (!grant) throw new DomainError('NOT_FOUND');
    const t = (key: string, values?: Record<string, unknown>) => this.views.t(page.locale, key, values);
    const roleText = (g: typeof grant) =>
      g.programme
        ? t('people.roleFor', { role: t(`role.${g.role}`), programme: localizedText(g.programme.title, page.locale, contentFallbacks(page.tenant)) })
        : t(`role.${g.role}`);
    const others = person.grants.filter((g) => g.id !== grantId).map(roleText);
    return confirmPage(this.views, page, {
      title: t('people.revokeTitle', { role: roleText(grant), name: person.displayName }),
      consequences: [
        t('people.revokeLoses', { name: person.displayName, role: roleText(grant) }),
        others.length ? t('people.revokeKeeps', { roles: formatList(others, page.locale) }) : t('people.revokeLast', { name: person.displayName }),
        t('people.revokeHistory'),
      ],
      action: `/staff/people/${userId}/roles/${grantId}/remove`,
      confirmLabel: t('people.revokeConfirm', { role: roleText(grant) }),
      cancel: `/staff/people/${userId}`,
    });
  }

  @Post(':userId/roles/:grantId/remove')
  @HttpCode(200)
  @Roles(['staff'])
  async revoke(@Page() page: PageContext, @Param('userId') userId: string, @Param('grantId') grantId: string, @Res() res: Response) {
    return this.act(page, userId, res, 'roleRevoked', () => this.auth.revokeRole(page.tenant.id, page.principal!, userId, grantId));
  }

  @Post(':userId/invitation')
  @HttpCode(200)
  @Roles(['staff'])
  async resend(@Page() page: PageContext, @Param('userId') userId: string, @Req() req: TremplinRequest, @Res() res: Response) {
    return this.act(page, userId, res, 'invitationSent', () => this.auth.resendInvitation(page.tenant, page.principal!.userId, userId, baseUrlOf(req)));
  }

  @Post(':userId/sessions/:sessionId/end')
  @HttpCode(200)
  @Roles(['staff'])
  async endSession(@Page() page: PageContext, @Param('userId') userId: string, @Param('sessionId') sessionId: string, @Res() res: Response) {
    return this.act(page, userId, res, 'sessionEnded', () => this.sessions.revokeSession(page.tenant.id, userId, sessionId, page.principal!.userId));
  }

  /** Says what removing access does before it is done. */
  @Get(':userId/remove')
  @Roles(['staff'])
  async confirmRemoval(@Page() page: PageContext, @Param('userId') userId: string) {
    const person = await this.people.person(page.tenant.id, userId);
    const sessions = await this.sessions.listSessions(page.tenant.id, userId);
    return this.views.page('pages/staff/person-remove', page, {
      title: this.views.t(page.locale, 'people.removeTitle', { name: person.displayName }),
      person,
      sessionCount: sessions.length,
      self: person.id === page.principal!.userId,
    });
  }

  @Post(':userId/remove')
  @HttpCode(200)
  @Roles(['staff'])
  async remove(@Page() page: PageContext, @Param('userId') userId: string, @Res() res: Response) {
    try {
      await this.sessions.removeAccess(page.tenant.id, page.principal!, userId);
    } catch (err) {
      if (err instanceof DomainError && SHOWN_ON_PAGE.has(err.code)) return this.refused(page, userId, res, err);
      throw err;
    }
    return res.redirect(303, `${page.basePath}/staff/people?done=accessRemoved`);
  }

  /** Runs an action of the person's page, then back to it with its confirmation, or the refusal shown on it. */
  private async act(page: PageContext, userId: string, res: Response, done: string, action: () => Promise<unknown>) {
    try {
      await action();
    } catch (err) {
      if (err instanceof DomainError && SHOWN_ON_PAGE.has(err.code)) return this.refused(page, userId, res, err);
      throw err;
    }
    return res.redirect(303, `${page.basePath}/staff/people/${userId}?done=${done}`);
  }

  private async refused(page: PageContext, userId: string, res: Response, err: DomainError) {
    const status = this.errors.describe(err.code)!.status;
    return res.status(status).send(await this.personView(page, userId, { refusal: this.errors.message(err, page.locale) }));
  }

  private async personView(page: PageContext, userId: string, extra: Record<string, unknown>) {
    const person = await this.people.person(page.tenant.id, userId);
    const sessions = await this.sessions.listSessions(page.tenant.id, userId);
    return this.views.page('pages/staff/person', page, {
      title: person.displayName,
      person,
      sessions,
      roles: INVITABLE,
      programmes: await this.people.programmeOptions(page.tenant.id),
      self: person.id === page.principal!.userId,
      values: {},
      ...extra,
    });
  }

  private async inviteView(page: PageContext, values: Record<string, unknown>, errors: FieldProblem[] = []) {
    return this.views.page('pages/staff/people-invite', page, {
      title: this.views.t(page.locale, 'people.inviteTitle'),
      values,
      roles: INVITABLE,
      programmes: await this.people.programmeOptions(page.tenant.id),
      ...(errors.length ? { errors: errorMap(errors), errorList: errors } : {}),
    });
  }

  private done(query: Record<string, string>, page: PageContext): string | undefined {
    return DONE.has(query.done) ? this.views.t(page.locale, `people.done.${query.done}`) : undefined;
  }
}
