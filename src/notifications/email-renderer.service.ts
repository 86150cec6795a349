import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { ViewService } from '../common/web/view.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * templates/emails/<name>.<locale>.hbs: the first line is the subject, then a line `---`, then the
 * HTML body, which the branded layout wraps. Tenants may override both under templates/tenants/<slug>/.
 */
@Injectable()
export class EmailRenderer {
  constructor(private readonly views: ViewService) {}

  render(tenant: Tenant, template: string, locale: Locale, payload: Record<string, unknown>): RenderedEmail {
    const model = { ...payload, tenant, locale };
    const source = this.views.render(`emails/${template}.${locale}`, tenant.slug, model);
    if (source === undefined) throw new Error(`e-mail template emails/${template}.${locale}.hbs not found`);
    const sep = source.indexOf('\n---\n');
    if (sep < 0) throw new Error(`e-mail template ${template}.${locale} has no subject line`);
    const subject = decodeEntities(source.slice(0, sep).trim());
    const body = source.slice(sep + 5);
    const html = this.views.render('emails/layout', tenant.slug, { ...model, subject, body: this.views.safe(body) })!;
    return { subject, html, text: htmlToText(body) };
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

export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<a [^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gis, '$2 ($1)')
      .replace(/<(br|\/p|\/li|\/h\d|\/tr)>/gi, '\n')
      .replace(/<li>/gi, '- ')
      .replace(/<[^>]+>/g, ''),
  )
    .replace(/\n{3,}/g, '\n\n')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
