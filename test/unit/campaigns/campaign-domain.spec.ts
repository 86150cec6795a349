import fc from 'fast-check';
import { localizeProblems } from '../../../src/common/errors/validation.js';
import { amountProblems, emailKey, requestFingerprint } from '../../../src/campaigns/domain/contribution.js';
import { desiredMatch, grantsEarned, shareAcrossBudgets, type MatchRules } from '../../../src/campaigns/domain/match-funding.js';
import { dueNudges } from '../../../src/campaigns/domain/nudges.js';
import { percentOfGoal, settle } from '../../../src/campaigns/domain/settlement.js';
import { applyPaymentSignal, canMoveCampaign, type ContributionStatus, type PaymentSignal } from '../../../src/campaigns/domain/states.js';
import { safeHref, sanitiseStory, storyFromText } from '../../../src/campaigns/domain/story.js';
import { signPayload, verifySignature } from '../../../src/campaigns/domain/webhook-signature.js';
import { daysLeft, windowOf, windowState } from '../../../src/campaigns/domain/window.js';
import { validateTimeline } from '../../../src/programmes/domain/timeline.js';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

describe('collection window', () => {
  const w = windowOf({ campaign: '2026-09-15T08:00:00Z', settlement: '2026-10-27T08:00:00Z' });

  it('is open only in the campaign phase and before the closing instant, to the millisecond', () => {
    expect(windowState('communication', w, at('2026-09-20T00:00:00Z'))).toBe('before');
    expect(windowState('coaching', w, at('2026-09-20T00:00:00Z'))).toBe('before');
    expect(windowState('campaign', w, at('2026-10-27T07:59:59.999Z'))).toBe('open');
    expect(windowState('campaign', w, at('2026-10-27T08:00:00.000Z'))).toBe('closed'); // the tick has not run yet
    expect(windowState('settlement', w, at('2026-10-01T00:00:00Z'))).toBe('closed');
    expect(windowState('results', w, at('2026-10-01T00:00:00Z'))).toBe('closed');
  });

  it('counts whole days left, rounded up, never negative', () => {
    expect(daysLeft(w, at('2026-09-15T08:00:00Z'))).toBe(42);
    expect(daysLeft(w, at('2026-10-26T08:00:01Z'))).toBe(1);
    expect(daysLeft(w, at('2026-11-01T00:00:00Z'))).toBe(0);
    expect(daysLeft(windowOf({}), at('2026-11-01T00:00:00Z'))).toBeNull();
  });

  it('lasts at most 90 days (a timeline rule)', () => {
    const ok = validateTimeline({ campaign: at('2026-09-01T00:00:00Z'), settlement: new Date(at('2026-09-01T00:00:00Z').getTime() + 90 * DAY) });
    expect(ok).toEqual([]);
    const long = validateTimeline({ campaign: at('2026-09-01T00:00:00Z'), settlement: new Date(at('2026-09-01T00:00:00Z').getTime() + 90 * DAY + 1000) });
    expect(long.map((p) => p.field)).toEqual(['timeline.settlement']);
  });
});

describe('match-funding rules', () => {
  const rules: MatchRules = { factorPercent: 100, capPerContributionCents: null, capPerCampaignCents: null, maxPerContributor: null, onlyListedRewards: false };
  const c = { amountCents: 5_000, rewardMatchEligible: null, campaignMatchedCents: 0, contributorMatchedCount: 0 };

  it('applies the factor, then every cap', () => {
    expect(desiredMatch(rules, c)).toBe(5_000);
    expect(desiredMatch({ ...rules, factorPercent: 50 }, { ...c, amountCents: 1_001 })).toBe(500); // rounded down
    expect(desiredMatch({ ...rules, factorPercent: 0 }, c)).toBe(0);
    expect(desiredMatch({ ...rules, capPerContributionCents: 2_000 }, c)).toBe(2_000);
    expect(desiredMatch({ ...rules, capPerCampaignCents: 6_000 }, { ...c, campaignMatchedCents: 4_500 })).toBe(1_500);
    expect(desiredMatch({ ...rules, capPerCampaignCents: 6_000 }, { ...c, campaignMatchedCents: 7_000 })).toBe(0);
    expect(desiredMatch({ ...rules, maxPerContributor: 2 }, { ...c, contributorMatchedCount: 2 })).toBe(0);
    expect(desiredMatch({ ...rules, maxPerContributor: 2 }, { ...c, contributorMatchedCount: 1 })).toBe(5_000);
  });

  it('matches only listed rewards when asked', () => {
    const listed = { ...rules, onlyListedRewards: true };
    expect(desiredMatch(listed, c)).toBe(0); // no reward
    expect(desiredMatch(listed, { ...c, rewardMatchEligible: false })).toBe(0);
    expect(desiredMatch(listed, { ...c, rewardMatchEligible: true })).toBe(5_000);
  });

  it('shares a match in proportion to what each budget has left, exactly, never beyond a balance', () => {
    expect(
      shareAcrossBudgets(3_000, [
        { id: 'a', remainingCents: 3_000 },
        { id: 'b', remainingCents: 1_000 },
      ]),
    ).toEqual([
      { budgetId: 'a', amountCents: 2_250 },
      { budgetId: 'b', amountCents: 750 },
    ]);
    expect(
      shareAcrossBudgets(10_000, [
        { id: 'a', remainingCents: 300 },
        { id: 'b', remainingCents: 0 },
      ]),
    ).toEqual([{ budgetId: 'a', amountCents: 300 }]);
    expect(shareAcrossBudgets(500, [])).toEqual([]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 0, max: 500_000 }), { maxLength: 6 }), (wanted, balances) => {
        const budgets = balances.map((b, i) => ({ id: `b${i}`, remainingCents: b }));
        const shares = shareAcrossBudgets(wanted, budgets);
        const total = shares.reduce((s, x) => s + x.amountCents, 0);
        const available = balances.reduce((s, b) => s + b, 0);
        expect(total).toBe(Math.min(wanted, available));
        for (const s of shares) {
          expect(Number.isInteger(s.amountCents)).toBe(true);
          expect(s.amountCents).toBeGreaterThan(0);
          expect(s.amountCents).toBeLessThanOrEqual(budgets.find((b) => b.id === s.budgetId)!.remainingCents);
        }
      }),
    );
  });

  it('pays a fixed grant once both thresholds are reached, once per budget, within its balance', () => {
    const budgets = [
      { id: 'g1', remainingCents: 10_000, grantCents: 2_000, thresholdPercent: 50, minContributors: 10 },
      { id: 'g2', remainingCents: 500, grantCents: 2_000, thresholdPercent: 30, minContributors: 0 },
    ];
    expect(grantsEarned({ goalCents: 10_000, collectedCents: 4_999, contributorCount: 20 }, budgets, new Set())).toEqual([
      { budgetId: 'g2', amountCents: 500 },
    ]);
    expect(grantsEarned({ goalCents: 10_000, collectedCents: 5_000, contributorCount: 9 }, budgets, new Set(['g2']))).toEqual([]);
    expect(grantsEarned({ goalCents: 10_000, collectedCents: 5_000, contributorCount: 10 }, budgets, new Set(['g2']))).toEqual([
      { budgetId: 'g1', amountCents: 2_000 },
    ]);
    expect(grantsEarned({ goalCents: 10_000, collectedCents: 9_000, contributorCount: 99 }, budgets, new Set(['g1', 'g2']))).toEqual([]);
  });
});

describe('settlement', () => {
  const rules = { policy: 'all_or_nothing' as const, matchCountsTowardGoal: true };

  it('waits for pending payments, then funds a campaign that reached its goal', () => {
    expect(settle({ goalCents: 1_000, collectedCents: 5_000, matchedCents: 0, pendingCount: 1 }, rules)).toEqual({ outcome: 'awaiting_funds' });
    expect(settle({ goalCents: 1_000, collectedCents: 1_000, matchedCents: 0, pendingCount: 0 }, rules)).toEqual({
      outcome: 'funded',
      refundContributions: false,
      releaseMatch: false,
    });
  });

  it('counts match-funding toward the goal only when the programme says so', () => {
    const c = { goalCents: 1_000, collectedCents: 600, matchedCents: 400, pendingCount: 0 };
    expect(settle(c, rules).outcome).toBe('funded');
    expect(settle(c, { ...rules, matchCountsTowardGoal: false }).outcome).toBe('not_funded');
  });

  it('gives everything back under all-or-nothing, keeps it all otherwise', () => {
    const short = { goalCents: 1_000, collectedCents: 999, matchedCents: 0, pendingCount: 0 };
    expect(settle(short, rules)).toEqual({ outcome: 'not_funded', refundContributions: true, releaseMatch: true });
    expect(settle(short, { ...rules, policy: 'keep_it_all' })).toEqual({ outcome: 'not_funded', refundContributions: false, releaseMatch: false });
    expect(percentOfGoal(999, 1_000)).toBe(99);
    expect(percentOfGoal(2_500, 1_000)).toBe(250);
  });
});

describe('states', () => {
  it('moves campaigns forward only', () => {
    expect(canMoveCampaign('draft', 'in_review')).toBe(true);
    expect(canMoveCampaign('draft', 'live')).toBe(false);
    expect(canMoveCampaign('live', 'funded')).toBe(true);
    expect(canMoveCampaign('funded', 'not_funded')).toBe(false);
  });

  it('makes payment signals commutative enough: replays and late news never count money twice', () => {
    expect(applyPaymentSignal('pending', 'succeeded')).toBe('confirmed');
    expect(applyPaymentSignal('confirmed', 'succeeded')).toBeNull();
    // The one way back from refunded: a dispute won (nothing else is reinstated).
    expect(applyPaymentSignal('refunded', 'reinstated')).toBe('confirmed');
    for (const s of ['pending', 'confirmed', 'failed', 'expired', 'refund_due'] as const) expect(applyPaymentSignal(s, 'reinstated')).toBeNull();
    expect(applyPaymentSignal('confirmed', 'failed')).toBeNull();
    expect(applyPaymentSignal('failed', 'succeeded')).toBe('refund_due');
    expect(applyPaymentSignal('expired', 'succeeded')).toBe('refund_due');
    expect(applyPaymentSignal('refund_due', 'refunded')).toBe('refunded');
    expect(applyPaymentSignal('pending', 'refunded')).toBeNull();
    // Whatever sequence of signals arrives, a contribution is counted at most once.
    const signals: PaymentSignal[] = ['succeeded', 'failed', 'refunded'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...signals), { maxLength: 12 }), (seq) => {
        let s: ContributionStatus = 'pending';
        let counted = 0;
        for (const sig of seq) {
          const next = applyPaymentSignal(s, sig);
          if (next === 'confirmed') counted++;
          if (next) s = next;
        }
        expect(counted).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('nudges', () => {
  const opensAt = at('2026-09-15T08:00:00Z');
  const closesAt = new Date(opensAt.getTime() + 42 * DAY);
  const base = { opensAt, closesAt, goalReached: false, lastUpdateAt: null };

  it('tips on opening day only', () => {
    expect(dueNudges({ ...base, now: new Date(opensAt.getTime() + 3_600_000) }).map((n) => n.key)).toEqual(['opening-tip']);
    expect(dueNudges({ ...base, now: new Date(opensAt.getTime() + DAY + 1) })).toEqual([]);
  });

  it('reminds after six days without news, keyed by the silence', () => {
    const n = dueNudges({ ...base, now: new Date(opensAt.getTime() + 6 * DAY) });
    expect(n.map((x) => x.kind)).toEqual(['update_reminder']);
    const later = dueNudges({ ...base, now: new Date(opensAt.getTime() + 9 * DAY) });
    expect(later[0].key).toBe(n[0].key); // the same silence: reminded once
    const posted = new Date(opensAt.getTime() + 8 * DAY);
    expect(dueNudges({ ...base, lastUpdateAt: posted, now: new Date(opensAt.getTime() + 9 * DAY) })).toEqual([]);
    expect(dueNudges({ ...base, lastUpdateAt: posted, now: new Date(posted.getTime() + 6 * DAY) })[0].key).not.toBe(n[0].key);
  });

  it('alerts 5, 3, 2 and 1 days before the close while the goal is not reached; only the most urgent after downtime', () => {
    const before = (d: number) => dueNudges({ ...base, lastUpdateAt: new Date(closesAt.getTime() - 6 * DAY), now: new Date(closesAt.getTime() - d * DAY) });
    expect(before(6)).toEqual([]);
    expect(before(5).map((n) => n.key)).toEqual(['closing:5']);
    expect(before(4).map((n) => n.key)).toEqual(['closing:5']);
    expect(before(2.5).map((n) => n.key)).toEqual(['closing:3']);
    expect(before(0.5).map((n) => n.key)).toEqual(['closing:1']);
    expect(dueNudges({ ...base, goalReached: true, lastUpdateAt: new Date(closesAt.getTime() - DAY), now: new Date(closesAt.getTime() - DAY / 2) })).toEqual(
      [],
    );
    expect(dueNudges({ ...base, now: closesAt })).toEqual([]);
  });
});

describe('contribution requests', () => {
  it('requires 1 EUR and the reward minimum', () => {
    expect(amountProblems(99, null)[0].field).toBe('amountCents');
    expect(amountProblems(100, null)).toEqual([]);
    expect(localizeProblems(amountProblems(1_999, 2_000), 'en')[0].message).toBe('Amount: must be at least €20.00 for this reward.');
    expect(localizeProblems(amountProblems(1_999, 2_000), 'fr')[0].message).toMatch(/^Montant : doit être au moins de 20,00\s€ pour cette contrepartie\.$/);
    expect(amountProblems(2_000, 2_000)).toEqual([]);
  });

  it('identifies a contributor by e-mail and a request by what it asks', () => {
    expect(emailKey('  Léa@Example.ORG ')).toBe('léa@example.org');
    const r = { amountCents: 1_000, rewardTierId: null, email: 'a@b.c', displayName: null, anonymous: false, message: '' };
    expect(requestFingerprint('c1', r)).toBe(requestFingerprint('c1', { ...r, email: 'A@B.C ' }));
    expect(requestFingerprint('c1', r)).not.toBe(requestFingerprint('c1', { ...r, amountCents: 1_001 }));
    expect(requestFingerprint('c1', r)).not.toBe(requestFingerprint('c2', r));
  });
});

describe('story sanitising', () => {
  it('keeps the allowed formatting and drops everything else', () => {
    expect(sanitiseStory('<p class="x" onclick="evil()">Hello <strong>world</strong><script>alert(1)</script></p>')).toBe(
      '<p>Hello <strong>world</strong></p>',
    );
    expect(sanitiseStory('<a href="https://example.org/x?a=1&b=2" target="_blank">link</a>')).toBe(
      '<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer nofollow">link</a>',
    );
    expect(sanitiseStory('<a href="jav&#x61;script:alert(1)">x</a><a href=" javascript:alert(1)">y</a>')).toBe('<a>x</a><a>y</a>');
    expect(sanitiseStory('<img src=x onerror=alert(1)><svg><script>1</script></svg>after')).toBe('after');
    expect(sanitiseStory('<p>unclosed <em>tags')).toBe('<p>unclosed <em>tags</em></p>');
    expect(sanitiseStory('1 < 2 and 3 > 2 & so on')).toBe('1 &lt; 2 and 3 &gt; 2 &amp; so on');
    expect(sanitiseStory('<!-- <script>alert(1)</script> -->ok')).toBe('ok');
    expect(safeHref('mailto:a@b.c')).toBe('mailto:a@b.c');
    expect(safeHref('data:text/html,<script>')).toBeNull();
  });

  it('never lets a tag with an attribute other than a checked href through, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.array(fc.constantFrom('<', '>', '"', "'", '=', ' ', 'a', 'p', 'script', 'on', 'href', '/', '!--', 'javascript:', '&#'), { maxLength: 40 }),
        (s, parts) => {
          const out = sanitiseStory(s + parts.join(''));
          expect(out).not.toMatch(/<(?!\/?(p|br|strong|b|em|i|u|ul|ol|li|h2|h3|blockquote|a)[ >])/i);
          expect(out).not.toMatch(/<[a-z0-9]+ (?!href="(https?:|mailto:)[^"]*" rel="noopener noreferrer nofollow">)/i);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('turns plain text into paragraphs', () => {
    expect(storyFromText('First line\nsecond\n\nNew <para>')).toBe('<p>First line<br>second</p><p>New &lt;para&gt;</p>');
  });
});

describe('webhook signatures', () => {
  const secret = 'a-shared-secret-of-24-chars!';
  const body = Buffer.from('{"id":"evt_1"}');
  const now = at('2026-10-01T12:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  it('accepts the right signature within five minutes only', () => {
    expect(verifySignature(secret, body, signPayload(secret, body, t), now)).toEqual({ ok: true });
    expect(verifySignature(secret, body, signPayload(secret, body, t - 299), now)).toEqual({ ok: true });
    expect(verifySignature(secret, body, signPayload(secret, body, t - 301), now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(secret, Buffer.from('{"id":"evt_2"}'), signPayload(secret, body, t), now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature('another-secret-of-24-chars!!', body, signPayload(secret, body, t), now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(secret, body, undefined, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignature(secret, body, 't=abc,v1=zz', now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
