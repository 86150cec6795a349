import { mastodonInstance, mastodonShareUrl, shareLinks } from '../../../src/campaigns/domain/share.js';
import { excerptOf } from '../../../src/campaigns/campaign-social.view.js';

describe('share links', () => {
  it('URL-encodes the title and the canonical URL in every link', () => {
    const links = shareLinks('https://ville.example/programmes/p/campaigns/c?lang=fr', 'Vélos & co', 'Body https://ville.example/x');
    const byNetwork = Object.fromEntries(links.map((l) => [l.network, l.href]));
    expect(byNetwork.facebook).toBe('https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fville.example%2Fprogrammes%2Fp%2Fcampaigns%2Fc%3Flang%3Dfr');
    expect(byNetwork.x).toBe(
      'https://x.com/intent/post?text=V%C3%A9los%20%26%20co&url=https%3A%2F%2Fville.example%2Fprogrammes%2Fp%2Fcampaigns%2Fc%3Flang%3Dfr',
    );
    expect(byNetwork.email).toBe('mailto:?subject=V%C3%A9los%20%26%20co&body=Body%20https%3A%2F%2Fville.example%2Fx');
    expect(links.map((l) => l.network)).toEqual(['email', 'facebook', 'linkedin', 'x', 'whatsapp', 'bluesky']);
  });

  it.each([
    ['mastodon.social', 'mastodon.social'],
    ['https://Piaille.fr/', 'piaille.fr'],
    ['  social.example.org ', 'social.example.org'],
    ['toot.café', 'toot.xn--caf-dma'],
  ])('accepts the instance %j as %j', (input, host) => {
    expect(mastodonInstance(input)).toBe(host);
  });

  it.each([
    'javascript:alert(1)',
    'http://mastodon.social',
    'ftp://mastodon.social',
    '//mastodon.social',
    'mastodon.social/share',
    'mastodon.social:443',
    'me@mastodon.social',
    'mastodon.social?x',
    'mastodon.social#x',
    'localhost',
    '10.0.0.1',
    'a..b',
    'a.-b.example',
    `${'a'.repeat(64)}.example`,
    '',
    ' ',
  ])('refuses the instance %j', (input) => {
    expect(mastodonInstance(input)).toBeNull();
  });

  it('sends to the instance share page only', () => {
    expect(mastodonShareUrl('piaille.fr', 'Vélos', 'https://ville.example/c')).toBe(
      'https://piaille.fr/share?text=V%C3%A9los%20https%3A%2F%2Fville.example%2Fc',
    );
  });

  it('cuts a long news text at a word, in each of its languages', () => {
    const long = 'mot '.repeat(100);
    const e = excerptOf({ fr: long, en: 'Short.' });
    expect(e.en).toBe('Short.');
    expect(e.fr.endsWith('mot…')).toBe(true);
    expect(e.fr.length).toBeLessThanOrEqual(181);
  });
});
