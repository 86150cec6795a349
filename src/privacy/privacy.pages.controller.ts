import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { normaliseEmail } from '../auth/domain/tokens.js';
import { Public, SignedIn } from '../auth/roles.guard.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { ViewService } from '../common/web/view.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { PrivacyLinkDto } from './dto/privacy.dto.js';
import { type PersonalDataExport, PersonalDataService } from './personal-data.service.js';
import { PrivacyRequestsService } from './privacy-requests.service.js';

/** The sections the holders export, each with a catalogue label (`privacy.section.<name>`). */
export const SECTIONS = new Set([
  'account',
  'roles',
  'sessions',
  'signInLinks',
  'apiTokens',
  'emails',
  'actionsRecorded',
  'files',
  'applications',
  'applicationContacts',
  'juryMemberships',
  'juryConflicts',
  'juryBallots',
  'juryNotes',
  'coaching',
  'milestones',
  'partnerContacts',
  'contributions',
  'campaignSubscriptions',
  'privacyRequests',
  'unsubscribed',
]);

/** Held data per kind, each with its catalogue label (the person's page, the link's page, staff's request page). */
export function heldWithLabels(held: Array<{ name: string; rows: number }>) {
  return held.map((h) => ({ ...h, label: SECTIONS.has(h.name) ? `privacy.section.${h.name}` : 'privacy.section.other' }));
}

/**
 * The person's side of their rights: "my data" when signed in (download, ask for erasure), and for
 * anyone (a contributor has no account) a form that e-mails a link to the same, valid a day.
 */
@ApiExcludeController()
@Controller()
export class PrivacyPagesController {
  constructor(
    private readonly requests: PrivacyRequestsService,
    private readonly data: PersonalDataService,
    private readonly views: ViewService,
  ) {}

  @Get('me/data')
  @SignedIn()
  async myData(@Page() page: PageContext) {
    const t = (key: string) => this.views.t(page.locale, key);
    const held = await this.requests.heldFor(page.tenant, page.principal!.email);
    const open = await this.requests.openErasureOf(page.tenant, page.principal!.email);
    return this.views.page('pages/privacy/my-data', page, { title: t('privacy.myData.title'), held: this.sections(held), open });
  }

  @Get('me/data/archive.zip')
  @SignedIn()
  async myArchive(@Page() page: PageContext, @Res() res: Response) {
    return this.sendArchive(res, page.tenant.id, await this.requests.exportForAccount(page.tenant, page.principal!));
  }

  /** Erasure cannot be undone: the person reads what will go and what stays before asking. */
  @Get('me/data/erase')
  @SignedIn()
  confirmErase(@Page() page: PageContext) {
    const t = (key: string) => this.views.t(page.locale, key);
    return confirmPage(this.views, page, {
      title: t('privacy.erase.title'),
      consequences: [t('privacy.erase.what'), t('privacy.erase.kept'), t('privacy.erase.when')],
      action: '/me/data/erase',
      confirmLabel: t('privacy.erase.confirm'),
      cancel: '/me/data',
    });
  }

  @Post('me/data/erase')
  @HttpCode(200)
  @SignedIn()
  async erase(@Page() page: PageContext, @Res() res: Response) {
    await this.requests.requestErasureForAccount(page.tenant, page.principal!);
    return res.redirect(303, `${page.basePath}/me/data?saved=erasure`);
  }

  @Get('privacy/requests/new')
  @Public()
  askForm(@Page() page: PageContext, @Query('kind') kind?: string) {
    return this.askView(page, { kind: kind === 'erasure' ? 'erasure' : 'export' }, []);
  }

  @Post('privacy/requests/new')
  @HttpCode(200)
  @Public()
  async ask(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Req() req: TremplinRequest, @Res() res: Response) {
    const form = checkForm(PrivacyLinkDto, body);
    if (!form.ok) return res.status(400).send(this.askView(page, body, form.errors));
    await this.requests.requestLink(page.tenant, normaliseEmail(form.value.email), form.value.kind, page.locale, req.ip ?? '');
    return res.send(this.views.page('pages/privacy/link-sent', page, { title: this.views.t(page.locale, 'privacy.linkSent.title'), email: form.value.email }));
  }

  @Get('privacy/requests/:token')
  @Public()
  async byLink(@Page() page: PageContext, @Param('token') token: string) {
    const r = await this.requests.byLink(page.tenant, token);
    const t = (key: string) => this.views.t(page.locale, key);
    const held = r.kind === 'export' ? this.sections(await this.requests.heldFor(page.tenant, r.emailKey)) : [];
    return this.views.page('pages/privacy/by-link', page, { title: t(`privacy.byLink.${r.kind}Title`), request: r, held, token });
  }

  @Get('privacy/requests/:token/archive.zip')
  @Public()
  async linkArchive(@Page() page: PageContext, @Param('token') token: string, @Res() res: Response) {
    return this.sendArchive(res, page.tenant.id, await this.requests.exportByLink(page.tenant, token));
  }

  @Post('privacy/requests/:token/confirm')
  @HttpCode(200)
  @Public()
  async confirmByLink(@Page() page: PageContext, @Param('token') token: string, @Res() res: Response) {
    await this.requests.confirmErasureByLink(page.tenant, token);
    return res.redirect(303, `${page.basePath}/privacy/requests/${token}`);
  }

  private askView(page: PageContext, values: Record<string, unknown>, errors: FieldProblem[]) {
    return this.views.page('pages/privacy/ask', page, {
      title: this.views.t(page.locale, 'privacy.ask.title'),
      values: { email: typeof values.email === 'string' ? values.email : '', erasure: values.kind === 'erasure' },
      errors: errorMap(errors),
      errorList: errors,
    });
  }

  /** Sections with rows, named in the reader's language. */
  private sections(held: Array<{ name: string; rows: number }>) {
    return heldWithLabels(held);
  }

  private async sendArchive(res: Response, tenantId: string, data: PersonalDataExport) {
    const zip = await this.data.archive(tenantId, data);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', 'attachment; filename="my-data.zip"');
    res.setHeader('Cache-Control', 'no-store');
    return res.send(zip);
  }
}
