import fc from 'fast-check';
import pg from 'pg';
import { createCampaignProgramme } from '../factories/campaigns.js';
import { createPerson, createTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * A partner's budget is split into a pool and sixteen stripes (migration MatchBudgetStripes), so that
 * contributions committing at once take from different rows. Whatever the connections do at the same
 * time (take, give back, roll back), what remains is exact, no stripe and no pool goes negative, and a
 * take is refused only when the whole budget no longer holds the amount.
 */
describe('match budget stripes', () => {
  let t: TestApp;
  let tenantId: string;
  let programmeId: string;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-01T08:00:00Z');
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const w = await createCampaignProgramme(t, city, staff, 1);
    tenantId = city.tenant.id;
    programmeId = w.programme.id;
    for (let i = 0; i < 6; i++) {
      const c = new pg.Client({ connectionString: t.databaseUrl });
      await c.connect();
      clients.push(c);
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await t.close();
  });

  let kind = 0;
  /** A fresh budget (one per partner and kind: a new partner each time). */
  async function budget(totalCents: number): Promise<string> {
    const [p] = await t.ds.query(`INSERT INTO partner (tenant_id, programme_id, name) VALUES ($1, $2, $3) RETURNING id`, [
      tenantId,
      programmeId,
      `Partenaire ${++kind}`,
    ]);
    const [b] = await t.ds.query(
      `INSERT INTO match_budget (tenant_id, programme_id, partner_id, kind, total_cents, pool_cents) VALUES ($1, $2, $3, 'ratio', $4, $4) RETURNING id`,
      [tenantId, programmeId, p.id, totalCents],
    );
    return b.id as string;
  }

  const remaining = async (id: string) => Number((await t.ds.query(`SELECT match_budget_remaining($1) AS r`, [id]))[0].r);
  const negatives = async (id: string) =>
    Number(
      (
        await t.ds.query(
          `SELECT (SELECT count(*) FROM match_budget_stripe WHERE budget_id = $1 AND remaining_cents < 0) + (SELECT count(*) FROM match_budget WHERE id = $1 AND pool_cents < 0) AS n`,
          [id],
        )
      )[0].n,
    );
  const take = async (c: pg.Client, id: string, cents: number) => (await c.query(`SELECT match_budget_take($1, $2) AS ok`, [id, cents])).rows[0].ok as boolean;

  it("takes from what another connection's stripe holds when the pool falls short", async () => {
    const id = await budget(1_600);
    const [a, b] = clients;
    expect(await take(a, id, 1)).toBe(true); // a slice of the pool goes to a's stripe
    expect(await take(b, id, 1_550)).toBe(true); // more than the pool: gathered from a's stripe
    expect(await remaining(id)).toBe(49);
    expect(await take(b, id, 50)).toBe(false);
    expect(await take(a, id, 49)).toBe(true);
    expect(await remaining(id)).toBe(0);
  });

  it('stays exact under concurrent takes, give-backs and rollbacks, and refuses only what the budget does not hold', async () => {
    const step = fc.record({
      op: fc.constantFrom('take', 'take', 'take', 'give'),
      cents: fc.integer({ min: 1, max: 5_000 }),
      commit: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(step, { minLength: 1, maxLength: 25 }), { minLength: clients.length, maxLength: clients.length }), async (plans) => {
        const total = 200_000;
        const id = await budget(total);
        let net = 0; // cents taken by committed transactions, minus what they gave back
        await Promise.all(
          plans.map(async (plan, i) => {
            const c = clients[i];
            for (const s of plan) {
              await c.query('BEGIN');
              let moved = 0;
              if (s.op === 'take') moved = (await take(c, id, s.cents)) ? s.cents : 0;
              else {
                await c.query(`SELECT match_budget_give_back($1, $2)`, [id, s.cents]);
                moved = -s.cents;
              }
              if (s.commit) {
                await c.query('COMMIT');
                net += moved;
              } else await c.query('ROLLBACK');
            }
          }),
        );
        expect(await negatives(id)).toBe(0);
        expect(await remaining(id)).toBe(total - net);

        // Draining: every connection takes until refused; a refusal means the budget held less.
        const refused: number[] = [];
        await Promise.all(
          clients.map(async (c, i) => {
            const cents = 997 + i * 131;
            while (await take(c, id, cents)) net += cents;
            refused.push(cents);
          }),
        );
        const left = await remaining(id);
        expect(left).toBe(total - net);
        expect(left).toBeLessThan(Math.min(...refused));
        expect(await negatives(id)).toBe(0);
      }),
      { numRuns: 8 },
    );
  });

  it('takes from two budgets in id order on several connections without a deadlock', async () => {
    const ids = [await budget(300_000), await budget(300_000)].sort();
    let taken = 0;
    await Promise.all(
      clients.map(async (c, i) => {
        for (let n = 0; n < 40; n++) {
          await c.query('BEGIN');
          const ok = (await take(c, ids[0], 700 + i)) && (await take(c, ids[1], 700 + i));
          if (ok && n % 5 !== 0) {
            await c.query('COMMIT');
            taken += 700 + i;
          } else await c.query('ROLLBACK');
        }
      }),
    );
    for (const id of ids) expect(await remaining(id)).toBe(300_000 - taken);
  });
});
