import { ViewService } from '../../../src/common/web/view.service.js';
import { barChartSvg } from '../../../src/reports/domain/charts.js';

/**
 * Issue 15: a text an applicant wrote (an application's title) is in the language they applied in;
 * on a page in another language it is marked with that `lang`, also inside a message.
 */
const views = new ViewService();

describe('texts people wrote, marked with their language', () => {
  it('marks an application title written in another language than the page', () => {
    const model = (locale: string) => ({
      locale,
      basePath: '',
      applications: [
        { id: 'a1', title: 'Café & réparation', locale: 'fr', status: 'submitted', receiptNumber: 'R-1', programme: { title: { fr: 'Appel', en: 'Call' } } },
      ],
    });
    expect(views.render('pages/applications/mine', 'none', model('en'))).toContain('<span lang="fr">Café &amp; réparation</span>');
    const fr = views.render('pages/applications/mine', 'none', model('fr'))!;
    expect(fr).toContain('>Café &amp; réparation</a>');
    expect(fr).not.toContain('lang="fr"');
  });

  it('keeps a marked title inside a message, the rest of it escaped once', () => {
    const model = (locale: string) => ({
      locale,
      basePath: '',
      token: 't',
      email: 'a&b@example.test',
      applicationTitle: 'Café <réparation>',
      applicationTitleLang: 'fr',
    });
    const en = views.render('pages/applications/contact-email', 'none', model('en'))!;
    expect(en).toContain('(a&amp;b@example.test)');
    expect(en).toContain('“<span lang="fr">Café &lt;réparation&gt;</span>”');
    const fr = views.render('pages/applications/contact-email', 'none', model('fr'))!;
    expect(fr).not.toContain('<span lang');
    expect(fr).toContain('Café &lt;réparation&gt;');
  });

  it('marks a bar label of the results chart with its language', () => {
    const svg = barChartSvg({
      id: 'c',
      title: 'T',
      desc: 'D',
      colour: '#123456',
      goalLabel: 'goal',
      bars: [{ label: 'Compost', lang: 'fr', percent: 50, valueText: '50%' }],
    });
    expect(svg).toContain('<text x="2" y="41" fill="#1a1a1a" lang="fr">Compost</text>');
    expect(
      barChartSvg({ id: 'c', title: 'T', desc: 'D', colour: '#123456', goalLabel: 'goal', bars: [{ label: 'Compost', percent: 50, valueText: '50%' }] }),
    ).not.toContain('lang=');
  });
});
