import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { ViewService } from '../../../src/common/web/view.service.js';
import { EmailRenderer, type RenderedEmail } from '../../../src/notifications/email-renderer.service.js';
import { emailPayload } from '../../../src/notifications/domain/email-payload.js';
import type { Tenant } from '../../../src/tenants/tenant.entity.js';
import { EMAIL_FIXTURES } from '../../fixtures/email-payloads.js';

/**
 * Every e-mail template, in every installed language (fr, en, and nl once its catalogue is in), with a
 * representative payload per variant: no unfilled placeholder, no catalogue key, no "(s)" plural, no
 * "undefined"/"null", no number left unformatted ("4500.00"), and a plain-text part without HTML.
 */
const views = new ViewService();
const renderer = new EmailRenderer(views);
const { translations } = views;
const dir = join(views.dir, 'emails');
const TEMPLATES = readdirSync(dir)
  .filter((f) => f.endsWith('.hbs') && f !== 'layout.hbs')
  .map((f) => f.slice(0, -4));
const tenant = {
  id: '00000000-0000-0000-0000-00000000000a',
  slug: 'email-scan-city',
  name: 'Métropole Test',
  primaryColor: '#1f4e9c',
  accentColor: '#b3541e',
  senderName: 'Métropole Test',
  senderEmail: 'noreply@metropole.example',
  defaultLocale: 'fr',
  languages: [...translations.locales],
  timeZone: 'Europe/Paris',
} as unknown as Tenant;
const KEYS = translations.keys().filter((k) => k.includes('.') && !k.startsWith('meta.'));

function problems(mail: RenderedEmail, payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  const parts = { subject: mail.subject, text: mail.text, html: mail.html };
  for (const [part, s] of Object.entries(parts)) {
    if (/[{}]/.test(s)) out.push(`${part}: unfilled placeholder: ${s.match(/.{0,30}[{}].{0,30}/)![0]}`);
    if (/\(s\)/.test(s)) out.push(`${part}: "(s)" plural`);
    if (/\b(undefined|null|NaN)\b|\[object Object\]/.test(s)) out.push(`${part}: ${s.match(/\b(undefined|null|NaN)\b|\[object Object\]/)![0]}`);
    if (/\b\d+\.00\b/.test(s) || /(?<![\d.,\s\u00a0\u202f])\d{4,}[.,]\d{2}(?!\d)/.test(s)) out.push(`${part}: unformatted amount`);
    const key = KEYS.find((k) => s.includes(k));
    if (key) out.push(`${part}: raw catalogue key ${key}`);
    if (!s.trim()) out.push(`${part}: empty`);
  }
  if (/<\/?[a-z!][^>]*>/i.test(mail.text)) out.push(`text: HTML tag ${mail.text.match(/<\/?[a-z!][^>]*>/i)![0]}`);
  if (/&(#\d+|#x[\da-f]+|[a-z]+);/i.test(mail.text + mail.subject)) out.push('text or subject: HTML entity');
  if (/\n/.test(mail.subject)) out.push('subject: more than one line');
  if (typeof payload.link === 'string' && !mail.text.includes(payload.link)) out.push('text: the link is not written out');
  return out;
}

describe('e-mail templates', () => {
  it('has a fixture for every template and a template for every fixture', () => {
    expect(Object.keys(EMAIL_FIXTURES).sort()).toEqual([...TEMPLATES].sort());
  });

  it('has no per-language template files left', () => {
    expect(readdirSync(dir).filter((f) => /\.[a-z]{2,3}\.hbs$/.test(f))).toEqual([]);
  });

  const cases = TEMPLATES.flatMap((template) =>
    translations.locales.flatMap((locale) => (EMAIL_FIXTURES[template] ?? []).map((f) => [template, locale, f.variant] as const)),
  );
  it.each(cases)('%s in %s (%s) reads as written', (template, locale, variant) => {
    const fixture = EMAIL_FIXTURES[template].find((f) => f.variant === variant)!;
    const payload = fixture.payload(locale);
    const mail = renderer.render(tenant, template, locale, payload);
    expect(problems(mail, payload)).toEqual([]);
    expect(mail.html).toContain(`<html lang="${locale}">`);
  });

  it.each([...translations.locales])('writes the receipt copy one label and value per line (%s)', (locale) => {
    const payload = EMAIL_FIXTURES['application-received'][0].payload(locale);
    const { text } = renderer.render(tenant, 'application-received', locale, payload);
    for (const row of payload.rows as Array<{ label: string; value: string }>) {
      const label = translations.t(locale, 'email.rowLabel', { label: row.label });
      expect(text.split('\n')).toContain(`${label} ${row.value}`);
    }
  });

  it('formats amounts, counts and plurals for the reader', () => {
    const settled = EMAIL_FIXTURES['campaign-settled'][0].payload('fr');
    const fr = renderer.render(tenant, 'campaign-settled', 'fr', settled).text;
    expect(fr).toContain('4\u202f500\u00a0€ de 57 contributeur·rices et 1\u202f234,50\u00a0€ des partenaires, pour un objectif de 4\u202f000\u00a0€');
    const en = renderer.render(tenant, 'campaign-settled', 'en', settled).text;
    expect(en).toContain('€4,500 from 57 contributors and €1,234.50 from partners, for a goal of €4,000');
    const one = renderer.render(tenant, 'campaign-settled', 'en', EMAIL_FIXTURES['campaign-settled'][1].payload('en')).text;
    expect(one).toContain('from 1 contributor, for a goal');
    const reminder = EMAIL_FIXTURES['coaching-reminder'][0].payload('fr');
    expect(renderer.render(tenant, 'coaching-reminder', 'fr', reminder).subject).toBe('Rappel : Campaign story à rendre dans 7 jours');
    const tomorrow = EMAIL_FIXTURES['coaching-reminder'][1].payload('en');
    expect(renderer.render(tenant, 'coaching-reminder', 'en', tomorrow).subject).toBe('Reminder: Budget plan is due in 1 day');
    const jury = renderer.render(tenant, 'jury-reminder', 'en', EMAIL_FIXTURES['jury-reminder'][0].payload('en')).text;
    expect(jury).toContain('(3 of 1,200)');
    const settledDay = renderer.render(tenant, 'contribution-settled', 'fr', EMAIL_FIXTURES['contribution-settled'][0].payload('fr')).text;
    expect(settledDay).toContain('confirmée le 12 septembre 2026'); // 23:30 in Paris
  });

  it("names a phase and a role by the catalogue's words, not their codes", () => {
    const phase = renderer.render(tenant, 'phase-changed', 'fr', EMAIL_FIXTURES['phase-changed'][0].payload('fr')).text;
    expect(phase).toContain('de la phase « Appel à projets ouvert » à la phase « Instruction des candidatures » (changement manuel)');
    const invitation = renderer.render(tenant, 'invitation', 'en', EMAIL_FIXTURES.invitation[0].payload('en')).text;
    expect(invitation).toContain('(role: Juror)');
  });

  it('writes the plain-text part readably: links out, quotes and line breaks kept, no entities', () => {
    const payload = EMAIL_FIXTURES['campaign-reviewed'][1].payload('fr');
    const { text } = renderer.render(tenant, 'campaign-reviewed', 'fr', payload);
    expect(text).toBe(
      [
        'Bonjour,',
        '',
        'L’équipe du programme demande des modifications à votre campagne « Atelier de réparation de vélos ».',
        '',
        '> Ajoutez une photo.',
        '> Et une contrepartie à 10 €.',
        '',
        `Ouvrir ma campagne (${payload.link as string})`,
        '',
        // A transactional e-mail ends with why it was sent (the site's host when the sender knows it).
        'Vous recevez ce message parce que vous portez une campagne sur Métropole Test.',
      ].join('\n'),
    );
    const quoted = renderer.render(tenant, 'campaign-update', 'en', {
      campaignTitle: 'Tom & Jerry "café"',
      title: "Ada's <b>news</b>",
      body: 'a\nb',
      link: 'https://x.test/c',
    });
    expect(quoted.subject).toBe(`"Tom & Jerry "café"": Ada's <b>news</b>`);
    expect(quoted.text).toContain("posted news:\n\nAda's <b>news</b>\n\na\nb");
    expect(quoted.html).toContain('Ada&#x27;s &lt;b&gt;news&lt;/b&gt;');
  });

  it('takes the payloads of rows queued before content was stored per language', () => {
    const legacy = {
      name: 'Ines',
      title: 'Budget',
      when: 'x',
      daysBefore: 2,
      beforeDue: true,
      sessionDay: false,
      overdue: false,
      programmeTitleFr: 'Makers FR',
      programmeTitleEn: '',
      link: 'https://x.test',
    };
    expect(emailPayload('coaching-reminder', legacy, 'en')).toMatchObject({
      programmeTitle: { fr: 'Makers FR' },
      title: { en: 'Budget' },
      kind: 'before_due',
      programmeTitleFr: 'Makers FR',
    });
    const mail = renderer.render(tenant, 'coaching-reminder', 'en', legacy);
    // The English title is missing: the French one, marked as French.
    expect(mail.html).toContain('<p lang="fr">Makers FR</p>');
    expect(mail.subject).toBe('Reminder: Budget is due in 2 days');
    expect(emailPayload('jury-result', { waiting: true }, 'fr')).toMatchObject({ outcome: 'waiting' });
    expect(emailPayload('campaign-settled', { matchedCents: '1200', collectedCents: 5 }, 'fr')).toMatchObject({ matchedCents: 1200, collectedCents: 5 });
    // A language whose catalogue is not installed reads in the authority's default.
    expect(renderer.render(tenant, 'sign-in-link', 'xx', { name: 'Ada', minutes: 30, link: 'https://x.test' }).subject).toBe(
      'Votre lien de connexion à Métropole Test',
    );
  });

  it('catches what it scans for', () => {
    const bad = { subject: 'Plus que 7 jour(s)', html: '<p>x</p>', text: 'Titre<b>x</b> 4500.00 {name} email.sign-in-link.subject undefined &amp;' };
    expect(problems(bad, { link: 'https://x.test' })).toEqual([
      'subject: "(s)" plural',
      'text: unfilled placeholder: Titre<b>x</b> 4500.00 {name} email.sign-in-link.subject un',
      'text: undefined',
      'text: unformatted amount',
      'text: raw catalogue key email.sign-in-link.subject',
      'text: HTML tag <b>',
      'text or subject: HTML entity',
      'text: the link is not written out',
    ]);
  });

  it("reads an authority's override, for every language or for one", () => {
    const slug = `email-override-${process.pid}`;
    const overrides = join(views.dir, 'tenants', slug, 'emails');
    mkdirSync(overrides, { recursive: true });
    try {
      writeFileSync(
        join(overrides, 'sign-in-link.hbs'),
        '{{t "email.sign-in-link.subject" authority=tenant.name}} ✦\n---\n<p>{{t "email.greetingNamed" name=name}}</p><p><a href="{{link}}">{{link}}</a></p>\n',
      );
      writeFileSync(join(overrides, 'sign-in-link.fr.hbs'), 'Connexion à {{tenant.name}}\n---\n<p>Bonjour {{name}} : <a href="{{link}}">{{link}}</a></p>\n');
      const own = { ...tenant, slug } as Tenant;
      const payload = { name: 'Ada', minutes: 30, link: 'https://x.test/sign-in/link/t' };
      expect(renderer.render(own, 'sign-in-link', 'en', payload)).toMatchObject({
        subject: 'Your sign-in link to Métropole Test ✦',
        text: 'Hello Ada,\n\nhttps://x.test/sign-in/link/t\n\nYou are receiving this message because you asked for a sign-in link on Métropole Test.',
      });
      expect(renderer.render(own, 'sign-in-link', 'fr', payload)).toMatchObject({
        subject: 'Connexion à Métropole Test',
        text: 'Bonjour Ada : https://x.test/sign-in/link/t\n\nVous recevez ce message parce que vous avez demandé un lien de connexion sur Métropole Test.',
      });
    } finally {
      rmSync(join(views.dir, 'tenants', slug), { recursive: true, force: true });
      if (existsSync(join(views.dir, 'tenants')) && !readdirSync(join(views.dir, 'tenants')).length) rmSync(join(views.dir, 'tenants'), { recursive: true });
    }
  });

  it('uses Localized maps with the fallback of the authority', () => {
    const payload = { campaignTitle: { en: 'Bike repair' }, title: { fr: 'Premières pièces' }, body: { fr: 'Merci' }, link: 'https://x.test/c' };
    const mail = renderer.render(tenant, 'campaign-update', 'en', payload);
    expect(mail.subject).toBe('"Bike repair": Premières pièces');
    expect(mail.html).toContain('<h2 lang="fr">Premières pièces</h2>');
  });
});

describe('e-mail catalogue in Dutch (stand-in until nl.json is merged)', () => {
  const additions = join(views.dir, 'i18n', 'nl.additions.json');
  const fr = translations.catalogue('fr');
  const nl: Record<string, string> = existsSync(join(views.dir, 'i18n', 'nl.json'))
    ? { ...translations.catalogue('nl') }
    : (JSON.parse(readFileSync(additions, 'utf8')) as Record<string, string>);
  const args = (source: string, tag: string) => {
    const names = new Set<string>();
    const walk = (nodes: Array<{ type: number; value?: unknown; options?: Record<string, { value: unknown[] }> }>) => {
      for (const n of nodes) {
        if (n.type !== 0 && n.type !== 7 && n.type !== 8 && typeof n.value === 'string') names.add(n.value);
        for (const o of Object.values(n.options ?? {})) walk(o.value as never);
      }
    };
    walk(new IntlMessageFormat(source.replace(/'/g, "''"), tag, undefined, { ignoreTag: true }).getAst() as never);
    return [...names].sort();
  };
  const emailKeys = Object.keys(fr).filter((k) => k.startsWith('email.') || k.startsWith('apply.row.'));

  it('has every e-mail message', () => {
    expect(emailKeys.filter((k) => !nl[k])).toEqual([]);
  });

  it.each(emailKeys)('%s has the placeholders of the French', (key) => {
    expect(args(nl[key], 'nl-NL')).toEqual(args(fr[key], 'fr-FR'));
  });
});
