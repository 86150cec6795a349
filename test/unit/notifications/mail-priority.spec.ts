import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MailPriority, PRIORITY_BY_TEMPLATE, priorityOf } from '../../../src/notifications/domain/mail-priority.js';
import { ratedClaimOrder, shareSlots } from '../../../src/notifications/domain/mail-rate.js';

describe('e-mail priorities', () => {
  it('sends sign-in links, invitations, receipts and confirmations first', () => {
    for (const t of ['sign-in-link', 'invitation', 'application-received', 'contribution-confirm', 'contribution-confirmed', 'application-contact-email']) {
      expect([t, priorityOf(t)]).toEqual([t, MailPriority.Transactional]);
    }
  });

  it('sends decisions and outcomes before mailings, nudges, reminders and digests', () => {
    for (const t of ['application-decision', 'jury-result', 'campaign-reviewed', 'campaign-settled', 'contribution-settled'])
      expect(priorityOf(t)).toBe(MailPriority.Personal);
    for (const t of ['campaign-update', 'campaign-opened', 'campaign-nudge', 'jury-reminder', 'coaching-reminder', 'coaching-digest']) {
      expect(priorityOf(t)).toBe(MailPriority.Bulk);
    }
  });

  it('treats a template nobody classified as an ordinary notice, never as transactional', () => {
    expect(priorityOf('some-new-template')).toBe(MailPriority.Personal);
    expect(priorityOf('toString')).toBe(MailPriority.Personal);
    fc.assert(
      fc.property(fc.string(), (name) => {
        const p = priorityOf(name);
        return Object.hasOwn(PRIORITY_BY_TEMPLATE, name) ? p === PRIORITY_BY_TEMPLATE[name as keyof typeof PRIORITY_BY_TEMPLATE] : p === MailPriority.Personal;
      }),
    );
  });

  it('declares every e-mail template (a new one must be classified on purpose)', () => {
    const templates = new Set(
      readdirSync(join(process.cwd(), 'templates/emails'))
        .filter((f) => f.endsWith('.hbs'))
        .map((f) => f.slice(0, -'.hbs'.length))
        .filter((n) => n !== 'layout'),
    );
    expect([...templates].filter((t) => !Object.hasOwn(PRIORITY_BY_TEMPLATE, t))).toEqual([]);
    expect(Object.keys(PRIORITY_BY_TEMPLATE).filter((t) => !templates.has(t))).toEqual([]);
  });
});

describe('send rate', () => {
  it('serves the least-served authority first and leaves exhausted ones waiting', () => {
    expect(
      ratedClaimOrder(10, [
        { tenantId: 'a', used: 7 },
        { tenantId: 'b', used: 0 },
        { tenantId: 'c', used: 10 },
        { tenantId: 'd', used: 12 },
      ]),
    ).toEqual([
      { tenantId: 'b', max: 10 },
      { tenantId: 'a', max: 3 },
    ]);
  });

  /** A fake authority queue: claims up to n of its backlog. */
  const queues = (backlogs: Record<string, number>) => {
    const got: Record<string, number> = {};
    const claim = async (id: string, n: number) => {
      const k = Math.min(n, backlogs[id] - (got[id] ?? 0));
      got[id] = (got[id] ?? 0) + k;
      return k;
    };
    return { got, claim };
  };

  it('gives each authority an equal share of the slots, passing on what one cannot use', async () => {
    const even = queues({ a: 5000, b: 5000, c: 5000 });
    expect(
      await shareSlots(
        20,
        [
          { tenantId: 'a', max: 600 },
          { tenantId: 'b', max: 600 },
          { tenantId: 'c', max: 600 },
        ],
        even.claim,
      ),
    ).toBe(20);
    expect(even.got).toEqual({ a: 7, b: 7, c: 6 });
    // b has one message and c two left in its budget: a, first, gets the rest on a second round.
    const uneven = queues({ a: 5000, b: 1, c: 5000 });
    expect(
      await shareSlots(
        20,
        [
          { tenantId: 'a', max: 600 },
          { tenantId: 'b', max: 600 },
          { tenantId: 'c', max: 2 },
        ],
        uneven.claim,
      ),
    ).toBe(20);
    expect(uneven.got).toEqual({ a: 17, b: 1, c: 2 });
  });

  it('never grants an authority more than its budget, nor a pass more than its slots, and leaves no slot idle that one could use', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.record({ used: fc.nat(1200), backlog: fc.integer({ min: 1, max: 200 }) }), { maxLength: 12 }),
        async (rate, slots, tenants) => {
          const id = (i: number) => `t${String(i).padStart(2, '0')}`;
          const usage = tenants.map((t, i) => ({ tenantId: id(i), used: t.used }));
          const { got, claim } = queues(Object.fromEntries(tenants.map((t, i) => [id(i), t.backlog])));
          const taken = await shareSlots(slots, ratedClaimOrder(rate, usage), claim);
          expect(taken).toBeLessThanOrEqual(slots);
          expect(Object.values(got).reduce((a, b) => a + b, 0)).toBe(taken);
          tenants.forEach((t, i) => {
            const n = got[id(i)] ?? 0;
            expect(t.used < rate ? t.used + n : n).toBeLessThanOrEqual(Math.max(rate, t.used));
            if (taken < slots) expect(n).toBe(t.used < rate ? Math.min(rate - t.used, t.backlog) : 0);
          });
        },
      ),
    );
  });
});
