import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { compile } from 'html-to-text';
import { ViewService } from '../common/web/view.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { emailPayload } from './domain/email-payload.js';
import { imageView } from '../common/web/image-view.js';
import { streamOf } from './domain/email-streams.js';

/** What the footer says: a bulk e-mail's unsubscribe link (with it the e-mail is read as bulk). */
export interface EmailFooter {
  unsubscribeUrl?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * templates/emails/<name>.hbs, one template for every language: the first line is the subject, then a
 * line `---`, then the HTML body, which the branded layout wraps. Every sentence is a catalogue message
 * (`email.<name>.*`, ICU) rendered in the reader's language. An authority may override a template under
 * templates/tenants/<slug>/emails/<name>.hbs, or for one language only with <name>.<lang>.hbs (the
 * layout of the overrides written when there was one file per language).
 */
@Injectable()
export class EmailRenderer {
  constructor(private readonly views: ViewService) {}

  /**
   * `siteUrl` is the authority's address from configuration (TenantsService.siteUrl, never a request's
   * host): with it the header shows the uploaded logo by its absolute URL (PNG/JPEG, read by every mail client).
   */
  render(tenant: Tenant, template: string, locale: Locale, payload: Record<string, unknown>, siteUrl?: string, footer: EmailFooter = {}): RenderedEmail {
    const lang = this.language(tenant, locale);
    const logo = siteUrl ? imageView(tenant.logo, siteUrl.replace(/\/$/, ''), 48, 240) : null;
    const model = {
      ...emailPayload(template, payload, lang),
      // The helpers' fallback for text people wrote: the reader's language, the default, the others.
      tenant: { ...tenant, defaultLocale: tenant.defaultLocale ?? lang, languages: tenant.languages ?? [tenant.defaultLocale ?? lang] },
      locale: lang,
    };
    const perLanguage = `emails/${template}.${lang}`;
    const name = this.views.exists(perLanguage, tenant.slug) ? perLanguage : `emails/${template}`;
    const source = this.views.render(name, tenant.slug, model);
    if (source === undefined) throw new Error(`e-mail template ${name}.hbs not found`);
    const sep = source.indexOf('\n---\n');
    if (sep < 0) throw new Error(`e-mail template ${name} has no subject line`);
    const subject = decodeEntities(source.slice(0, sep).trim());
    const body = source.slice(sep + 5);
    const closing = this.closing(template, payload, lang, tenant, siteUrl, footer);
    const html = this.views.render('emails/layout', tenant.slug, { ...model, subject, body: this.views.safe(body), logo, closing: this.views.safe(closing) })!;
    return { subject, html, text: `${htmlToText(body)}\n\n${htmlToText(closing)}` };
  }

  /**
   * The footer's last line. A bulk e-mail: which mailing it is and the link that stops it (the same URL
   * as its List-Unsubscribe header). A transactional one: why it was sent (`email.<name>.why`), and no
   * unsubscribe link, since the person asked for it or it is about their own file.
   */
  private closing(template: string, payload: Record<string, unknown>, lang: Locale, tenant: Tenant, siteUrl: string | undefined, footer: EmailFooter): string {
    const t = (key: string, vars: Record<string, unknown> = {}) => escapeHtml(this.views.t(lang, key, vars));
    const stream = streamOf(template, payload);
    if (stream) {
      const link = footer.unsubscribeUrl ? ` <a href="${escapeHtml(footer.unsubscribeUrl)}">${t('email.footer.unsubscribe')}</a>` : '';
      return `<p>${t('email.footer.bulk', { stream: this.views.t(lang, `unsubscribe.stream.${stream}`) })}${link}</p>`;
    }
    let site = tenant.name;
    try {
      if (siteUrl) site = new URL(siteUrl).host;
    } catch {
      // keep the authority's name
    }
    return `<p>${t(`email.${template}.why`, { site, authority: tenant.name })}</p>`;
  }

  /** The row's language if its catalogue is installed, else the authority's default (a language since removed). */
  private language(tenant: Tenant, locale: Locale): Locale {
    const { translations } = this.views;
    if (translations.isLocale(locale)) return locale;
    if (translations.isLocale(tenant.defaultLocale)) return tenant.defaultLocale;
    return translations.locales[0];
  }
}

/** The subject is rendered with auto-escaping but is not HTML: undo the escaping. */
function decodeEntities(s: string): string {
  return s
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The plain-text part, from the same HTML body: paragraphs apart, one table row (label, value) per
 * line, list items on their own lines, a link's address written out after its words (once when they
 * are the address), quotes prefixed with "> ", and the line breaks of text people wrote (`.lines`)
 * kept. Entities are decoded; lines are not wrapped (a link must stay whole).
 */
export const htmlToText: (html: string) => string = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true } },
    { selector: 'h1', options: { uppercase: false, leadingLineBreaks: 2 } },
    { selector: 'h2', options: { uppercase: false, leadingLineBreaks: 2 } },
    { selector: 'h3', options: { uppercase: false, leadingLineBreaks: 2 } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'th', format: 'inlineSurround', options: { suffix: ' ' } },
    { selector: 'td', format: 'inline' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'p.lines', format: 'pre' },
    { selector: 'img', format: 'skip' },
  ],
});

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
