import { CAMPAIGN_PAGE_FULL_TTL_MS, CAMPAIGN_PAGE_MAX_STALE_MS, CAMPAIGN_PAGE_TTL_MS, CampaignPageCache } from '../../../src/campaigns/campaign-page.cache.js';
import type { CampaignPage } from '../../../src/campaigns/campaigns.service.js';
import { FixedClock } from '../../../src/common/clock/clock.js';

const pageOf = (campaignId: string, v: number) => ({ campaign: { id: campaignId }, v }) as unknown as CampaignPage & { v: number };

/** A load the test finishes when it wants (a page still loading when a contribution arrives). */
function deferred(campaignId: string, v: number) {
  let finish!: () => void;
  const promise = new Promise<CampaignPage>((resolve) => (finish = () => resolve(pageOf(campaignId, v))));
  return { load: () => promise, finish };
}

describe('campaign page cache', () => {
  const tenant = 't1';
  let clock: FixedClock;
  let cache: CampaignPageCache;
  let loads: number;
  const get = (key: string, campaignId: string) =>
    cache.get(tenant, key, async () => {
      loads += 1;
      return pageOf(campaignId, loads);
    }) as Promise<CampaignPage & { v: number }>;

  beforeEach(() => {
    clock = new FixedClock(new Date('2026-09-01T08:00:00Z'));
    cache = new CampaignPageCache(clock);
    loads = 0;
  });

  it("forgets one campaign's pages and keeps the others'", async () => {
    await get('slug:p/a', 'A');
    await get('slug:p/b', 'B');
    cache.forgetCampaign(tenant, 'A');
    expect((await get('slug:p/a', 'A')).v).toBe(3);
    expect((await get('slug:p/b', 'B')).v).toBe(2);
    cache.forget(tenant);
    expect((await get('slug:p/b', 'B')).v).toBe(4);
  });

  it('does not keep a page that was loading when its campaign changed, and keeps the others still loading', async () => {
    const a = deferred('A', 10);
    const b = deferred('B', 20);
    const waitingA = cache.get(tenant, 'slug:p/a', a.load);
    const waitingB = cache.get(tenant, 'slug:p/b', b.load);
    cache.forgetCampaign(tenant, 'A');
    a.finish();
    b.finish();
    // Whoever waited gets what was read; the next reader of A reads again, B's page stays cached.
    expect(((await waitingA) as CampaignPage & { v: number }).v).toBe(10);
    expect(((await waitingB) as CampaignPage & { v: number }).v).toBe(20);
    await Promise.resolve();
    expect((await get('slug:p/a', 'A')).v).toBe(1);
    expect(((await cache.get(tenant, 'slug:p/b', async () => pageOf('B', 99))) as CampaignPage & { v: number }).v).toBe(20);
  });

  it('shares one load and one rendering among concurrent readers, and expires after its time', async () => {
    let renders = 0;
    const render = async () => `<p>${++renders}</p>`;
    const variant = { key: 'fr', tenant: {} };
    const all = await Promise.all(Array.from({ length: 5 }, () => cache.rendered(tenant, 'slug:p/a', async () => pageOf('A', ++loads), variant, render)));
    expect(new Set(all.map((x) => x.html))).toEqual(new Set(['<p>1</p>']));
    expect(loads).toBe(1);
    clock.advance(2_001);
    // Past its life: served once more while it is read again in the background, then the new page.
    const show = () => cache.rendered(tenant, 'slug:p/a', async () => pageOf('A', ++loads), variant, render);
    expect((await show()).html).toBe('<p>1</p>');
    await new Promise((r) => setImmediate(r));
    expect((await show()).html).toBe('<p>2</p>');
    // Nobody read it for longer than the stale window: the reader waits for a fresh read.
    clock.advance(CAMPAIGN_PAGE_MAX_STALE_MS);
    expect((await show()).html).toBe('<p>3</p>');
  });

  it('reads only the figures again after a change or past their life, the whole page past the longer one', async () => {
    const refreshes: number[] = [];
    const read = () =>
      cache.get(
        tenant,
        'slug:p/a',
        async () => pageOf('A', ++loads),
        async (previous) => {
          refreshes.push((previous as CampaignPage & { v: number }).v);
          return { ...previous, v: 100 + refreshes.length } as CampaignPage;
        },
      ) as Promise<CampaignPage & { v: number }>;
    expect((await read()).v).toBe(1);
    cache.forgetCampaign(tenant, 'A');
    expect((await read()).v).toBe(101); // the previous page, its figures read again
    expect((await read()).v).toBe(101); // then cached as usual
    clock.advance(CAMPAIGN_PAGE_TTL_MS + 1);
    // Past their life the figures are served while one refresh runs in the background, then replaced.
    const [during, alsoDuring] = await Promise.all([read(), read()]);
    expect([during.v, alsoDuring.v]).toEqual([101, 101]);
    await new Promise((r) => setImmediate(r));
    expect((await read()).v).toBe(102);
    expect(refreshes).toEqual([1, 101]);
    clock.advance(CAMPAIGN_PAGE_FULL_TTL_MS);
    expect((await read()).v).toBe(102); // served while everything is read again in the background
    await new Promise((r) => setImmediate(r));
    expect((await read()).v).toBe(2);
    cache.forget(tenant);
    expect((await read()).v).toBe(3); // a change to the programme or the authority: everything again
    expect(loads).toBe(3);
  });

  it('a change on this instance while a background refresh runs: the next reader waits for fresh figures', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let n = 0;
    const refresh = async (previous: CampaignPage) => {
      const mine = ++n;
      if (mine === 1) await gate; // the background refresh, read before the change
      return { ...previous, v: 200 + mine } as CampaignPage;
    };
    const read = () => cache.get(tenant, 'slug:p/a', async () => pageOf('A', ++loads), refresh) as Promise<CampaignPage & { v: number }>;
    await read();
    clock.advance(CAMPAIGN_PAGE_TTL_MS + 1);
    expect((await read()).v).toBe(1); // served stale, refresh 1 held
    cache.forgetCampaign(tenant, 'A');
    expect((await read()).v).toBe(202); // waits for its own refresh
    release();
    await new Promise((r) => setImmediate(r));
    expect((await read()).v).toBe(202); // the older background result did not replace it
  });

  it('does not keep a refresh that failed, and reads the whole page next', async () => {
    const refresh = async (): Promise<CampaignPage> => {
      throw new Error('database away');
    };
    await cache.get(tenant, 'slug:p/a', async () => pageOf('A', ++loads), refresh);
    cache.forgetCampaign(tenant, 'A');
    await expect(cache.get(tenant, 'slug:p/a', async () => pageOf('A', ++loads), refresh)).rejects.toThrow('database away');
    await Promise.resolve();
    expect(((await cache.get(tenant, 'slug:p/a', async () => pageOf('A', ++loads), refresh)) as CampaignPage & { v: number }).v).toBe(2);
  });

  it('keeps the renderings when a refresh finds the figures as they were, and renders again when they moved', async () => {
    let renders = 0;
    let collected = 0;
    const render = async () => `<p>${++renders}</p>`;
    const variant = { key: 'fr', tenant: {} };
    const figures = () => ({ campaign: { id: 'A', collectedCents: collected }, rewards: [], wall: { items: [], total: 0 }, reached: null, window: {} });
    const load = async () => figures() as unknown as CampaignPage;
    const refresh = async (previous: CampaignPage) => ({ ...previous, ...figures() }) as unknown as CampaignPage;
    const show = () => cache.rendered(tenant, 'slug:p/a', load, variant, render, refresh);
    expect((await show()).html).toBe('<p>1</p>');
    cache.forgetCampaign(tenant, 'A'); // e.g. a payment still to be made: nothing shown moved
    expect((await show()).html).toBe('<p>1</p>');
    collected = 4_200;
    cache.forgetCampaign(tenant, 'A');
    expect((await show()).html).toBe('<p>2</p>');
    expect(renders).toBe(2);
  });

  it("past the figures' life runs the cheap check (revalidate), after this instance's change the full refresh", async () => {
    const calls: string[] = [];
    const read = () =>
      cache.get(
        tenant,
        'slug:p/a',
        async () => pageOf('A', ++loads),
        async (previous) => (calls.push('refresh'), previous),
        async (previous) => (calls.push('revalidate'), previous),
      );
    await read();
    clock.advance(CAMPAIGN_PAGE_TTL_MS + 1);
    await read();
    await new Promise((r) => setImmediate(r));
    cache.forgetCampaign(tenant, 'A');
    await read();
    expect(calls).toEqual(['revalidate', 'refresh']);
  });
});
