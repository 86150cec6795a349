import { campaignProgress, countdownTo, daysLeft, formatMoney, formatPercent, percentOfGoal } from './progress.js';
import { isCampaignPublic, laureatesArePublic, windowState } from './public-rules.js';
import { alternatesOf, escapeXml, localizedUrl, robotsTxt, sitemapXml } from './sitemap.js';
import { TtlCache } from '../../common/cache/ttl-cache.js';

const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('money, percentages and days on public pages', () => {
  it('formats cents as euros per locale, with cents only when there are some', () => {
    expect(plain(formatMoney(123_400, 'fr'))).toBe('1 234 €');
    expect(formatMoney(123_400, 'en')).toBe('€1,234');
    expect(plain(formatMoney(150_050, 'fr'))).toBe('1 500,50 €');
    expect(formatMoney(150_050, 'en')).toBe('€1,500.50');
    expect(plain(formatMoney(0, 'fr'))).toBe('0 €');
    expect(plain(formatMoney(5_500_000_00, 'fr'))).toBe('5 500 000 €');
  });

  it('rounds the percentage of the goal down, and exceeds 100 when overfunded', () => {
    expect(percentOfGoal(99_999, 100_000)).toBe(99);
    expect(percentOfGoal(100_000, 100_000)).toBe(100);
    expect(percentOfGoal(150_050, 100_000)).toBe(150);
    expect(percentOfGoal(10, 0)).toBe(0);
    expect(plain(formatPercent(28, 'fr'))).toBe('28 %');
    expect(formatPercent(28, 'en')).toBe('28%');
  });

  it('counts days left up to the closing, 0 after, null when unscheduled', () => {
    const close = new Date('2026-10-19T16:00:00Z');
    expect(daysLeft(close, new Date('2026-10-19T15:59:00Z'))).toBe(1);
    expect(daysLeft(close, new Date('2026-10-18T16:00:00Z'))).toBe(1);
    expect(daysLeft(close, new Date('2026-10-18T15:00:00Z'))).toBe(2);
    expect(daysLeft(close, new Date('2026-10-19T16:00:00Z'))).toBe(0);
    expect(daysLeft(close, new Date('2026-11-01T00:00:00Z'))).toBe(0);
    expect(daysLeft(null, new Date())).toBeNull();
  });

  it('counts down to the opening in days, then hours, then "soon"', () => {
    const open = new Date('2026-09-07T07:00:00Z');
    expect(countdownTo(open, new Date('2026-09-04T07:00:00Z'))).toEqual({ unit: 'days', count: 3 });
    expect(countdownTo(open, new Date('2026-09-04T08:00:00Z'))).toEqual({ unit: 'days', count: 3 });
    expect(countdownTo(open, new Date('2026-09-06T08:00:00Z'))).toEqual({ unit: 'hours', count: 23 });
    expect(countdownTo(open, new Date('2026-09-07T06:30:00Z'))).toEqual({ unit: 'soon', count: 0 });
    expect(countdownTo(open, new Date('2026-09-08T00:00:00Z'))).toEqual({ unit: 'soon', count: 0 });
    expect(countdownTo(null, new Date())).toBeNull();
  });

  it('builds the progress partial input, counting match-funding toward the goal only when the programme says so', () => {
    const base = {
      label: 'Vélo',
      goalCents: 500_000,
      collectedCents: 123_400,
      matchedCents: 20_000,
      matchCountsTowardGoal: true,
      contributorCount: 1,
      opensAt: new Date('2026-09-07T07:00:00Z'),
      closesAt: new Date('2026-10-19T16:00:00Z'),
      state: 'open' as const,
      now: new Date('2026-09-10T08:00:00Z'),
      locale: 'fr' as const,
    };
    const p = campaignProgress(base);
    expect(p).toMatchObject({
      percent: 28,
      barValue: 28,
      contributors: 1,
      daysLeft: 40,
    });
    expect(plain(p.collectedText)).toBe('1 234 €');
    expect(plain(p.matchedText!)).toBe('200 €');
    expect(campaignProgress({ ...base, matchCountsTowardGoal: false }).percent).toBe(24);
    expect(campaignProgress({ ...base, matchedCents: 0 }).matchedText).toBeNull();
    expect(campaignProgress({ ...base, collectedCents: 900_000 }).barValue).toBe(100);
    expect(campaignProgress({ ...base, state: 'closed' }).daysLeft).toBe(0);
  });
});

describe('what the public may see', () => {
  it('shows laureates from the announcement, campaigns from the communication phase once approved', () => {
    expect(laureatesArePublic('jury')).toBe(false);
    expect(laureatesArePublic('announced')).toBe(true);
    expect(laureatesArePublic('results')).toBe(true);
    expect(isCampaignPublic('approved', 'coaching')).toBe(false);
    expect(isCampaignPublic('approved', 'communication')).toBe(true);
    for (const s of ['draft', 'in_review', 'changes_requested'] as const) expect(isCampaignPublic(s, 'campaign')).toBe(false);
    for (const s of ['approved', 'live', 'awaiting_funds', 'funded', 'not_funded'] as const) expect(isCampaignPublic(s, 'results')).toBe(true);
    expect(['communication', 'campaign', 'settlement', 'results'].map((p) => windowState(p as never))).toEqual(['upcoming', 'open', 'closed', 'closed']);
  });
});

describe('canonical URLs, sitemap and robots', () => {
  it('gives each language an explicit URL and the bare URL as x-default', () => {
    expect(localizedUrl('https://ville.fr', '/programmes/makers', 'en')).toBe('https://ville.fr/programmes/makers?lang=en');
    expect(localizedUrl('https://ville.fr', '/x?page=2', 'fr')).toBe('https://ville.fr/x?page=2&lang=fr');
    expect(alternatesOf('https://ville.fr', '/p', ['fr', 'en']).map((a) => `${a.hreflang} ${a.href}`)).toEqual([
      'fr https://ville.fr/p?lang=fr',
      'en https://ville.fr/p?lang=en',
      'x-default https://ville.fr/p',
    ]);
    // The alternates follow the authority's languages.
    expect(alternatesOf('https://ville.fr', '/p', ['nl', 'fr']).map((a) => a.hreflang)).toEqual(['nl', 'fr', 'x-default']);
  });

  it('writes an escaped urlset with one entry per page and language', () => {
    const xml = sitemapXml(
      'https://ville.fr',
      [
        { path: '/', lastmod: new Date('2026-04-15T10:00:00.123Z') },
        { path: '/a&b', lastmod: null },
      ],
      ['fr', 'en'],
    );
    expect(xml.match(/<url>/g)).toHaveLength(4);
    expect(xml).toContain('<loc>https://ville.fr/?lang=fr</loc><lastmod>2026-04-15T10:00:00Z</lastmod>');
    expect(xml).toContain('<loc>https://ville.fr/a&amp;b?lang=en</loc><xhtml:link');
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
    expect(escapeXml(`<"'&>`)).toBe('&lt;&quot;&apos;&amp;&gt;');
    // Three languages: three entries per page, each with three alternates and x-default.
    const three = sitemapXml('https://ville.fr', [{ path: '/', lastmod: null }], ['fr', 'en', 'nl']);
    expect(three.match(/<url>/g)).toHaveLength(3);
    expect(three).toContain('<loc>https://ville.fr/?lang=nl</loc>');
    expect(three.match(/hreflang="nl"/g)).toHaveLength(3);
  });

  it('keeps the /t/<slug> prefix in robots.txt rules when the site lives under it', () => {
    expect(robotsTxt('https://ville.fr')).toContain('Disallow: /staff\n');
    const local = robotsTxt('http://localhost:3000/t/ville');
    expect(local).toContain('Disallow: /t/ville/jury\n');
    expect(local).toContain('Sitemap: http://localhost:3000/t/ville/sitemap.xml');
  });
});

describe('the read-model cache', () => {
  it('shares one load between concurrent misses, expires after its delay, and forgets failures', async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<number>(5_000, 3, () => now);
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    now = 4_999;
    expect(await cache.get('a', load)).toBe(1);
    now = 5_000;
    expect(await cache.get('a', load)).toBe(2);
    now = 1_000; // a clock moved back: not trusted
    expect(await cache.get('a', load)).toBe(3);
    await expect(cache.get('b', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('b', load)).toBe(4);
  });

  it('past its life, serves the last value while one read replaces it', async () => {
    let now = 0;
    let reads = 0;
    let version = 1;
    const cache = new TtlCache<{ v: number }>(5_000, 10, () => now, { staleMs: 60_000 });
    const load = async () => {
      reads += 1;
      return { v: version };
    };
    const first = await cache.get('t', load);
    now = 6_000;
    // Past its life: the readers of this instant get the last value at once, and one read starts.
    expect(await Promise.all([cache.get('t', load), cache.get('t', load)])).toEqual([first, first]);
    expect(reads).toBe(2);
    await new Promise((r) => setImmediate(r));
    // Read again: fresh for another 5 s.
    expect(await cache.get('t', load)).toEqual(first);
    now = 10_999;
    expect(await cache.get('t', load)).toEqual(first);
    expect(reads).toBe(2);
    version = 2;
    now = 11_000;
    expect(await cache.get('t', load)).toEqual({ v: 1 });
    await new Promise((r) => setImmediate(r));
    expect(await cache.get('t', load)).toEqual({ v: 2 });
    // Past its staleness too: the reader waits for a fresh read.
    version = 3;
    now = 100_000;
    expect(await cache.get('t', load)).toEqual({ v: 3 });
    // A failed background read keeps the last value; the next reader past its life tries again.
    now = 106_000;
    const failing = () => Promise.reject(new Error('db down'));
    expect(await cache.get('t', failing)).toEqual({ v: 3 });
    await new Promise((r) => setImmediate(r));
    version = 4;
    expect(await cache.get('t', load)).toEqual({ v: 3 });
    await new Promise((r) => setImmediate(r));
    expect(await cache.get('t', load)).toEqual({ v: 4 });
    // Forgotten while a read was under way: that read does not bring the old entry back.
    now = 112_000;
    let release: (v: { v: number }) => void = () => {};
    expect(await cache.get('t', () => new Promise((r) => (release = r)))).toEqual({ v: 4 });
    cache.delete();
    release({ v: 99 });
    await new Promise((r) => setImmediate(r));
    version = 5;
    expect(await cache.get('t', load)).toEqual({ v: 5 });
  });

  it('peeks without waiting: nothing on a miss, the last value while it may be served', async () => {
    let now = 0;
    const cache = new TtlCache<string>(5_000, 10, () => now, { staleMs: 60_000 });
    expect(cache.peek('t')).toBeUndefined();
    await cache.get('t', async () => 'a');
    now = 30_000;
    expect(cache.peek('t', async () => 'b')).toBe('a');
    await new Promise((r) => setImmediate(r));
    expect(cache.peek('t')).toBe('b');
    now = 200_000;
    expect(cache.peek('t')).toBeUndefined();
  });

  it('stays within its size and forgets by prefix', async () => {
    const cache = new TtlCache<string>(5_000, 3, () => 0);
    for (const k of ['t1:a', 't1:b', 't2:a', 't2:b']) await cache.get(k, async () => k);
    expect(cache.size).toBe(3);
    cache.delete('t2:');
    expect(cache.size).toBe(1);
    cache.delete();
    expect(cache.size).toBe(0);
  });
});
