import { homeAction, homeOrder, nextStep } from '../../src/public/domain/home.js';

describe('home page order and actions (issue 17, part 5)', () => {
  it('puts the collection first, then the open call, then programmes under way, the finished ones last', () => {
    const order = homeOrder([
      { slug: 'a', phase: 'results' as const },
      { slug: 'b', phase: 'jury' as const },
      { slug: 'c', phase: 'call_open' as const },
      { slug: 'd', phase: 'campaign' as const },
      { slug: 'e', phase: 'coaching' as const },
    ]).map((p) => p.slug);
    expect(order).toEqual(['d', 'c', 'b', 'e', 'a']);
  });

  it('asks to give during a collection, to apply during a call, to read the results after', () => {
    expect(homeAction({ slug: 'm', phase: 'campaign' })).toEqual({ key: 'home.cta.support', href: '/programmes/m', primary: true });
    expect(homeAction({ slug: 'm', phase: 'call_open' })).toEqual({ key: 'home.cta.apply', href: '/programmes/m/apply', primary: true });
    expect(homeAction({ slug: 'm', phase: 'results' })).toEqual({ key: 'home.cta.results', href: '/programmes/m/results', primary: false });
    expect(homeAction({ slug: 'm', phase: 'jury' })).toMatchObject({ key: 'home.cta.discover', primary: false });
  });

  it('names the next phase when it is scheduled', () => {
    expect(nextStep({ phase: 'jury', timeline: { announced: '2026-06-01T08:00:00Z' } })).toEqual({ phase: 'announced', at: new Date('2026-06-01T08:00:00Z') });
    expect(nextStep({ phase: 'jury', timeline: {} })).toBeNull();
    expect(nextStep({ phase: 'results', timeline: {} })).toBeNull();
  });
});
