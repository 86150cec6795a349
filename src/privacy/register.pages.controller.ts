import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { intlTagOf } from '../common/i18n/format.js';
import { TaggedPdf } from '../common/pdf/tagged-pdf.js';
import { textIn } from '../common/web/language-fields.js';
import { formatInstant, ViewService } from '../common/web/view.service.js';
import { Clock } from '../common/clock/clock.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { LegalPagesService } from './legal-pages.service.js';
import { LegalPagesView, type ActivityRow } from './legal-pages.view.js';

interface RegisterSection {
  id: string;
  title: string;
  rows: ActivityRow[];
}

/** Only control characters are dropped (DejaVu has every letter). */
const pdfText = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

/**
 * The register of processing activities (GDPR art. 30) the authority keeps: for itself and for each
 * programme, what data, why, on which legal basis, for how long (its own retention periods), who
 * receives it and where it goes (nowhere outside the EU). A printable page and a tagged PDF.
 */
@ApiExcludeController()
@Controller()
export class RegisterPagesController {
  constructor(
    private readonly legal: LegalPagesService,
    private readonly words: LegalPagesView,
    private readonly programmes: ProgrammesRepository,
    private readonly views: ViewService,
    private readonly clock: Clock,
  ) {}

  @Get('staff/privacy/register')
  @Roles(['staff'])
  async page(@Page() page: PageContext) {
    const { sections, settings } = await this.sections(page);
    return this.views.page('pages/privacy/register', page, {
      title: this.views.t(page.locale, 'privacy.register.title'),
      sections,
      settings,
      controller: settings.controllerName || page.tenant.name,
      generatedAt: this.clock.now(),
    });
  }

  @Get('staff/privacy/register.pdf')
  @Roles(['staff'])
  async pdf(@Page() page: PageContext, @Res() res: Response) {
    const { sections, settings } = await this.sections(page);
    const t = (k: string, v?: Record<string, unknown>) => pdfText(this.views.t(page.locale, k, v));
    const now = this.clock.now();
    const title = t('privacy.register.title');
    const pdf = new TaggedPdf(
      { title, author: pdfText(page.tenant.name), subject: title, lang: intlTagOf(page.locale), createdAt: now },
      page.tenant.primaryColor,
    );
    pdf.heading(1, title);
    pdf.paragraph(t('privacy.register.controller', { name: settings.controllerName || page.tenant.name }));
    if (settings.dpoEmail) pdf.paragraph(t('privacy.register.dpo', { email: settings.dpoEmail }));
    pdf.paragraph(t('privacy.register.generated', { date: formatInstant(now, page.locale, page.tenant.timeZone) }), { muted: true, size: 9 });
    for (const s of sections) {
      pdf.heading(2, pdfText(s.title));
      for (const r of s.rows) {
        pdf.heading(3, pdfText(r.purpose));
        pdf.table(
          [
            { head: t('privacy.register.field'), w: 0.3 },
            { head: t('privacy.register.value'), w: 0.7 },
          ],
          [
            [t('privacy.register.data'), r.data],
            [t('privacy.register.basis'), r.basis],
            [t('privacy.register.retention'), r.retention],
            [t('privacy.register.recipients'), r.recipients],
            [t('privacy.register.transfers'), r.transfers],
          ].map((row) => row.map(pdfText)),
          { size: 9 },
        );
      }
    }
    const bytes = await pdf.finish((p, n) => t('privacy.register.page', { page: p, pages: n }));
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="register-${page.tenant.slug}-${page.locale}.pdf"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(bytes);
  }

  private async sections(page: PageContext): Promise<{ sections: RegisterSection[]; settings: Awaited<ReturnType<LegalPagesService['settings']>> }> {
    const settings = await this.legal.settings(page.tenant.id);
    const programmes = await this.programmes.list(page.tenant.id);
    const sections: RegisterSection[] = [
      {
        id: 'authority',
        title: this.views.t(page.locale, 'privacy.register.authority', { name: page.tenant.name }),
        rows: this.words.activities(page.locale, 'authority', settings.retention),
      },
      ...programmes.map((p) => ({
        id: `programme-${p.slug}`,
        title: this.views.t(page.locale, 'privacy.register.programme', { title: textIn(p.title, page.locale, page.tenant) }),
        rows: this.words.activities(page.locale, 'programme', settings.retention),
      })),
    ];
    return { sections, settings };
  }
}
