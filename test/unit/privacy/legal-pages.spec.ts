import { sharedTranslations } from '../../../src/common/web/i18n.js';
import { CONSENT_PURPOSES, consentTextVersion, emailKeyOf, isConsentPurpose } from '../../../src/privacy/domain/consent-purposes.js';
import { checkSettings, textToHtml } from '../../../src/privacy/domain/legal-settings.js';
import { activitiesFor, activityKeys, PROCESSING_ACTIVITIES } from '../../../src/privacy/domain/processing-activities.js';
import { RETENTION_ANCHOR, RETENTION_KINDS } from '../../../src/privacy/domain/retention.js';

const VALID = { controllerName: 'Commune de Lumière', dpoEmail: 'dpo@lumiere.test', rgaaStatus: 'partial', rgaaAuditDate: '2026-03-01' };

describe('privacy settings form', () => {
  it('trims and keeps a valid form, an empty audit date as none', () => {
    const r = checkSettings({ ...VALID, controllerName: '  Commune de Lumière ', rgaaAuditDate: '' });
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({ controllerName: 'Commune de Lumière', rgaaAuditDate: null, rgaaStatus: 'partial', hostName: '' }),
    });
  });

  it('names every bad field at once', () => {
    const r = checkSettings({
      controllerName: '',
      dpoEmail: 'not mail',
      rgaaStatus: 'half',
      rgaaAuditDate: '2026-02-31x',
      hostName: 'x'.repeat(501),
      hostAddress: 3,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.field}:${p.key}`).sort()).toEqual(
      [
        'controllerName:validation.required',
        'dpoEmail:validation.isEmail',
        'rgaaStatus:validation.isIn',
        'rgaaAuditDate:validation.isDate',
        'hostName:validation.maxLength',
        'hostAddress:validation.isString',
      ].sort(),
    );
  });

  it('refuses a day that does not exist', () => {
    expect(checkSettings({ ...VALID, rgaaAuditDate: '2026-02-31' }).ok).toBe(false);
    expect(checkSettings({ ...VALID, rgaaAuditDate: '2028-02-29' }).ok).toBe(true);
  });

  it('defaults the RGAA status to none', () => {
    const r = checkSettings({ controllerName: 'X', dpoEmail: 'a@b.fr' });
    expect(r.ok && r.value.rgaaStatus).toBe('none');
  });
});

describe('legal page text', () => {
  it('makes paragraphs, headings and lists, and never takes what is typed as markup', () => {
    expect(textToHtml('# Titre\n\nUn <b>texte</b>\nsur deux lignes.\n\n- un\n- deux')).toBe(
      '<h2>Titre</h2>\n<p>Un &lt;b&gt;texte&lt;/b&gt;<br>sur deux lignes.</p>\n<ul><li>un</li><li>deux</li></ul>',
    );
    expect(textToHtml('\r\n\r\n  ')).toBe('');
    expect(textToHtml('"quoted" & more')).toBe('<p>&quot;quoted&quot; &amp; more</p>');
  });
});

describe('processing activities', () => {
  it('covers the authority and programmes, each with a purpose, a basis, data and recipients', () => {
    expect(activitiesFor('authority').length).toBeGreaterThan(0);
    expect(activitiesFor('programme').length).toBeGreaterThan(0);
    for (const a of PROCESSING_ACTIVITIES) {
      expect(a.data.length).toBeGreaterThan(0);
      expect(a.recipients.length).toBeGreaterThan(0);
      if (a.retention) expect(RETENTION_KINDS).toContain(a.retention);
    }
    expect(new Set(PROCESSING_ACTIVITIES.map((a) => a.key)).size).toBe(PROCESSING_ACTIVITIES.length);
  });

  it('has every word in every catalogue, with the retention anchors', () => {
    const tr = sharedTranslations();
    const keys = [
      ...activityKeys(),
      ...Object.values(RETENTION_ANCHOR).map((a) => `privacy.anchor.${a}`),
      ...CONSENT_PURPOSES.flatMap((p) => [`consent.purpose.${p}`, `consent.box.${p}`]),
    ];
    expect(keys.filter((k) => !tr.has(k))).toEqual([]);
  });

  it('says a retention period in words, with plurals and "until" for zero months', () => {
    const tr = sharedTranslations();
    const words = (locale: string, months: number) => tr.t(locale, 'privacy.retention.words', { months, anchor: tr.t(locale, 'privacy.anchor.results') });
    expect(words('fr', 12)).toBe('12 mois après la publication des résultats');
    expect(words('en', 1)).toBe('1 month after the publication of the results');
    expect(words('en', 0)).toBe('until the publication of the results');
    expect(words('nl', 13)).toBe('13 maanden na de publicatie van de resultaten');
  });
});

describe('consent purposes', () => {
  it('fingerprints the exact text shown, and keys e-mails the same way everywhere', () => {
    const a = consentTextVersion('campaign_news', 'I agree');
    expect(a).toMatch(/^campaign_news:[0-9a-f]{8}$/);
    expect(consentTextVersion('campaign_news', ' I agree ')).toBe(a);
    expect(consentTextVersion('campaign_news', 'I agree!')).not.toBe(a);
    expect(emailKeyOf('  Sam@Example.ORG ')).toBe('sam@example.org');
    expect(isConsentPurpose('authority_news')).toBe(true);
    expect(isConsentPurpose('marketing')).toBe(false);
  });
});
