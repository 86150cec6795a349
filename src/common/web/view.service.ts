import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import type { LayoutPrincipal, LayoutTenant } from './app-request.js';
import {
  formatDay,
  formatInstant,
  formatInstantRange,
  formatInstantShort,
  formatMoney,
  formatNumber,
  formatPercent,
  formatFileSize,
  toLocalInput,
} from '../i18n/format.js';
import { type Localized, pickLocalized } from '../i18n/localized.js';
import { isMessage, type Message, renderMessage, renderMessageHtml } from '../i18n/message.js';
import { fieldErrorsIn } from './forms.js';
import { languageFields } from './language-fields.js';
import { noticeKeyFor } from './notices.js';
import { statusClass } from './status-meaning.js';
import { imageView, type StoredImage } from './image-view.js';
import { type Locale, sharedTranslations } from './i18n.js';
import { findTemplatesDir } from './template-dir.js';

/**
 * What the layout needs to render a page. Controllers pass the app's PageContext
 * (src/request-context/current.decorators.ts), which has the full tenant and principal.
 */
export interface LayoutContext {
  tenant: LayoutTenant;
  locale: Locale;
  basePath: string;
  /** The path of the current page without basePath, for the language switcher. */
  path: string;
  principal?: LayoutPrincipal;
  csrfToken?: string;
}

/** What a platform page needs: language, path (for the language switch), the admin, CSRF token. */
export interface PlatformPageContext {
  locale: Locale;
  path: string;
  admin?: { id: string; email: string; displayName: string };
  csrfToken?: string;
}

/** Never a tenant slug (slugs start with a letter or digit): platform pages take no tenant override. */
const PLATFORM_SLUG = '_platform';

/**
 * Renders Handlebars pages and e-mails. Auto-escaping is on: user text is always output with {{ }}.
 * A tenant may override any template under templates/tenants/<slug>/ with the same relative path.
 */
const FILE_KINDS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/msword': 'Word',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.oasis.opendocument.text': 'OpenDocument',
  'application/vnd.ms-excel': 'Excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument',
  'text/csv': 'CSV',
  'text/plain': 'TXT',
  'application/zip': 'ZIP',
};

/** A file's kind by its MIME type, for people ("PDF", "PNG"); the subtype in capitals otherwise. */
export function fileKindOf(contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return FILE_KINDS[type] ?? (type.split('/')[1] ?? type).replace(/^x-/, '').toUpperCase();
}

@Injectable()
export class ViewService {
  readonly dir = findTemplatesDir();
  readonly translations = sharedTranslations();
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, HandlebarsTemplateDelegate | null>();

  constructor() {
    this.registerHelpers();
    const partials = join(this.dir, 'partials');
    for (const file of readdirSync(partials)) {
      if (file.endsWith('.hbs')) this.hbs.registerPartial(file.slice(0, -4), readFileSync(join(partials, file), 'utf8'));
    }
  }

  /** A full page inside the layout. */
  page(name: string, ctx: LayoutContext, data: Record<string, unknown> & { title: string }): string {
    const noticeKey = noticeKeyFor(name, ctx.path);
    const model = { ...this.model(ctx, data), pageNotice: noticeKey ? this.t(ctx.locale, noticeKey) : undefined };
    // The body is our own rendered (escaped) template: marked safe rather than triple-stashed.
    const body = new this.hbs.SafeString(this.template(name, ctx.tenant.slug)!(model));
    return this.template('layouts/main', ctx.tenant.slug)!({ ...model, body });
  }

  /**
   * A page without an authority's branding, for when none can be resolved (the database is down, so
   * the tenant cannot be looked up): the same body template inside a plain layout.
   */
  bare(name: string, locale: Locale, basePath: string, data: Record<string, unknown> & { title: string }): string {
    const model = { ...fieldErrorsIn(data, locale), locale, basePath };
    const body = new this.hbs.SafeString(this.template(name, null)!(model));
    return this.template('layouts/bare', null)!({ ...model, body });
  }

  /**
   * A page of the installation's back-office (/platform): no authority, so no tenant branding or
   * overrides; the platform layout, its own navigation and sign-out form.
   */
  platformPage(name: string, ctx: PlatformPageContext, data: Record<string, unknown> & { title: string }): string {
    const model = {
      ...fieldErrorsIn(data, ctx.locale),
      locale: ctx.locale,
      languageLinks: this.languageLinks(this.translations.locales, ctx.locale, ctx.path),
      basePath: '',
      admin: ctx.admin,
      csrfToken: ctx.csrfToken,
    };
    const body = new this.hbs.SafeString(this.template(name, PLATFORM_SLUG)!(model));
    return this.template('layouts/platform', PLATFORM_SLUG)!({ ...model, body });
  }

  /** A bare template (e-mails); undefined when it does not exist. */
  render(name: string, tenantSlug: string, model: Record<string, unknown>): string | undefined {
    return this.template(name, tenantSlug)?.(model);
  }

  /** Marks our own rendered markup as safe to embed in another template. */
  safe(html: string): Handlebars.SafeString {
    return new this.hbs.SafeString(html);
  }

  exists(name: string, tenantSlug: string): boolean {
    return this.template(name, tenantSlug) !== undefined;
  }

  /** A message descriptor (`{ key, values }`, from domain code) in a language. */
  message(locale: Locale, msg: Message): string {
    return renderMessage((l, k, v) => this.translations.t(l, k, v), locale, msg);
  }

  /** The same as HTML for a page: escaped, a text written in another language in `<span lang>` (renderMessageHtml). */
  messageHtml(locale: Locale, msg: Message): Handlebars.SafeString {
    return new this.hbs.SafeString(renderMessageHtml((l, k, v) => this.translations.t(l, k, v), locale, msg));
  }

  t(locale: Locale, key: string, vars?: Record<string, unknown>): string {
    return this.translations.t(locale, key, vars);
  }

  private model(ctx: LayoutContext, data: Record<string, unknown>) {
    return {
      ...fieldErrorsIn(data, ctx.locale),
      tenant: ctx.tenant,
      locale: ctx.locale,
      languageLinks: this.languageLinks(ctx.tenant.languages, ctx.locale, `${ctx.basePath}${ctx.path}`),
      basePath: ctx.basePath,
      principal: ctx.principal,
      isStaff: ctx.principal?.roles.some((r) => r === 'staff' || r === 'platform_admin') ?? false,
      csrfToken: ctx.csrfToken,
    };
  }

  /** The other languages of the site, each a link to this page in it (named in its own language). */
  private languageLinks(languages: readonly Locale[], current: Locale, path: string) {
    const bare = path.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
    const sep = bare.includes('?') ? '&' : '?';
    return languages.filter((l) => l !== current).map((l) => ({ locale: l, name: this.translations.nativeName(l), href: `${bare}${sep}lang=${l}` }));
  }

  private template(name: string, tenantSlug: string | null): HandlebarsTemplateDelegate | undefined {
    const key = `${tenantSlug ?? ''}:${name}`;
    if (this.cache.has(key)) return this.cache.get(key) ?? undefined;
    const candidates = [...(tenantSlug ? [join(this.dir, 'tenants', tenantSlug, `${name}.hbs`)] : []), join(this.dir, `${name}.hbs`)];
    const file = candidates.find((f) => existsSync(f));
    // preventIndent: an indented {{> field}} would otherwise indent every line of a textarea's value.
    const compiled = file ? this.hbs.compile(readFileSync(file, 'utf8'), { strict: false, preventIndent: true }) : null;
    this.cache.set(key, compiled);
    return compiled ?? undefined;
  }

  private registerHelpers(): void {
    const tr = this.translations;
    /**
     * {{t "key" name=x}}: a message. A value that is already HTML (e.g. `title=(written title lang)`, a
     * text marked with its language) is kept as is inside the escaped message.
     */
    const SafeString = this.hbs.SafeString;
    this.hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      const locale = (options.data.root as { locale: Locale }).locale;
      const html = Object.entries(options.hash as Record<string, unknown>).filter(([, v]) => v instanceof SafeString);
      if (!html.length) return tr.t(locale, key, options.hash);
      const vars: Record<string, unknown> = { ...options.hash };
      html.forEach(([name], i) => (vars[name] = `\u0001${i}\u0001`));
      const text = Handlebars.escapeExpression(tr.t(locale, key, vars));
      return new SafeString(text.replace(/\u0001(\d+)\u0001/g, (_, i: string) => (html[Number(i)][1] as Handlebars.SafeString).toHTML()));
    });
    /** {{tOr key fallback}}: the message when the catalogue has it, else the fallback (labels of open-ended codes). */
    this.hbs.registerHelper('tOr', function (this: unknown, key: string, fallback: unknown, options: Handlebars.HelperOptions) {
      return tr.has(key) ? tr.t((options.data.root as { locale: Locale }).locale, key, options.hash) : fallback;
    });
    /**
     * {{msg reason}}: a message descriptor from domain code (`{ key, values }`) in the page's language,
     * escaped, a text written in another language (`{ text, lang }`) among its values in `<span lang>`.
     */
    this.hbs.registerHelper('msg', function (value: unknown, options: Handlebars.HelperOptions) {
      const locale = (options.data.root as { locale: Locale }).locale;
      return isMessage(value) ? new SafeString(renderMessageHtml((l, k, v) => tr.t(l, k, v), locale, value)) : '';
    });
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    // The badge class of a status by what it means ({{statusClass (concat "phase." phase)}}): see status-meaning.ts.
    this.hbs.registerHelper('statusClass', (key: unknown) => (typeof key === 'string' ? statusClass(key) : 'badge-neutral'));
    this.hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    this.hbs.registerHelper('not', (a: unknown) => !a);
    this.hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    this.hbs.registerHelper('url', function (path: string, options: Handlebars.HelperOptions) {
      return `${(options.data.root as { basePath: string }).basePath}${path}`;
    });
    // An uploaded image fitted in a box of CSS pixels, for a <picture>: {{#with (imageAt tenant.logo 40 240)}}…{{/with}} (image-rules.ts).
    this.hbs.registerHelper('imageAt', function (image: unknown, maxHeight: number, maxWidth: number, options: Handlebars.HelperOptions) {
      const view = imageView(image as StoredImage | null, (options.data.root as { basePath?: string }).basePath ?? '', maxHeight, maxWidth);
      // A fluid image (a hero, a card) says how wide it is shown: {{#with (imageAt cover 900 1600 sizes="(min-width: 50rem) 40rem, 100vw")}}.
      const sizes = options.hash?.sizes;
      return view && typeof sizes === 'string' ? { ...view, sizes } : view;
    });
    this.hbs.registerHelper('array', (...args: unknown[]) => args.slice(0, -1));
    this.hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
    /**
     * Text people wrote, in the page's language or a fallback (the authority's default first):
     * {{loc value}} in element content wraps a fallback in <span lang="xx">; {{locText value}} is the
     * bare text (attributes, <title>, meta tags); {{locHtml value}} is sanitised HTML (a story), in a
     * <div lang="xx"> when it is a fallback. {{langAttr value}} gives ` lang="xx"` for a container.
     */
    const pick = (value: unknown, options: Handlebars.HelperOptions) => {
      const root = options.data.root as { locale: Locale; tenant?: LayoutTenant };
      return { root, found: pickLocalized(value as Localized, root.locale, root.tenant ? [root.tenant.defaultLocale, ...root.tenant.languages] : []) };
    };
    const hbs = this.hbs;
    this.hbs.registerHelper('loc', function (value: unknown, options: Handlebars.HelperOptions) {
      const { root, found } = pick(value, options);
      if (!found) return '';
      if (found.lang === root.locale) return found.text;
      return new hbs.SafeString(`<span lang="${Handlebars.escapeExpression(found.lang)}">${Handlebars.escapeExpression(found.text)}</span>`);
    });
    this.hbs.registerHelper('locText', function (value: unknown, options: Handlebars.HelperOptions) {
      return pick(value, options).found?.text ?? '';
    });
    this.hbs.registerHelper('locHtml', function (value: unknown, options: Handlebars.HelperOptions) {
      const { root, found } = pick(value, options);
      if (!found) return '';
      return new hbs.SafeString(found.lang === root.locale ? found.text : `<div lang="${Handlebars.escapeExpression(found.lang)}">${found.text}</div>`);
    });
    /**
     * Text a person wrote in one known language (an application's title, in the language the applicant
     * used): {{written text lang}} wraps it in <span lang> when that is not the page's language;
     * {{langIfOther lang}} gives ` lang="xx"` for a container.
     */
    this.hbs.registerHelper('written', function (text: unknown, lang: unknown, options: Handlebars.HelperOptions) {
      const root = options.data.root as { locale: Locale };
      const value = text === null || text === undefined ? '' : String(text);
      if (!value || typeof lang !== 'string' || !lang || lang === root.locale) return value;
      return new hbs.SafeString(`<span lang="${Handlebars.escapeExpression(lang)}">${Handlebars.escapeExpression(value)}</span>`);
    });
    this.hbs.registerHelper('langIfOther', function (lang: unknown, options: Handlebars.HelperOptions) {
      const root = options.data.root as { locale: Locale };
      return typeof lang === 'string' && lang && lang !== root.locale ? new hbs.SafeString(` lang="${Handlebars.escapeExpression(lang)}"`) : '';
    });
    this.hbs.registerHelper('langAttr', function (value: unknown, options: Handlebars.HelperOptions) {
      const { root, found } = pick(value, options);
      return found && found.lang !== root.locale ? new hbs.SafeString(` lang="${Handlebars.escapeExpression(found.lang)}"`) : '';
    });
    /**
     * The inputs of a per-language editor for the text-per-language partial, one per language of the
     * authority (its default first, required with required=true): {{> text-per-language langs=(langFields values.title "title")}}.
     */
    this.hbs.registerHelper('langFields', function (value: unknown, name: string, options: Handlebars.HelperOptions) {
      const root = options.data.root as { tenant?: LayoutTenant; locale: Locale };
      const tenant = root.tenant?.languages?.length ? root.tenant : { languages: [root.locale], defaultLocale: root.locale };
      const stored = value && typeof value === 'object' ? (value as Localized) : undefined;
      return languageFields(name, stored, undefined, tenant, { required: !!options.hash.required });
    });
    /**
     * {{number n}}, {{percent ratio}}, {{day date}}: in the page's language. These names are also data
     * fields of some models ({{percent}}): called without an argument, the helper gives the field.
     */
    const formatting = (name: string, format: (value: unknown, root: { locale: Locale; tenant?: LayoutTenant }, hash: Record<string, unknown>) => string) =>
      this.hbs.registerHelper(name, function (this: Record<string, unknown>, ...args: unknown[]) {
        const options = args[args.length - 1] as Handlebars.HelperOptions;
        if (args.length === 1) return this?.[name];
        return format(args[0], options.data.root as { locale: Locale; tenant?: LayoutTenant }, options.hash as Record<string, unknown>);
      });
    formatting('number', (n, root, hash) => formatNumber(Number(n ?? 0), root.locale, typeof hash.decimals === 'number' ? hash.decimals : 2));
    formatting('percent', (ratio, root) => formatPercent(Number(ratio ?? 0), root.locale));
    formatting('fileSize', (bytes, root) => formatFileSize(Number(bytes ?? 0), root.locale));
    /** {{fileKind contentType}}: "PDF", "Word", "JPEG" — what people call a file, not its MIME type. */
    this.hbs.registerHelper('fileKind', (contentType: unknown) => fileKindOf(String(contentType ?? '')));
    formatting('day', (value, root) => (value ? formatDay(new Date(value as string), root.locale, root.tenant?.timeZone ?? 'Europe/Paris') : ''));
    /** A date and time in the tenant's time zone and the page's language. */
    this.hbs.registerHelper('datetime', function (value: unknown, options: Handlebars.HelperOptions) {
      if (!value) return '';
      const root = options.data.root as { locale: Locale; tenant?: LayoutTenant };
      // {{datetime d short=true}}: the compact form for the cells of a list ("2 déc. 2026, 01:06").
      const format = options.hash?.short ? formatInstantShort : formatInstant;
      return format(new Date(value as string), root.locale, root.tenant?.timeZone ?? 'Europe/Paris');
    });
    /** {{timeRange from to}}: a span of time in the authority's zone, the shared date written once ("2 décembre 2026, 18:00 – 19:30"). */
    this.hbs.registerHelper('timeRange', function (from: unknown, to: unknown, options: Handlebars.HelperOptions) {
      if (!from || !to) return '';
      const root = options.data.root as { locale: Locale; tenant?: LayoutTenant };
      return formatInstantRange(new Date(from as string), new Date(to as string), root.locale, root.tenant?.timeZone ?? 'Europe/Paris');
    });
    /** {{money cents}}: an amount in cents, in the page's language ("1 234,50 €", "€1,234.50"); whole euros without decimals. */
    this.hbs.registerHelper('money', function (cents: unknown, options: Handlebars.HelperOptions) {
      const root = options.data.root as { locale: Locale };
      return formatMoney(Number(cents ?? 0), root.locale ?? 'fr');
    });
    this.hbs.registerHelper('isoDate', (value: unknown) => (value ? new Date(value as string).toISOString() : ''));
    this.hbs.registerHelper('inputDatetime', function (value: unknown, options: Handlebars.HelperOptions) {
      if (!value) return '';
      const root = options.data.root as { tenant: LayoutTenant };
      return toLocalInput(new Date(value as string), root.tenant.timeZone);
    });
  }
}

export { formatInstant, formatMoney, toLocalInput } from '../i18n/format.js';
